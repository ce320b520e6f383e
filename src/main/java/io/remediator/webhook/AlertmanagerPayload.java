package io.remediator.webhook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Alertmanager's webhook body, version "4". Unknown fields are ignored on purpose: Alertmanager
 * adds fields over time (`notification_reason` in 0.32, `routeLabels` in 0.34) and an older
 * service must keep accepting newer senders.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AlertmanagerPayload(
        String version,
        String groupKey,
        Integer truncatedAlerts,
        String status,
        String receiver,
        Map<String, String> groupLabels,
        Map<String, String> commonLabels,
        Map<String, String> commonAnnotations,
        String externalURL,
        List<Alert> alerts) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Alert(
            String status,
            Map<String, String> labels,
            Map<String, String> annotations,
            Instant startsAt,
            Instant endsAt,
            String generatorURL,
            String fingerprint) {

        public String alertname() {
            return labels == null ? null : labels.get("alertname");
        }

        public boolean firing() {
            return "firing".equals(status);
        }
    }
}

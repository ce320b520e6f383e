package io.remediator.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Map;

/**
 * One alert of a delivery, as a report stores it. The project's own record, not Alertmanager's
 * wire type: a field Alertmanager adds or renames changes the intake's mapping, never silently the
 * stored schema. (The field names are Alertmanager's, so stored reports read the same as before.)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Alert(
        String status,
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        String generatorURL,
        String fingerprint) {

    public boolean firing() {
        return "firing".equals(status);
    }
}

package io.remediator.webhook;

import java.time.Instant;
import java.util.List;

/**
 * One alert group's alerts for one alertname, as accepted from Alertmanager: what the pipeline
 * diagnoses. `status` is firing when any of its alerts fires.
 */
public record WorkItem(
        String id,
        Instant receivedAt,
        String alertname,
        String status,
        String groupKey,
        String receiver,
        String externalURL,
        int truncatedAlerts,
        List<AlertmanagerPayload.Alert> alerts) {

    public boolean firing() {
        return "firing".equals(status);
    }
}

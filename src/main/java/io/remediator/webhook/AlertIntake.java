package io.remediator.webhook;

import io.remediator.metrics.RemediatorMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Turns one accepted delivery into work items: one per alertname that has a runbook. Alerts
 * without a runbook are counted and left alone; they are still a successful delivery.
 */
public final class AlertIntake {
    public sealed interface Outcome {
        record Accepted(List<WorkItem> items, int ignoredAlerts) implements Outcome {}
        record Unavailable(String reason) implements Outcome {}
    }

    private final Set<String> runbookAlertnames;
    private final WorkQueue queue;
    private final BooleanSupplier ready;
    private final RemediatorMetrics metrics;
    private final Clock clock;

    public AlertIntake(Set<String> runbookAlertnames, WorkQueue queue, BooleanSupplier ready,
                       RemediatorMetrics metrics, Clock clock) {
        this.runbookAlertnames = Set.copyOf(runbookAlertnames);
        this.queue = queue;
        this.ready = ready;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Outcome accept(AlertmanagerPayload payload) {
        if (!ready.getAsBoolean()) {
            return new Outcome.Unavailable("the Kubernetes API is not reachable; retry later");
        }
        Map<String, List<AlertmanagerPayload.Alert>> byAlertname = new LinkedHashMap<>();
        int ignored = 0;
        for (AlertmanagerPayload.Alert alert : payload.alerts()) {
            if (runbookAlertnames.contains(alert.alertname())) {
                byAlertname.computeIfAbsent(alert.alertname(), k -> new ArrayList<>()).add(alert);
            } else {
                ignored++;
            }
        }
        List<WorkItem> items = new ArrayList<>();
        byAlertname.forEach((alertname, alerts) -> items.add(new WorkItem(
                UUID.randomUUID().toString(),
                clock.instant(),
                alertname,
                alerts.stream().anyMatch(AlertmanagerPayload.Alert::firing) ? "firing" : "resolved",
                payload.groupKey(),
                payload.receiver(),
                payload.externalURL(),
                payload.truncatedAlerts() == null ? 0 : payload.truncatedAlerts(),
                List.copyOf(alerts))));
        if (!queue.offerAll(items)) {
            return new Outcome.Unavailable("the work queue is full; retry later");
        }
        for (AlertmanagerPayload.Alert alert : payload.alerts()) {
            metrics.alertReceived(alert.alertname(), alert.status(), runbookAlertnames.contains(alert.alertname()));
        }
        return new Outcome.Accepted(items, ignored);
    }
}

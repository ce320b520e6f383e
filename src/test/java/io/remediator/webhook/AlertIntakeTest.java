package io.remediator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.metrics.RemediatorMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AlertIntakeTest {
    private static final String OUTDATED = "OutdatedVirtualMachineInstanceWorkloads";

    private static AlertmanagerPayload.Alert alert(String name, String status) {
        return new AlertmanagerPayload.Alert(status, Map.of("alertname", name), Map.of(),
                Instant.parse("2026-11-23T10:00:00Z"), null, null, "f");
    }

    private static AlertmanagerPayload payload(AlertmanagerPayload.Alert... alerts) {
        return new AlertmanagerPayload("4", "{}:{}", 0, "firing", "r", Map.of(), Map.of(), Map.of(), null,
                List.of(alerts));
    }

    @Test
    void fullQueueAsksAlertmanagerToRetryAndQueuesNothingOfTheDelivery() throws InterruptedException {
        WorkQueue queue = new WorkQueue(1);
        AlertIntake intake = new AlertIntake(Set.of(OUTDATED), queue, () -> true, new RemediatorMetrics(), Clock.systemUTC());

        assertThat(intake.accept(payload(alert(OUTDATED, "firing")))).isInstanceOf(AlertIntake.Outcome.Accepted.class);
        assertThat(intake.accept(payload(alert(OUTDATED, "firing"))))
                .isInstanceOfSatisfying(AlertIntake.Outcome.Unavailable.class,
                        u -> assertThat(u.reason()).contains("queue is full"));
        assertThat(queue.size()).isEqualTo(1);
        queue.take(1, TimeUnit.SECONDS);
        assertThat(intake.accept(payload(alert(OUTDATED, "firing")))).isInstanceOf(AlertIntake.Outcome.Accepted.class);
    }

    @Test
    void notReadyRefusesWithoutQueueing() {
        WorkQueue queue = new WorkQueue(10);
        AlertIntake intake = new AlertIntake(Set.of(OUTDATED), queue, () -> false, new RemediatorMetrics(), Clock.systemUTC());
        assertThat(intake.accept(payload(alert(OUTDATED, "firing")))).isInstanceOf(AlertIntake.Outcome.Unavailable.class);
        assertThat(queue.size()).isZero();
    }

    @Test
    void aGroupIsFiringWhenAnyOfItsAlertsFires() {
        WorkQueue queue = new WorkQueue(10);
        AlertIntake intake = new AlertIntake(Set.of(OUTDATED), queue, () -> true, new RemediatorMetrics(), Clock.systemUTC());
        var outcome = (AlertIntake.Outcome.Accepted) intake.accept(payload(
                alert(OUTDATED, "resolved"), alert(OUTDATED, "firing"), alert("Other", "firing")));
        assertThat(outcome.items()).singleElement().satisfies(item -> {
            assertThat(item.status()).isEqualTo("firing");
            assertThat(item.alerts()).hasSize(2);
        });
        assertThat(outcome.ignoredAlerts()).isEqualTo(1);
    }
}

package io.remediator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.report.ReportSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertIntakeTest {
    private static final String OUTDATED = "OutdatedVirtualMachineInstanceWorkloads";

    private static AlertmanagerPayload.Alert alert(String name, String status, String startsAt) {
        return new AlertmanagerPayload.Alert(status, Map.of("alertname", name), Map.of(),
                Instant.parse(startsAt), null, null, "f");
    }

    private static AlertmanagerPayload.Alert alert(String name, String status) {
        return alert(name, status, "2026-11-23T10:00:00Z");
    }

    private static AlertmanagerPayload payload(AlertmanagerPayload.Alert... alerts) {
        return new AlertmanagerPayload("4", "{}:{}", 0, "firing", "r", Map.of(), Map.of(), Map.of(), null,
                List.of(alerts));
    }

    private final List<ReportSpec> stored = new ArrayList<>();

    private AlertIntake intake(boolean reachable) {
        return new AlertIntake(Set.of(OUTDATED), item -> {
            stored.add(item);
            return new AlertIntake.Stored(item, true);
        }, () -> reachable, new RemediatorMetrics(), Clock.systemUTC());
    }

    @Test
    void notReachableRefusesWithoutStoring() {
        assertThat(intake(false).accept(payload(alert(OUTDATED, "firing"))))
                .isInstanceOf(AlertIntake.Outcome.Unavailable.class);
        assertThat(stored).isEmpty();
    }

    @Test
    void aFailedWriteAsksAlertmanagerToRetryWithTheApisWords() {
        AlertIntake failing = new AlertIntake(Set.of(OUTDATED), item -> {
            throw new KubernetesClientException("connect timed out");
        }, () -> true, new RemediatorMetrics(), Clock.systemUTC());
        assertThat(failing.accept(payload(alert(OUTDATED, "firing"))))
                .isInstanceOfSatisfying(AlertIntake.Outcome.Unavailable.class,
                        u -> assertThat(u.reason()).contains("could not be stored").contains("connect timed out"));
    }

    @Test
    void onlyUnknownAlertsNeedNoStoreAndAreStillAccepted() {
        assertThat(intake(false).accept(payload(alert("Other", "firing"))))
                .isInstanceOfSatisfying(AlertIntake.Outcome.Accepted.class, a -> {
                    assertThat(a.items()).isEmpty();
                    assertThat(a.ignoredAlerts()).isEqualTo(1);
                });
    }

    @Test
    void aGroupIsFiringWhenAnyOfItsAlertsFires() {
        var outcome = (AlertIntake.Outcome.Accepted) intake(true).accept(payload(
                alert(OUTDATED, "resolved"), alert(OUTDATED, "firing"), alert("Other", "firing")));
        assertThat(outcome.items()).singleElement().satisfies(item -> {
            assertThat(item.status()).isEqualTo("firing");
            assertThat(item.alerts()).hasSize(2);
        });
        assertThat(outcome.ignoredAlerts()).isEqualTo(1);
    }

    @Test
    void theSameEpisodeHasTheSameReportNameAndANewFiringANewOne() {
        AlertIntake intake = intake(true);
        intake.accept(payload(alert(OUTDATED, "firing")));
        intake.accept(payload(alert(OUTDATED, "firing")));
        intake.accept(payload(alert(OUTDATED, "resolved")));
        intake.accept(payload(alert(OUTDATED, "firing", "2026-11-24T08:00:00Z")));
        assertThat(stored).extracting(ReportSpec::id).satisfies(ids -> {
            assertThat(ids.get(0)).isEqualTo(ids.get(1)).isEqualTo(ids.get(2)).isNotEqualTo(ids.get(3));
            assertThat(ids.get(0)).startsWith("outdatedvirtualmachineinstanceworkloads-").matches("[a-z0-9-]{1,63}");
        });
    }

    @Test
    void aRepeatCountsADeliveryAndAResolvedEpisodeStaysResolved() {
        ReportSpec first = ReportSpec.delivered(Instant.parse("2026-11-24T00:00:00Z"), OUTDATED,
                List.of(AlertIntake.stored(alert(OUTDATED, "firing"))), "g", "r", null, 0);
        ReportSpec resolved = first.withDelivery(ReportSpec.delivered(Instant.parse("2026-11-24T01:00:00Z"), OUTDATED,
                List.of(AlertIntake.stored(alert(OUTDATED, "resolved"))), "g", "r", null, 0));
        ReportSpec lateRetry = resolved.withDelivery(first);
        assertThat(resolved.deliveries()).isEqualTo(2);
        assertThat(resolved.lastDeliveryAt()).isEqualTo(Instant.parse("2026-11-24T01:00:00Z"));
        assertThat(resolved.receivedAt()).isEqualTo(first.receivedAt());
        assertThat(resolved.status()).isEqualTo("resolved");
        assertThat(lateRetry.status()).isEqualTo("resolved");
        assertThat(lateRetry.deliveries()).isEqualTo(3);
    }
}

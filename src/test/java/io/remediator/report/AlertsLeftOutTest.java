package io.remediator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * redteam-2 N1, N9, W8: what reads a report without its alerts still tells a repeat from a change,
 * never writes a report without them, and a report found under a delivery's name that belongs to
 * another episode is left as it is.
 */
@ExtendWith(RealCluster.class)
class AlertsLeftOutTest {
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private ReportStore store;
    private TestCluster cluster;
    private String ns;

    @BeforeEach
    void store(TestCluster cluster) {
        this.cluster = cluster;
        ns = RunningService.freshNamespace();
        cluster.namespace(ns);
        store = new ReportStore(cluster.client(), ns, 1_000_000);
    }

    @Test
    void theDigestOfAnAlertSetIgnoresItsOrderAndChangesWithAnyLabelOrTime() {
        List<Alert> alerts = ReportStoreTest.podAlerts(5);
        List<Alert> shuffled = new ArrayList<>(alerts);
        Collections.reverse(shuffled);
        assertThat(ReportSpec.digestOf(shuffled)).isEqualTo(ReportSpec.digestOf(alerts));

        Alert first = alerts.get(0);
        java.util.Map<String, String> relabelled = new java.util.HashMap<>(first.labels());
        relabelled.put("severity", "critical");
        List<Alert> changed = new ArrayList<>(alerts);
        changed.set(0, new Alert(first.status(), relabelled, first.annotations(), first.startsAt(), first.endsAt(),
                first.generatorURL(), first.fingerprint()));
        assertThat(ReportSpec.digestOf(changed)).isNotEqualTo(ReportSpec.digestOf(alerts));
        List<Alert> later = new ArrayList<>(alerts);
        later.set(0, new Alert(first.status(), first.labels(), first.annotations(), first.startsAt().plusSeconds(1),
                first.endsAt(), first.generatorURL(), first.fingerprint()));
        assertThat(ReportSpec.digestOf(later)).isNotEqualTo(ReportSpec.digestOf(alerts));
        // A value moved between two labels does not read the same (fields are length-prefixed).
        Alert a = new Alert("firing", Map.of("a", "bc"), Map.of(), null, null, null, null);
        Alert b = new Alert("firing", Map.of("ab", "c"), Map.of(), null, null, null, null);
        assertThat(ReportSpec.digestOf(List.of(a))).isNotEqualTo(ReportSpec.digestOf(List.of(b)));
        // The same alert twice is not the same set as it once.
        assertThat(ReportSpec.digestOf(List.of(a, a))).isNotEqualTo(ReportSpec.digestOf(List.of(a)));
    }

    @Test
    void aReportReadWithoutItsAlertsCountsThemTellsARepeatAndIsNeverWrittenBack() {
        ReportSpec delivery = ReportSpec.delivered(T0, "OutdatedVirtualMachineInstanceWorkloads",
                ReportStoreTest.podAlerts(40), "{}:{}", "kubevirt-remediator", "http://am", 0);
        StoredReport whole = store.recordDelivery(delivery);

        StoredReport light = store.read(whole.name()).orElseThrow();
        assertThat(light.spec().alerts()).isEmpty();
        assertThat(light.spec().alertCount()).isEqualTo(40);
        assertThat(light.spec().alertsOmitted()).isTrue();
        assertThat(store.find(whole.name()).orElseThrow().alertCount()).as("what the page shows").isEqualTo(40);

        // A repeat (the same alerts in another order) is told by the digest alone.
        List<Alert> reordered = new ArrayList<>(delivery.alerts());
        Collections.reverse(reordered);
        ReportSpec repeat = ReportSpec.delivered(T0.plusSeconds(60), delivery.alertname(), reordered, "{}:{}",
                "kubevirt-remediator", "http://am", 0);
        assertThat(light.spec().sameAlertsAs(repeat)).isTrue();
        ReportSpec fewer = ReportSpec.delivered(T0.plusSeconds(60), delivery.alertname(), reordered.subList(0, 39),
                "{}:{}", "kubevirt-remediator", "http://am", 0);
        assertThat(light.spec().sameAlertsAs(fewer)).isFalse();

        // A delivery counted on the light copy (the intake's belief) re-reads the report instead of
        // storing it without its alerts.
        StoredReport counted = store.recordDelivery(repeat, () -> true, () -> Optional.of(light), false)
                .orElseThrow().report();
        assertThat(counted.spec().deliveries()).isEqualTo(2);
        assertThat(store.get(whole.name()).orElseThrow().spec().alerts()).hasSize(40);

        assertThatThrownBy(() -> store.writeStatus(light, ReportStoreTest.status(List.of(), List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("whole report");
        assertThat(store.get(whole.name()).orElseThrow().status()).as("nothing written").isNull();
    }

    @Test
    void aDeliveryWhoseNameHoldsAnotherEpisodesReportIsStoredUnderItsSecondNameAndTheOtherIsUntouched() {
        // redteam-2 N9 found two group keys with the same 48-bit name in 15 s; here the other
        // group's report is put under this delivery's name directly.
        ReportSpec mine = ReportStoreTest.delivery("{}:{group-A}", "2026-12-01T08:00:00Z", "firing", T0);
        ReportSpec other = ReportStoreTest.delivery("{}:{group-B}", "2026-12-01T08:00:00Z", "firing", T0);
        ReportSpec squatter = new ReportSpec(mine.id(), other.episode(), other.receivedAt(), other.lastDeliveryAt(), 1,
                other.alertname(), other.status(), other.groupKey(), other.receiver(), other.externalURL(), 0,
                other.alerts(), List.of(), List.of(), List.of(), 1, other.alertsDigest(), other.alertCount());
        store.recordDelivery(squatter);

        StoredReport stored = store.recordDelivery(mine);
        StoredReport again = store.recordDelivery(mine);

        assertThat(stored.name()).isNotEqualTo(mine.id()).startsWith("outdatedvirtualmachineinstanceworkloads-")
                .hasSize(mine.id().length() + 12);
        assertThat(stored.spec().groupKey()).isEqualTo("{}:{group-A}");
        assertThat(again.name()).isEqualTo(stored.name());
        assertThat(store.get(stored.name()).orElseThrow().spec().deliveries()).isEqualTo(2);
        StoredReport untouched = store.get(mine.id()).orElseThrow();
        assertThat(untouched.spec().groupKey()).isEqualTo("{}:{group-B}");
        assertThat(untouched.spec().deliveries()).isEqualTo(1);
    }
}

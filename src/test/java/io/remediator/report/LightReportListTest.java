package io.remediator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.remediator.kubevirt.PrunedList;
import io.remediator.runbook.RecommendedAction;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Stored reports listed without their long lists, which are skipped while the response is parsed. */
@ExtendWith(RealCluster.class)
class LightReportListTest {
    private final ExecutorService parsing = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        parsing.shutdownNow();
    }

    @Test
    void theVmiListAndPlannedActionsAreLeftOutAndEverythingElseReadsAsStored(TestCluster cluster) {
        String ns = RunningService.freshNamespace();
        cluster.namespace(ns);
        ReportStore store = new ReportStore(cluster.client(), ns, 1_000_000);
        StoredReport created = store.recordDelivery(ReportSpec.delivered(Instant.parse("2026-11-24T00:00:00Z"),
                "OutdatedVirtualMachineInstanceWorkloads", ReportStoreTest.podAlerts(5), "{}:{}", "kubevirt-remediator",
                "http://am", 0));
        List<io.remediator.runbook.OutdatedVmi> vmis = IntStream.range(0, 40)
                .mapToObj(i -> ReportStoreTest.vmi(i, RecommendedAction.LIVE_MIGRATE)).toList();
        store.writeStatus(created, ReportStoreTest.status(vmis, List.of(ReportStoreTest.action(1, false),
                ReportStoreTest.action(2, true), pendingApproval(3))));

        List<RemediationReport> light = PrunedList.omitting(cluster.client().resources(RemediationReport.class)
                        .inNamespace(ns).withLimit(10L), cluster.client(), RemediationReport.class,
                        StoredEpisodes.NOT_NEEDED, parsing)
                .submitList(new ListOptionsBuilder().withLimit(10L).build()).join().getItems();
        List<RemediationReport> cached = PrunedList.omitting(cluster.client().resources(RemediationReport.class)
                        .inNamespace(ns), cluster.client(), RemediationReport.class, LightReportCache.OMITTED,
                        LightReportCache::reduced, parsing)
                .submitList(new ListOptionsBuilder().withResourceVersion("0").build()).join().getItems();

        Report full = store.find(created.name()).orElseThrow();
        assertThat(full.diagnosis().vmis()).hasSize(40);
        assertThat(light).singleElement().satisfies(r -> {
            Report seen = r.stored().report();
            assertThat(seen.diagnosis().vmis()).isEmpty();
            assertThat(seen.remediation().actions()).isEmpty();
            // What the index and intake read is all there.
            assertThat(ReportSummary.of(seen)).isEqualTo(ReportSummary.of(full));
            // The alerts are left out too (redteam-2 N1): their count and digest stay.
            assertThat(r.getSpec().alerts()).isEmpty();
            assertThat(r.getSpec().alertCount()).isEqualTo(5);
            assertThat(r.getSpec().alertsDigest()).isEqualTo(ReportSpec.digestOf(ReportStoreTest.podAlerts(5)));
            assertThat(r.getMetadata().getResourceVersion()).isNotBlank();
        });
        assertThat(cached).singleElement().satisfies(r -> {
            assertThat(r.stored().report().diagnosis().vmis()).isEmpty();
            // Of the plan, the leader's cache keeps what executed or is about to (the ledger's), not
            // what waits for an approval; the counts of every decision stay.
            assertThat(r.stored().report().remediation().actions()).extracting(a -> a.key())
                    .containsExactly("LIVE_MIGRATE ns/vmi-1", "LIVE_MIGRATE ns/vmi-2");
            assertThat(r.stored().report().remediation().decisions()).isEqualTo(full.remediation().decisions());
            assertThat(r.getSpec().alerts()).isEmpty();
            assertThat(r.getSpec().alertCount()).isEqualTo(5);
            assertThat(r.stored().report().diagnosis().findings()).isEqualTo(full.diagnosis().findings());
        });
    }

    private static io.remediator.remediation.PlannedAction pendingApproval(int i) {
        io.remediator.remediation.PlannedAction a = ReportStoreTest.action(i, false);
        return new io.remediator.remediation.PlannedAction(a.key(), a.action(), a.namespace(), a.vmi(), a.vm(),
                a.targetUid(), a.object(), a.attempt(), io.remediator.remediation.Decision.AWAITING_APPROVAL, a.why(),
                a.rule(), a.dryRun(), null, a.plannedAt(), null, null);
    }
}

package io.remediator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.remediator.remediation.Action;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PassResult;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.Target;
import io.remediator.report.Alert;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportSpec;
import io.remediator.report.ReportStatus;
import io.remediator.report.ReportStore;
import io.remediator.report.StoredReport;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leader's watch tells news (what an operator waits for) from its own status writes. */
@ExtendWith(RealCluster.class)
class OpenReportsTest {
    private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");

    private static ReportSpec delivery(String groupKey, Instant at) {
        return ReportSpec.delivered(at, "OutdatedVirtualMachineInstanceWorkloads", List.of(new Alert("firing",
                Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads"), Map.of(), T0, null, null, "fp")),
                groupKey, "kubevirt-remediator", "http://am", 0);
    }

    private static ReportStore freshStore(TestCluster cluster) {
        String ns = RunningService.freshNamespace();
        cluster.namespace(ns);
        return new ReportStore(cluster.client(), ns, 1_000_000);
    }

    @Test
    void aNewReportAndADeliveryAreNewsAndTheLeadersOwnStatusWriteIsNot(TestCluster cluster) {
        ReportStore store = freshStore(cluster);
        StoredReport handled = store.recordDelivery(delivery("{}:{handled}", T0));
        store.writeStatus(handled, ReportStatus.undiagnosed(handled.spec(), 1, ReportPhase.Done, null, null, null));
        StoredReport waiting = store.recordDelivery(delivery("{}:{waiting}", T0));
        // Delivered again while no replica led: its pass has not handled that delivery.
        StoredReport again = store.recordDelivery(delivery("{}:{again}", T0));
        store.writeStatus(again, ReportStatus.undiagnosed(again.spec(), 1, ReportPhase.Waiting, null, null, null));
        store.recordDelivery(delivery("{}:{again}", T0.plusSeconds(60)));
        List<String> seen = new CopyOnWriteArrayList<>();

        try (OpenReports open = new OpenReports(cluster.client(), store, Duration.ofSeconds(30),
                (name, news) -> seen.add((news ? "news " : "routine ") + name), name -> { })) {
            // The take-over: a report with something no pass has handled is news, a handled one is not.
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
            assertThat(seen).containsExactlyInAnyOrder("routine " + handled.name(), "news " + waiting.name(),
                    "news " + again.name());

            seen.clear();
            StoredReport diagnosed = store.writeStatus(waiting,
                    ReportStatus.undiagnosed(waiting.spec(), 1, ReportPhase.Done, null, null, null));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
            assertThat(seen).containsExactly("routine " + diagnosed.name());

            seen.clear();
            store.recordDelivery(delivery("{}:{handled}", T0.plusSeconds(60)));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
            assertThat(seen).containsExactly("news " + handled.name());
        }
    }

    @Test
    void whatAnEarlierLeaderExecutedIsInTheTakeOversFirstList(TestCluster cluster) {
        ReportStore store = freshStore(cluster);
        StoredReport r = store.recordDelivery(delivery("{}:{acted}", T0));
        PlannedAction migrated = new PlannedAction("LIVE_MIGRATE ns/vmi-1", Action.LIVE_MIGRATE, "ns", "vmi-1", "vm-1",
                "uid-1", Target.parse("VirtualMachineInstanceMigration ns/kvr-vmi-1"), 1, Decision.RUN, "why",
                "policy.actions.liveMigrate=auto", new PlannedAction.DryRun(true, null, null),
                new PlannedAction.Result(PlannedAction.Outcome.DONE, null), T0, T0, null);
        PassResult pass = new PassResult("auto", 1, T0, Map.of(Decision.RUN, 1), List.of(migrated), null, List.of(), null);
        store.writeStatus(r, ReportStatus.undiagnosed(r.spec(), 1, ReportPhase.Done, null, T0, null)
                .withRemediation(pass, ReportPhase.Done));

        // The take-over's ledger (ReportLoop.takeOver) is fed from this list: it must keep the plans.
        try (OpenReports open = new OpenReports(cluster.client(), store, Duration.ofSeconds(30), (n, news) -> { },
                n -> { })) {
            assertThat(open.all()).singleElement().satisfies(s -> assertThat(s.status().remediation().actions())
                    .singleElement().satisfies(a -> {
                        assertThat(a.action()).isEqualTo(Action.LIVE_MIGRATE);
                        assertThat(a.result().outcome()).isEqualTo(PlannedAction.Outcome.DONE);
                        assertThat(a.executedAt()).isEqualTo(T0);
                    }));
        }
    }
}

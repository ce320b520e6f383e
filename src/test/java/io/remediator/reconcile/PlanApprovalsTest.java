package io.remediator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.remediator.remediation.Action;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.Target;
import io.remediator.report.ApprovalOutcome;
import io.remediator.report.ReportStatus;
import io.remediator.report.ReportStore;
import io.remediator.report.ReportStoreTestAccess;
import io.remediator.report.StoredEpisodes;
import io.remediator.report.StoredReport;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Approvals against reports stored in a real API server. */
@ExtendWith(RealCluster.class)
class PlanApprovalsTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void aReportANewerEpisodeOfItsGroupReplacedIsNotApprovedEvenBeforeTheLeaderClosesIt(TestCluster cluster) {
        // redteam-2 D16: approving in the second between the newer episode's delivery and the leader's close.
        String ns = "approvals-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.namespace(ns);
        ReportStore store = new ReportStore(cluster.client(), ns, 1_000_000);
        try (StoredEpisodes episodes = new StoredEpisodes(cluster.client(), ns).start()) {
            StoredReport old = store.recordDelivery(ReportStoreTestAccess.delivery("{}:{g}", "2026-11-26T10:00:00Z",
                    "firing", T0));
            PlannedAction awaiting = new PlannedAction("RESTART ns/vmi-1", Action.RESTART, "ns", "vmi-1", "vm-1", "uid-1",
                    Target.parse("VirtualMachine ns/vm-1"), 1, Decision.AWAITING_APPROVAL, "runs once approved",
                    "policy.actions.restart=approve", new PlannedAction.DryRun(true, null, null), null, T0, null, null);
            ReportStatus status = ReportStoreTestAccess.status(List.of(), List.of(awaiting));
            store.writeStatus(old, status);
            PlanApprovals approvals = new PlanApprovals(store, Clock.systemUTC(), episodes::newerFiringEpisode);
            int pass = status.remediation().pass();
            StoredReport newer = store.recordDelivery(ReportStoreTestAccess.delivery("{}:{g}", "2026-11-27T10:00:00Z",
                    "firing", T0.plus(Duration.ofDays(1))));
            await().atMost(Duration.ofSeconds(10)).until(() -> episodes.get(newer.name()).isPresent());

            ApprovalOutcome outcome = approvals.approve(old.name(), pass, List.of("RESTART ns/vmi-1"), "alice");

            assertThat(outcome).isInstanceOf(ApprovalOutcome.NotOpen.class);
            assertThat(((ApprovalOutcome.NotOpen) outcome).why()).contains("a newer episode of its alert group (report "
                    + newer.name() + ") replaced it");
            assertThat(store.get(old.name()).orElseThrow().spec().approvedActions()).isEmpty();
            // Its group's newer episode is not replaced by anything: its own approvals are taken.
            assertThat(episodes.newerFiringEpisode(newer.spec())).isEmpty();
        }
    }
}

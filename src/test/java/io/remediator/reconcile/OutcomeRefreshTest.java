package io.remediator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.remediation.Action;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PassResult;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.Target;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportStatus;
import io.remediator.report.StoredReport;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.webhook.AlertmanagerPayload;
import io.remediator.report.ReportSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The refresh between passes, without a cluster. */
class OutcomeRefreshTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static ReportSpec firing() {
        return ReportSpec.delivered(T0, "OutdatedVirtualMachineInstanceWorkloads", List.of(new io.remediator.report.Alert(
                "firing", Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads"), Map.of(), T0, null, null, "fp")),
                "{}:{alertname=\"x\"}", "kubevirt-remediator", "http://am", 0);
    }

    private static ClusterFindings cluster() {
        return new ClusterFindings(new ClusterFindings.KubeVirtRef("kubevirt", "kubevirt"), true, List.of("LiveMigrate"),
                10, "1m", 5, 2, "None", List.of(), "Deployed", "v1", "v1", true, null, 0, null, null, null);
    }

    /** Pass 1 migrated ns/db; the report has seen one delivery and no approval. */
    private static StoredReport afterPassOne(ReportSpec spec) {
        PlannedAction migrated = new PlannedAction("LIVE_MIGRATE ns/db", Action.LIVE_MIGRATE, "ns", "db", "db", "uid-db",
                Target.parse("VirtualMachineInstanceMigration ns/kvr-db-1a2b3c4d"), 1, Decision.RUN, "", "policy.mode=auto",
                new PlannedAction.DryRun(true, null, null), new PlannedAction.Result(PlannedAction.Outcome.DONE, null), T0,
                T0, null);
        PassResult pass = new PassResult("auto", 1, T0, Map.of(Decision.RUN, 1), List.of(migrated), T0.plusSeconds(600),
                List.of(), null);
        ReportStatus status = ReportStatus.afterPass(firing(), 1, "leader", T0, 5,
                new OutdatedWorkloadsDiagnosis(cluster(), Map.of(), List.of(), List.of(), 0), pass, null);
        return new StoredReport("1", spec, status);
    }

    @Test
    void anApprovalAndARepeatThatArrivedAfterTheLastPassStillGetAPassAfterTheRefresh() {
        ReportSpec since = firing().withApproved(Set.of("RESTART ns/web #1 uid=u"),
                new ReportSpec.ApprovalGiven(T0.plusSeconds(10), "alice", 1, List.of("RESTART ns/web"), "api"), null);
        StoredReport stored = afterPassOne(since);
        // The migrated VMI is no longer outdated: the refresh has something to show.
        RunbookDiagnosis.Diagnosed now = new RunbookDiagnosis.Diagnosed(
                new OutdatedWorkloadsDiagnosis(cluster(), Map.of(), List.of(), List.of(), 0), 7);

        ReportStatus refreshed = OutcomeRefresh.refreshed(stored, now, "leader", T0.plusSeconds(20)).orElseThrow();

        assertThat(refreshed.remediation().actions().get(0).followUp())
                .hasToString("done: ns/db no longer runs an outdated launcher");
        assertThat(refreshed.phase()).isEqualTo(ReportPhase.Waiting);
        assertThat(refreshed.handledDeliveries()).isEqualTo(1);
        assertThat(refreshed.handledApprovals()).isZero();
        assertThat(Triage.decide(since, refreshed, null, T0.plusSeconds(21), java.time.Duration.ZERO))
                .isEqualTo(new NextStep.RunPass(NextStep.Reason.NEW_APPROVAL));

        ReportSpec repeated = firing().withDelivery(firing());
        ReportStatus afterRepeat = OutcomeRefresh.refreshed(afterPassOne(repeated), now, "leader", T0.plusSeconds(20))
                .orElseThrow();
        assertThat(Triage.decide(repeated, afterRepeat, null, T0.plusSeconds(21), java.time.Duration.ZERO))
                .isEqualTo(new NextStep.RunPass(NextStep.Reason.REPEAT));
    }

    @Test
    void nothingIsWrittenWhenTheOutcomeDidNotChange() {
        StoredReport stored = afterPassOne(firing());
        RunbookDiagnosis.Diagnosed same = new RunbookDiagnosis.Diagnosed(
                new OutdatedWorkloadsDiagnosis(cluster(), Map.of(), List.of(), List.of(), 0), 7);
        ReportStatus once = OutcomeRefresh.refreshed(stored, same, "leader", T0).orElseThrow();

        assertThat(OutcomeRefresh.refreshed(new StoredReport("2", firing(), once), same, "leader", T0)).isEmpty();
    }
}

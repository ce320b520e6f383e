package io.remediator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.report.ReportPhase;
import io.remediator.report.ReportStatus;
import io.remediator.webhook.AlertmanagerPayload;
import io.remediator.report.ReportSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every case of the triage, without a cluster. */
class TriageTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration EVERY_5M = Duration.ofMinutes(5);

    private static ReportSpec firing() {
        return ReportSpec.delivered(T0, "OutdatedVirtualMachineInstanceWorkloads", List.of(new io.remediator.report.Alert(
                "firing", Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads"), Map.of(), T0, null, null, "fp")),
                "{}:{alertname=\"x\"}", "kubevirt-remediator", "http://am", 0);
    }

    private static ReportStatus status(ReportPhase phase, int handledDeliveries, int handledApprovals, Instant nextPassAt) {
        return new ReportStatus(phase, 1, handledDeliveries, handledApprovals, 1, "a", T0, 1L, true, null,
                io.remediator.runbook.OutdatedWorkloadsDiagnosis.NONE, 0, 0, null, 0, nextPassAt, null, null);
    }

    @Test
    void aResolvedAlertOrANewerEpisodeClosesTheReport() {
        ReportSpec resolved = firing().withDelivery(ReportSpec.delivered(T0.plusSeconds(60), "OutdatedVirtualMachineInstanceWorkloads",
                List.of(new io.remediator.report.Alert("resolved", Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads"),
                        Map.of(), T0, T0.plusSeconds(50), null, "fp")), "{}:{alertname=\"x\"}", "kubevirt-remediator",
                "http://am", 0));

        assertThat(Triage.decide(resolved, null, null, T0, EVERY_5M)).isInstanceOfSatisfying(NextStep.Close.class,
                c -> assertThat(c.note()).startsWith("Closed: the alert resolved"));
        assertThat(Triage.decide(firing(), status(ReportPhase.Waiting, 1, 0, null), "newer-report", T0, EVERY_5M))
                .isInstanceOfSatisfying(NextStep.Close.class, c -> assertThat(c.note()).contains("(report newer-report)"));
    }

    @Test
    void aPassRunsForTheFirstTimeAfterACutOffForANewDeliveryOrApprovalAndWhenDue() {
        ReportSpec item = firing();
        assertThat(Triage.decide(item, null, null, T0, EVERY_5M)).isEqualTo(new NextStep.RunPass(NextStep.Reason.FIRST_PASS));
        assertThat(Triage.decide(item, status(ReportPhase.Acting, 1, 0, null), null, T0, EVERY_5M))
                .isEqualTo(new NextStep.RunPass(NextStep.Reason.CUT_OFF));
        assertThat(Triage.decide(item.withDelivery(withAlerts(alert("fp"), alert("fp2"))), status(ReportPhase.Waiting, 1, 0, null),
                null, T0, EVERY_5M)).isEqualTo(new NextStep.RunPass(NextStep.Reason.ALERTS_CHANGED));
        assertThat(Triage.decide(item, status(ReportPhase.Waiting, 1, 0, T0.plusSeconds(1)), null, T0.plusSeconds(1), EVERY_5M))
                .isEqualTo(new NextStep.RunPass(NextStep.Reason.SCHEDULED));
    }

    @Test
    void anApprovalThatArrivedAfterTheLastPassRunsAPassEvenAfterAnOutcomeRefresh() {
        // The refresh of outcomes between passes used to stamp the current counts as handled, so an
        // approval in between waited a whole pass interval. A refresh now keeps the pass's counts.
        ReportSpec approved = firing().withApproved(Set.of("LIVE_MIGRATE ns/db #1 uid=u"),
                new ReportSpec.ApprovalGiven(T0, "alice", 1, List.of("LIVE_MIGRATE ns/db"), "api"), null);
        ReportStatus afterPass = status(ReportPhase.Waiting, 1, 0, T0.plusSeconds(600));
        ReportStatus afterRefresh = status(ReportPhase.Waiting, 1, 1, T0.plusSeconds(600))
                .withHandled(afterPass.handledDeliveries(), afterPass.handledApprovals(), afterPass.handledAlertSet());

        assertThat(Triage.decide(approved, afterRefresh, null, T0.plusSeconds(5), EVERY_5M))
                .isEqualTo(new NextStep.RunPass(NextStep.Reason.NEW_APPROVAL));
    }

    @Test
    void otherwiseItWaitsForTheScheduledPassOrForAChange() {
        assertThat(Triage.decide(firing(), status(ReportPhase.Waiting, 1, 0, T0.plusSeconds(60)), null, T0, EVERY_5M))
                .isEqualTo(new NextStep.WaitUntil(T0.plusSeconds(60)));
        assertThat(Triage.decide(firing(), status(ReportPhase.Done, 1, 0, null), null, T0, EVERY_5M))
                .isEqualTo(new NextStep.WaitUntil(null));
    }

    @Test
    void aRepeatOfTheSameAlertSetRunsAPassOnlyOncePerInterval() {
        ReportSpec repeated = firing().withDelivery(withAlerts(alert("fp"))).withDelivery(withAlerts(alert("fp")));
        ReportStatus lastPass = status(ReportPhase.Done, 1, 0, null); // completed at T0, handled the first delivery

        assertThat(repeated.alertSet()).isEqualTo(1);
        assertThat(Triage.decide(repeated, lastPass, null, T0.plusSeconds(10), EVERY_5M))
                .isEqualTo(new NextStep.WaitUntil(T0.plus(EVERY_5M)));
        assertThat(Triage.decide(repeated, lastPass, null, T0.plus(EVERY_5M), EVERY_5M))
                .isEqualTo(new NextStep.RunPass(NextStep.Reason.REPEAT));
        // An earlier scheduled pass still comes first; the repeat does not postpone it.
        assertThat(Triage.decide(repeated, status(ReportPhase.Waiting, 1, 0, T0.plusSeconds(60)), null,
                T0.plusSeconds(10), EVERY_5M)).isEqualTo(new NextStep.WaitUntil(T0.plusSeconds(60)));
        // Without a repeat nothing is due.
        assertThat(Triage.decide(firing(), lastPass, null, T0.plus(EVERY_5M), EVERY_5M))
                .isEqualTo(new NextStep.WaitUntil(null));
    }

    @Test
    void theAlertSetChangesWithAnAlertAddedGoneResolvedOrReannotatedButNotWithOrder() {
        ReportSpec one = withAlerts(alert("fp"));
        ReportSpec two = one.withDelivery(withAlerts(alert("fp"), alert("fp2")));
        assertThat(two.alertSet()).isEqualTo(2);
        assertThat(two.withDelivery(withAlerts(alert("fp2"), alert("fp"))).alertSet()).isEqualTo(2);
        assertThat(two.withDelivery(withAlerts(alert("fp"))).alertSet()).isEqualTo(3);
        io.remediator.report.Alert reannotated = new io.remediator.report.Alert("firing",
                Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads"), Map.of("summary", "new"), T0, null, null, "fp");
        assertThat(one.withDelivery(withAlerts(reannotated)).alertSet()).isEqualTo(2);
        assertThat(one.withDelivery(withAlerts(alert("fp"))).deliveries()).isEqualTo(2);
    }

    private static io.remediator.report.Alert alert(String fingerprint) {
        return new io.remediator.report.Alert("firing", Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads"),
                Map.of(), T0, null, null, fingerprint);
    }

    private static ReportSpec withAlerts(io.remediator.report.Alert... alerts) {
        return ReportSpec.delivered(T0, "OutdatedVirtualMachineInstanceWorkloads", List.of(alerts),
                "{}:{alertname=\"x\"}", "kubevirt-remediator", "http://am", 0);
    }
}

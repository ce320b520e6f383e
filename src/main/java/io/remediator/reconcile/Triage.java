package io.remediator.reconcile;

import io.remediator.report.ReportPhase;
import io.remediator.report.ReportStatus;
import io.remediator.report.ReportSpec;
import java.time.Instant;

/**
 * The pure half of the leader's loop: a stored report in, what it needs now out. Like KubeVirt's
 * workload updater, decide first (here), act second (the processor carries the step out).
 */
public final class Triage {
    private Triage() {}

    /**
     * @param item            the report's spec: the alert episode, its deliveries and approvals
     * @param status          its status, null before the first pass
     * @param newerEpisodeId  the report of a newer firing episode of the same alert group, or null
     */
    public static NextStep decide(ReportSpec item, ReportStatus status, String newerEpisodeId, Instant now) {
        if (!item.firing()) {
            return new NextStep.Close("Closed: the alert resolved (delivery " + item.deliveries() + " at "
                    + item.lastDeliveryAt() + "); no further passes.");
        }
        if (newerEpisodeId != null) {
            return new NextStep.Close("Closed: a newer firing episode of this alert group (report " + newerEpisodeId
                    + ") replaced it; no further passes.");
        }
        if (status == null) {
            return new NextStep.RunPass(NextStep.Reason.FIRST_PASS);
        }
        if (status.phase() == ReportPhase.Acting) {
            return new NextStep.RunPass(NextStep.Reason.CUT_OFF);
        }
        if (item.deliveries() > status.handledDeliveries()) {
            return new NextStep.RunPass(NextStep.Reason.NEW_DELIVERY);
        }
        if (item.approvedActions().size() > status.handledApprovals()) {
            return new NextStep.RunPass(NextStep.Reason.NEW_APPROVAL);
        }
        if (status.nextPassAt() != null && !status.nextPassAt().isAfter(now)) {
            return new NextStep.RunPass(NextStep.Reason.SCHEDULED);
        }
        return new NextStep.WaitUntil(status.nextPassAt());
    }
}

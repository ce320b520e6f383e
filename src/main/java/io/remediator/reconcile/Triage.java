package io.remediator.reconcile;

import io.remediator.report.ReportPhase;
import io.remediator.report.ReportStatus;
import io.remediator.report.ReportSpec;
import java.time.Duration;
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
     * @param repeatPassInterval the youngest a last pass may be for a repeat of the same alert set to
     *                           cause another: Alertmanager re-sends every group each group_interval,
     *                           from every replica, and each re-send is not news
     */
    public static NextStep decide(ReportSpec item, ReportStatus status, String newerEpisodeId, Instant now,
                                  Duration repeatPassInterval) {
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
        if (item.alertSet() > status.handledAlertSet()) {
            return new NextStep.RunPass(NextStep.Reason.ALERTS_CHANGED);
        }
        if (item.approvedActions().size() > status.handledApprovals()) {
            return new NextStep.RunPass(NextStep.Reason.NEW_APPROVAL);
        }
        if (status.nextPassAt() != null && !status.nextPassAt().isAfter(now)) {
            return new NextStep.RunPass(NextStep.Reason.SCHEDULED);
        }
        Instant wait = status.nextPassAt();
        if (item.deliveries() > status.handledDeliveries()) {
            // A pass without a completion time never finished writing: the repeat may run one now.
            Instant repeatDue = status.completedAt() == null ? now : status.completedAt().plus(repeatPassInterval);
            if (!repeatDue.isAfter(now)) {
                return new NextStep.RunPass(NextStep.Reason.REPEAT);
            }
            wait = wait == null || repeatDue.isBefore(wait) ? repeatDue : wait;
        }
        return new NextStep.WaitUntil(wait);
    }
}

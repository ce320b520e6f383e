package io.remediator.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.remediator.remediation.PassResult;
import io.remediator.runbook.Findings;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.VmiFinding;
import io.remediator.report.ReportSpec;
import java.time.Instant;
import java.util.List;

/**
 * The `status` of a RemediationReport, written only by the leader: the newest pass's diagnosis and
 * what the policy made of it, each nested as the record that made it (`status.diagnosis`,
 * `status.remediation`). The JSON API serves the diagnosis flat ({@link Report}), as before.
 *
 * @param handledDeliveries the spec's delivery count when the newest pass started: a higher
 *                          count means a repeat arrived since, and gets a fresh pass
 * @param handledApprovals  the same for approvals
 * @param handledAlertSet   the same for the spec's alert set: a higher one means the alerts changed
 * @param actor             the replica (its Lease identity) that wrote this
 * @param diagnosis         the runbook's findings, its VMI lists bounded; null when not diagnosed
 * @param outdatedVmiCount  all outdated VMIs diagnosed, also those left out of `outdatedVmis`
 * @param omittedVmis       VMIs left out of `outdatedVmis` to keep the object under the size limit
 * @param omittedActions    the same for the remediation's actions
 * @param slack             the report's Slack message (the notifier's field), null when none was posted
 * @param ownerSlack        its messages in owner channels, by channel ID (the notifier's too, docs/owners.md)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReportStatus(
        ReportPhase phase,
        int pass,
        int handledDeliveries,
        int handledApprovals,
        int handledAlertSet,
        String actor,
        Instant completedAt,
        Long diagnosisMillis,
        boolean diagnosed,
        String error,
        Findings diagnosis,
        int outdatedVmiCount,
        int omittedVmis,
        PassResult remediation,
        int omittedActions,
        Instant nextPassAt,
        SlackPost slack,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        java.util.Map<String, SlackPost> ownerSlack) {

    /** VMIs waiting for a live update that a report lists; a finding gives the count. */
    public static final int MAX_PENDING_LIVE_UPDATES = OutdatedWorkloadsDiagnosis.MAX_PENDING_LIVE_UPDATES;

    public ReportStatus {
        ownerSlack = ownerSlack == null ? java.util.Map.of() : java.util.Map.copyOf(ownerSlack);
        // An undiagnosed status has no diagnosis, whatever a writer put there.
        diagnosis = !diagnosed || diagnosis == null ? null
                : diagnosis.listing(diagnosis.vmis());
    }

    /**
     * What a pass stores: its diagnosis and what the policy made of it. The phase follows from the
     * result: Acting while a planned write has no result, Waiting for a next pass, else Done.
     *
     * @param acted  the pass's result, null when remediation failed ({@code error} says why)
     */
    public static ReportStatus afterPass(ReportSpec item, int pass, String actor, Instant at, long diagnosisMillis,
                                         Findings dx, PassResult acted, String error) {
        ReportPhase phase = error != null ? ReportPhase.Failed
                : acted == null ? ReportPhase.Done
                : acted.actions().stream().anyMatch(a -> a.result() == null && a.decision().executes()) ? ReportPhase.Acting
                : acted.nextPassAt() != null ? ReportPhase.Waiting
                : !acted.awaitingApproval().isEmpty() ? ReportPhase.AwaitingApproval : ReportPhase.Done;
        return new ReportStatus(phase, pass, item.deliveries(), item.approvedActions().size(), item.alertSet(), actor, at, diagnosisMillis,
                true, error, dx, dx.vmis().size(), 0, acted, 0, acted == null ? null : acted.nextPassAt(), null, null);
    }

    /** A report that never got a diagnosis: the first pass failed ({@code error}), or it closed before one. */
    public static ReportStatus undiagnosed(ReportSpec item, int pass, ReportPhase phase, String actor, Instant at,
                                           String error) {
        return new ReportStatus(phase, pass, item.deliveries(), item.approvedActions().size(), item.alertSet(), actor, at, null, false,
                error, null, 0, 0, null, 0, null, null, null);
    }

    /** What was diagnosed, or {@link OutdatedWorkloadsDiagnosis#NONE}: never null, for readers. */
    public Findings found() {
        return diagnosis == null ? OutdatedWorkloadsDiagnosis.NONE : diagnosis;
    }

    /**
     * The same status without its VMI lists (counts and the plan stay): what a listing or the
     * leader's cache keeps; a full report is read by name.
     */
    public ReportStatus withoutVmiLists() {
        return diagnosis == null ? this : new ReportStatus(phase, pass, handledDeliveries, handledApprovals, handledAlertSet, actor,
                completedAt, diagnosisMillis, diagnosed, error, diagnosis.withoutLists(), outdatedVmiCount,
                omittedVmis, remediation, omittedActions, nextPassAt, slack, ownerSlack);
    }

    /**
     * What the leader's cache keeps: no VMI lists, and of the plan only what executed or was about
     * to ({@link PassResult#forLedger}). A status of it is never written: a pass reads the whole report.
     */
    public ReportStatus forLeaderCache() {
        ReportStatus s = withoutVmiLists();
        return s.remediation == null ? s : new ReportStatus(phase, pass, handledDeliveries, handledApprovals,
                handledAlertSet, actor, completedAt, diagnosisMillis, diagnosed, error, s.diagnosis, outdatedVmiCount,
                omittedVmis, s.remediation.forLedger(), omittedActions, nextPassAt, slack, ownerSlack);
    }

    /**
     * What is stored when the API server refuses this status as too large (redteam-2 D4): the
     * phase Failed with the reason, what was handled (so the same news does not start the same pass
     * again), the counts, and of the plan only what executed (the ledger's limits must survive).
     */
    public ReportStatus minimal(String why) {
        return new ReportStatus(ReportPhase.Failed, pass, handledDeliveries, handledApprovals, handledAlertSet, actor,
                completedAt, diagnosisMillis, false, why, null, outdatedVmiCount, outdatedVmiCount,
                remediation == null ? null : remediation.forLedger(), 0, null, slack, ownerSlack);
    }

    /** The same status with this Slack message (the store carries the stored one over every write). */
    public ReportStatus withSlack(SlackPost post) {
        return withSlack(post, ownerSlack);
    }

    /** The same with these messages, the platform's and the owner channels' (the store carries both over). */
    public ReportStatus withSlack(SlackPost post, java.util.Map<String, SlackPost> owners) {
        return new ReportStatus(phase, pass, handledDeliveries, handledApprovals, handledAlertSet, actor, completedAt, diagnosisMillis,
                diagnosed, error, diagnosis, outdatedVmiCount, omittedVmis, remediation, omittedActions, nextPassAt, post,
                owners);
    }

    public ReportStatus withPhase(ReportPhase p) {
        return new ReportStatus(p, pass, handledDeliveries, handledApprovals, handledAlertSet, actor, completedAt, diagnosisMillis,
                diagnosed, error, diagnosis, outdatedVmiCount, omittedVmis, remediation, omittedActions, nextPassAt, slack, ownerSlack);
    }

    /** The same status, with what was handled as the given counts (a refresh is not a pass). */
    public ReportStatus withHandled(int deliveries, int approvals, int alertSet) {
        return new ReportStatus(phase, pass, deliveries, approvals, alertSet, actor, completedAt, diagnosisMillis,
                diagnosed, error, diagnosis, outdatedVmiCount, omittedVmis, remediation, omittedActions, nextPassAt, slack, ownerSlack);
    }

    /** The same diagnosis with another remediation; the phase and next pass follow from it. */
    public ReportStatus withRemediation(PassResult r, ReportPhase p) {
        return new ReportStatus(p, pass, handledDeliveries, handledApprovals, handledAlertSet, actor, completedAt, diagnosisMillis,
                diagnosed, error, diagnosis, outdatedVmiCount, omittedVmis, r, omittedActions,
                r == null ? null : r.nextPassAt(), slack, ownerSlack);
    }

    ReportStatus bounded(List<? extends VmiFinding> vmis, int leftOutVmis, PassResult r, int leftOutActions) {
        return new ReportStatus(phase, pass, handledDeliveries, handledApprovals, handledAlertSet, actor, completedAt, diagnosisMillis,
                diagnosed, error, found().listing(vmis), outdatedVmiCount,
                omittedVmis + leftOutVmis, r, omittedActions + leftOutActions, nextPassAt, slack, ownerSlack);
    }
}

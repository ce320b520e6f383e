package io.remediator.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.remediator.remediation.PassResult;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.RecommendedAction;
import io.remediator.report.ReportSpec;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The `status` of a RemediationReport, written only by the leader: the newest pass's diagnosis and
 * what the policy made of it.
 *
 * @param handledDeliveries the work item's delivery count when the newest pass started: a higher
 *                          count means a repeat arrived since, and gets a fresh pass
 * @param handledApprovals  the same for approvals
 * @param actor             the replica (its Lease identity) that wrote this
 * @param outdatedVmiCount  all outdated VMIs diagnosed, also those left out of `outdatedVmis`
 * @param omittedVmis       VMIs left out of `outdatedVmis` to keep the object under the size limit
 * @param omittedActions    the same for the remediation's actions
 * @param pendingLiveUpdateVmis VMIs KubeVirt's alert counts that wait for a hot-plug or volume-change
 *                          migration (the first {@link #MAX_PENDING_LIVE_UPDATES}; a finding gives the count)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReportStatus(
        ReportPhase phase,
        int pass,
        int handledDeliveries,
        int handledApprovals,
        String actor,
        Instant completedAt,
        Long diagnosisMillis,
        boolean diagnosed,
        String error,
        ClusterFindings cluster,
        Map<RecommendedAction, Integer> recommendedActionCounts,
        List<String> findings,
        int outOfScopeVmis,
        int outdatedVmiCount,
        List<OutdatedVmi> outdatedVmis,
        int omittedVmis,
        PassResult remediation,
        int omittedActions,
        Instant nextPassAt,
        List<OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi> pendingLiveUpdateVmis) {

    public static final int MAX_PENDING_LIVE_UPDATES = 100;

    public ReportStatus {
        findings = findings == null ? List.of() : findings;
        outdatedVmis = outdatedVmis == null ? List.of() : outdatedVmis;
        pendingLiveUpdateVmis = pendingLiveUpdateVmis == null ? List.of()
                : pendingLiveUpdateVmis.stream().limit(MAX_PENDING_LIVE_UPDATES).toList();
        // Read back from the API server, map keys come sorted by name: keep the actions' own order.
        recommendedActionCounts = recommendedActionCounts == null || recommendedActionCounts.isEmpty()
                ? recommendedActionCounts : new EnumMap<>(recommendedActionCounts);
    }

    /**
     * What a pass stores: its diagnosis and what the policy made of it. The phase follows from the
     * result: Acting while a planned write has no result, Waiting for a next pass, else Done.
     *
     * @param acted  the pass's result, null when remediation failed ({@code error} says why)
     */
    public static ReportStatus afterPass(ReportSpec item, int pass, String actor, Instant at, long diagnosisMillis,
                                         OutdatedWorkloadsDiagnosis dx, PassResult acted, String error) {
        ReportPhase phase = error != null ? ReportPhase.Failed
                : acted == null ? ReportPhase.Done
                : acted.actions().stream().anyMatch(a -> a.result() == null && a.decision().executes()) ? ReportPhase.Acting
                : acted.nextPassAt() != null ? ReportPhase.Waiting : ReportPhase.Done;
        return new ReportStatus(phase, pass, item.deliveries(), item.approvedActions().size(), actor, at, diagnosisMillis,
                true, error, dx.cluster(), dx.recommendedActionCounts(), dx.findings(), dx.outOfScopeVmis(),
                dx.outdatedVmis().size(), dx.outdatedVmis(), 0, acted, 0, acted == null ? null : acted.nextPassAt(),
                dx.pendingLiveUpdateVmis());
    }

    /** A report that never got a diagnosis: the first pass failed ({@code error}), or it closed before one. */
    public static ReportStatus undiagnosed(ReportSpec item, int pass, ReportPhase phase, String actor, Instant at,
                                           String error) {
        return new ReportStatus(phase, pass, item.deliveries(), item.approvedActions().size(), actor, at, null, false,
                error, null, null, List.of(), 0, 0, List.of(), 0, null, 0, null, List.of());
    }

    /**
     * The same status without its VMI lists (counts and the plan stay): what a listing or the
     * leader's cache keeps; a full report is read by name.
     */
    public ReportStatus withoutVmiLists() {
        return new ReportStatus(phase, pass, handledDeliveries, handledApprovals, actor, completedAt, diagnosisMillis,
                diagnosed, error, cluster, recommendedActionCounts, findings, outOfScopeVmis, outdatedVmiCount,
                List.of(), omittedVmis, remediation, omittedActions, nextPassAt, List.of());
    }

    public ReportStatus withPhase(ReportPhase p) {
        return new ReportStatus(p, pass, handledDeliveries, handledApprovals, actor, completedAt, diagnosisMillis,
                diagnosed, error, cluster, recommendedActionCounts, findings, outOfScopeVmis, outdatedVmiCount,
                outdatedVmis, omittedVmis, remediation, omittedActions, nextPassAt, pendingLiveUpdateVmis);
    }

    /** The same status, with what was handled as the given counts (a refresh is not a pass). */
    public ReportStatus withHandled(int deliveries, int approvals) {
        return new ReportStatus(phase, pass, deliveries, approvals, actor, completedAt, diagnosisMillis,
                diagnosed, error, cluster, recommendedActionCounts, findings, outOfScopeVmis, outdatedVmiCount,
                outdatedVmis, omittedVmis, remediation, omittedActions, nextPassAt, pendingLiveUpdateVmis);
    }

    /** The same diagnosis with another remediation; the phase and next pass follow from it. */
    public ReportStatus withRemediation(PassResult r, ReportPhase p) {
        return new ReportStatus(p, pass, handledDeliveries, handledApprovals, actor, completedAt, diagnosisMillis,
                diagnosed, error, cluster, recommendedActionCounts, findings, outOfScopeVmis, outdatedVmiCount,
                outdatedVmis, omittedVmis, r, omittedActions, r == null ? null : r.nextPassAt(), pendingLiveUpdateVmis);
    }

    ReportStatus bounded(List<OutdatedVmi> vmis, int leftOutVmis, PassResult r, int leftOutActions) {
        return new ReportStatus(phase, pass, handledDeliveries, handledApprovals, actor, completedAt, diagnosisMillis,
                diagnosed, error, cluster, recommendedActionCounts, findings, outOfScopeVmis, outdatedVmiCount,
                List.copyOf(vmis), omittedVmis + leftOutVmis, r, omittedActions + leftOutActions, nextPassAt,
                pendingLiveUpdateVmis);
    }
}

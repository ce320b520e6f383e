package io.remediator.report;

import io.remediator.remediation.PassResult;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.RecommendedAction;
import io.remediator.report.ReportSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the service did with one alert episode, as shown at `/api/reports/{id}` and `/reports/{id}`:
 * the RemediationReport's spec (what Alertmanager sent) and status (what the leader made of it).
 *
 * @param phase           where its work stands
 * @param deliveries      deliveries of this episode (retries and repeats update this report)
 * @param deliveriesHandled deliveries the newest pass has seen: fewer means a pass for a repeat is due
 * @param diagnosed       false for an alert that resolved before diagnosis, or when the diagnosis failed
 * @param diagnosisMillis how long reading the cluster and classifying took, null if not diagnosed
 * @param error           why the diagnosis failed, as the API said it (e.g. a 403), or null
 * @param cluster         the KubeVirt CR's settings, with KubeVirt's defaults where unset
 * @param recommendedActionCounts VMIs per recommended action, every action listed
 * @param outdatedVmiCount every outdated VMI diagnosed; `outdatedVmis` may list fewer (`omittedVmis`)
 * @param remediation     what the policy made of the diagnosis; null when nothing was diagnosed
 */
public record Report(
        String id,
        String alertname,
        String status,
        ReportPhase phase,
        Instant receivedAt,
        Instant lastDeliveryAt,
        int deliveries,
        int deliveriesHandled,
        Instant completedAt,
        Long diagnosisMillis,
        String groupKey,
        String receiver,
        String externalURL,
        int alertCount,
        int truncatedAlerts,
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
        List<OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi> pendingLiveUpdateVmis) {

    static Report of(ReportSpec w, ReportStatus s) {
        ReportStatus st = s != null ? s : new ReportStatus(ReportPhase.Received, 0, 0, 0, null, null, null, false,
                null, null, null, List.of(), 0, 0, List.of(), 0, null, 0, null, List.of());
        return new Report(w.id(), w.alertname(), w.status(), st.phase(), w.receivedAt(), w.lastDeliveryAt(),
                w.deliveries(), st.handledDeliveries(), st.completedAt(), st.diagnosisMillis(), w.groupKey(), w.receiver(), w.externalURL(),
                w.alerts().size(), w.truncatedAlerts(), st.diagnosed(), st.error(), st.cluster(),
                st.recommendedActionCounts(), st.findings(), st.outOfScopeVmis(), st.outdatedVmiCount(),
                st.outdatedVmis(), st.omittedVmis(), st.remediation(), st.omittedActions(), st.pendingLiveUpdateVmis());
    }
}

package io.remediator.report;

import io.remediator.remediation.RemediationReport;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.RecommendedAction;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the service did with one alert group, as shown at `/api/reports/{id}` and `/reports/{id}`.
 *
 * @param diagnosed false for a resolved alert (nothing to diagnose) or when the diagnosis failed
 * @param diagnosisMillis how long reading the cluster and classifying took, null if not diagnosed
 * @param error     why the diagnosis failed, as the API said it (e.g. a 403), or null
 * @param cluster   the KubeVirt CR's settings, with KubeVirt's defaults where unset
 * @param recommendedActionCounts VMIs per recommended action, every action listed
 * @param remediation what the policy made of the diagnosis; null when nothing was diagnosed
 */
public record Report(
        String id,
        String alertname,
        String status,
        Instant receivedAt,
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
        List<OutdatedVmi> outdatedVmis,
        RemediationReport remediation) {

    public Report withRemediation(RemediationReport m) {
        return new Report(id, alertname, status, receivedAt, completedAt, diagnosisMillis, groupKey, receiver,
                externalURL, alertCount, truncatedAlerts, diagnosed, error, cluster, recommendedActionCounts, findings,
                outOfScopeVmis, outdatedVmis, m);
    }
}

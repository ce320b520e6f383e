package io.remediator.report;

import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import java.time.Instant;
import java.util.List;

/**
 * What the service did with one alert group, as shown at `/api/reports/{id}` and `/reports/{id}`.
 *
 * @param diagnosed false for a resolved alert (nothing to diagnose) or when the diagnosis failed
 * @param error     why the diagnosis failed, as the API said it (e.g. a 403), or null
 */
public record Report(
        String id,
        String alertname,
        String status,
        Instant receivedAt,
        Instant completedAt,
        String groupKey,
        String receiver,
        String externalURL,
        int alertCount,
        int truncatedAlerts,
        boolean diagnosed,
        String error,
        OutdatedWorkloadsDiagnosis.KubeVirtRef kubeVirt,
        KubeVirtInstallation.WorkloadUpdateStrategy workloadUpdateStrategy,
        List<String> findings,
        List<OutdatedVmi> outdatedVmis) {}

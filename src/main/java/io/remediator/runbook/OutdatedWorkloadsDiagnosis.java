package io.remediator.runbook;

import io.remediator.kubevirt.KubeVirtInstallation;
import java.util.List;

/**
 * What the runbook's diagnosis found.
 *
 * @param kubeVirt               the KubeVirt CR the strategy was read from, or null if none exists
 * @param workloadUpdateStrategy that CR's strategy as written, or null when unset (no automated updates)
 * @param findings               cluster-level observations in the operator's words
 */
public record OutdatedWorkloadsDiagnosis(
        KubeVirtRef kubeVirt,
        KubeVirtInstallation.WorkloadUpdateStrategy workloadUpdateStrategy,
        List<OutdatedVmi> outdatedVmis,
        List<String> findings) {

    public record KubeVirtRef(String namespace, String name) {}
}

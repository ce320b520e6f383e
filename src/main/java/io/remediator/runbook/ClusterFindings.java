package io.remediator.runbook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * What the KubeVirt CR says about updating workloads, with KubeVirt's defaults filled in where the
 * CR leaves a field unset (those keys are listed in {@code defaulted}).
 *
 * @param kubeVirt                     the CR these values come from, or null when none exists
 * @param batchEvictionSize            `spec.workloadUpdateStrategy.batchEvictionSize` (KubeVirt: 10)
 * @param batchEvictionInterval        `spec.workloadUpdateStrategy.batchEvictionInterval` (KubeVirt: 1m0s)
 * @param defaultEvictionStrategy      `spec.configuration.evictionStrategy`, the strategy of every VMI
 *                                     without its own (KubeVirt: None)
 * @param hyperConverged               the HyperConverged (HCO) that generates the KubeVirt CR, or null;
 *                                     HCO reverts edits of the KubeVirt CR, so changes go there
 * @param kubeVirtOutdatedCount        the CR's `status.outdatedVirtualMachineInstanceWorkloads`: what the
 *                                     alert's metric says; null when KubeVirt has not reported it
 * @param enableWorkloadUpdatesCommand the `kubectl patch` that enables LiveMigrate, when updates are off
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterFindings(
        KubeVirtRef kubeVirt,
        boolean workloadUpdatesEnabled,
        List<String> workloadUpdateMethods,
        int batchEvictionSize,
        String batchEvictionInterval,
        int parallelMigrationsPerCluster,
        int parallelOutboundMigrationsPerNode,
        String defaultEvictionStrategy,
        List<String> defaulted,
        String phase,
        String observedKubeVirtVersion,
        String targetKubeVirtVersion,
        Boolean controlPlaneUpdateComplete,
        Instant updateCompletedAt,
        int migrationsInFlight,
        HyperConvergedRef hyperConverged,
        Integer kubeVirtOutdatedCount,
        String enableWorkloadUpdatesCommand) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record KubeVirtRef(String namespace, String name) {}

    /**
     * @param apiVersion the version whose field path the command uses (`hco.kubevirt.io/v1beta1`:
     *                   `spec.workloadUpdateStrategy`; in `v1` it is `spec.virtualization.workloadUpdateStrategy`)
     * @param workloadUpdateMethods what the HyperConverged itself says, or null when it could not be read
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HyperConvergedRef(String namespace, String name, String apiVersion, List<String> workloadUpdateMethods) {}

    public boolean liveMigrateEnabled() {
        return workloadUpdateMethods.contains("LiveMigrate");
    }

    public boolean evictEnabled() {
        return workloadUpdateMethods.contains("Evict");
    }
}

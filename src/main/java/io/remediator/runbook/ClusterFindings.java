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
 * @param updateStartedAt              when the update to the current target deployment started, or null
 *                                     when unknown
 * @param updateTimesApproximate       the update times come from the Progressing condition (the service
 *                                     did not see the transition happen), which a flap may have moved
 * @param methodsPinnedBy              under HCO, the HyperConverged's `kubevirt.kubevirt.io/jsonpatch`
 *                                     annotation that sets the KubeVirt CR's workloadUpdateStrategy, or null
 * @param kubeVirtCount                how many KubeVirt CRs exist (virt-operator reconciles none when more than one)
 * @param postCopy                     the KubeVirt CR allows post-copy migrations (`allowPostCopy`)
 * @param workloadDisruption           the KubeVirt CR allows migrations to pause the guest
 *                                     (`allowWorkloadDisruption`, which follows allowPostCopy when unset)
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
        String enableWorkloadUpdatesCommand,
        Instant updateStartedAt,
        boolean updateTimesApproximate,
        String methodsPinnedBy,
        int kubeVirtCount,
        boolean postCopy,
        boolean workloadDisruption) {

    public ClusterFindings(KubeVirtRef kubeVirt, boolean workloadUpdatesEnabled, List<String> workloadUpdateMethods,
                           int batchEvictionSize, String batchEvictionInterval, int parallelMigrationsPerCluster,
                           int parallelOutboundMigrationsPerNode, String defaultEvictionStrategy, List<String> defaulted,
                           String phase, String observedKubeVirtVersion, String targetKubeVirtVersion,
                           Boolean controlPlaneUpdateComplete, Instant updateCompletedAt, int migrationsInFlight,
                           HyperConvergedRef hyperConverged, Integer kubeVirtOutdatedCount,
                           String enableWorkloadUpdatesCommand) {
        this(kubeVirt, workloadUpdatesEnabled, workloadUpdateMethods, batchEvictionSize, batchEvictionInterval,
                parallelMigrationsPerCluster, parallelOutboundMigrationsPerNode, defaultEvictionStrategy, defaulted, phase,
                observedKubeVirtVersion, targetKubeVirtVersion, controlPlaneUpdateComplete, updateCompletedAt,
                migrationsInFlight, hyperConverged, kubeVirtOutdatedCount, enableWorkloadUpdatesCommand, null, false, null,
                kubeVirt == null ? 0 : 1, false, false);
    }

    /**
     * KubeVirt's control plane is not (yet) at its target: its workload updater touches no VMI
     * (workload-updater.go:450-455), and neither does this service.
     */
    public boolean controlPlaneUpdating() {
        return kubeVirt != null && !Boolean.TRUE.equals(controlPlaneUpdateComplete);
    }

    /**
     * Since when migration failures say something about the VMIs now: the start of the update to
     * the current target if known, else its completion; null when neither is known.
     */
    public Instant failuresCountSince() {
        return updateStartedAt != null ? updateStartedAt : updateCompletedAt;
    }
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

package io.remediator.kubevirt;

import java.time.Instant;
import java.util.List;

/**
 * A KubeVirt CR: how KubeVirt itself updates workloads, how many migrations it allows, and whether
 * its own update is done. Fields are as written in the CR; null means unset (KubeVirt's default).
 *
 * @param workloadUpdateStrategy null when the CR has no `spec.workloadUpdateStrategy`
 * @param updateCompletedAt      when the Progressing condition last turned False, or null; it says
 *                               when an update finished only if {@link #controlPlaneUpdateComplete()}
 */
public record KubeVirtInstallation(
        String namespace,
        String name,
        WorkloadUpdateStrategy workloadUpdateStrategy,
        MigrationLimits migrations,
        String phase,
        String observedKubeVirtVersion,
        String targetKubeVirtVersion,
        String observedDeploymentID,
        String targetDeploymentID,
        Instant updateCompletedAt) {

    public record WorkloadUpdateStrategy(List<String> methods, Integer batchEvictSize, String batchEvictInterval) {}

    /** `spec.configuration.migrations`. */
    public record MigrationLimits(Integer parallelMigrationsPerCluster, Integer parallelOutboundMigrationsPerNode) {}

    /**
     * KubeVirt's workload updater acts only once the operator reports Deployed and the deployed
     * control plane is the target one.
     */
    public boolean controlPlaneUpdateComplete() {
        return "Deployed".equals(phase)
                && (targetDeploymentID == null || targetDeploymentID.equals(observedDeploymentID));
    }
}

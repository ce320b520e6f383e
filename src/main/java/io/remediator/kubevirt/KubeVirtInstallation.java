package io.remediator.kubevirt;

import java.util.List;

/**
 * A KubeVirt CR: how KubeVirt itself updates workloads and whether its own update is done.
 *
 * @param workloadUpdateStrategy null when the CR has no `spec.workloadUpdateStrategy`
 */
public record KubeVirtInstallation(
        String namespace,
        String name,
        WorkloadUpdateStrategy workloadUpdateStrategy,
        String phase,
        String observedKubeVirtVersion,
        String targetKubeVirtVersion) {

    /** As written in the CR; null fields are unset (KubeVirt then applies its defaults). */
    public record WorkloadUpdateStrategy(List<String> methods, Integer batchEvictSize, String batchEvictInterval) {}
}

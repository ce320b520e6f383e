package io.remediator.runbook;

import java.time.Instant;
import java.util.List;

/**
 * What the KubeVirt CR says about updating workloads, with KubeVirt's defaults filled in where the
 * CR leaves a field unset (those keys are listed in {@code defaulted}).
 *
 * @param kubeVirt                     the CR these values come from, or null when none exists
 * @param enableWorkloadUpdatesCommand the `kubectl patch` that enables LiveMigrate, when updates are off
 */
public record ClusterFindings(
        KubeVirtRef kubeVirt,
        boolean workloadUpdatesEnabled,
        List<String> workloadUpdateMethods,
        int batchEvictSize,
        String batchEvictInterval,
        int parallelMigrationsPerCluster,
        int parallelOutboundMigrationsPerNode,
        List<String> defaulted,
        String phase,
        String observedKubeVirtVersion,
        String targetKubeVirtVersion,
        Boolean controlPlaneUpdateComplete,
        Instant updateCompletedAt,
        int migrationsInFlight,
        String enableWorkloadUpdatesCommand) {

    public record KubeVirtRef(String namespace, String name) {}

    public boolean liveMigrateEnabled() {
        return workloadUpdateMethods.contains("LiveMigrate");
    }

    public boolean evictEnabled() {
        return workloadUpdateMethods.contains("Evict");
    }
}

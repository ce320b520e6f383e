package io.remediator.kubevirt;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A KubeVirt CR: how KubeVirt itself updates workloads, how many migrations it allows, and whether
 * its own update is done. Fields are as written in the CR; null means unset (KubeVirt's default).
 *
 * @param workloadUpdateStrategy  null when the CR has no `spec.workloadUpdateStrategy`
 * @param defaultEvictionStrategy `spec.configuration.evictionStrategy`: applies to every VMI without
 *                                its own; null when unset (KubeVirt then uses None)
 * @param updateCompletedAt       when the Progressing condition last turned False, or null; it says
 *                                when an update finished only if {@link #controlPlaneUpdateComplete()}
 * @param outdatedWorkloads       `status.outdatedVirtualMachineInstanceWorkloads`: KubeVirt's own count,
 *                                the number the alert's metric carries; null when not reported
 * @param managedBy               the HyperConverged that owns this CR, or null when nothing does
 * @param updateStartedAt         when Progressing last turned True, or null: while
 *                                {@link #updating()}, virt-operator stamps it with reason
 *                                UpdateInProgress (virt-operator/kubevirt.go:1010-1026)
 * @param postCopy                `spec.configuration.migrations.allowPostCopy`, null when unset (false)
 * @param workloadDisruption      `spec.configuration.migrations.allowWorkloadDisruption`, null when unset
 *                                (KubeVirt then follows allowPostCopy)
 * @param times                   when the update to the current target started and completed as this
 *                                service saw it ({@link ControlPlaneUpdates}); null when it has not
 *                                tracked it ({@link #updateTimes()} then reads the conditions)
 */
public record KubeVirtInstallation(
        String namespace,
        String name,
        WorkloadUpdateStrategy workloadUpdateStrategy,
        MigrationLimits migrations,
        String defaultEvictionStrategy,
        String phase,
        String observedKubeVirtVersion,
        String targetKubeVirtVersion,
        String observedDeploymentID,
        String targetDeploymentID,
        Instant updateCompletedAt,
        Integer outdatedWorkloads,
        HyperConvergedRef managedBy,
        Instant updateStartedAt,
        Boolean postCopy,
        Boolean workloadDisruption,
        UpdateTimes times) {
    /** KubeVirt's cluster-wide eviction strategy when `spec.configuration.evictionStrategy` is unset. */
    public static final String DEFAULT_EVICTION_STRATEGY = "None";

    /**
     * @param startedAt   when the update to the current target started, or null when unknown
     * @param completedAt when it completed (observed equal to target), or null while it runs
     * @param approximate read from the Progressing condition, not seen happening: a flap may have
     *                    moved it
     */
    public record UpdateTimes(Instant startedAt, Instant completedAt, boolean approximate) {}

    KubeVirtInstallation withTimes(UpdateTimes t) {
        return new KubeVirtInstallation(namespace, name, workloadUpdateStrategy, migrations, defaultEvictionStrategy, phase,
                observedKubeVirtVersion, targetKubeVirtVersion, observedDeploymentID, targetDeploymentID, updateCompletedAt,
                outdatedWorkloads, managedBy, updateStartedAt, postCopy, workloadDisruption, t);
    }

    /** The frozen times when tracked; otherwise the conditions' (approximate). */
    public UpdateTimes updateTimes() {
        if (times != null) {
            return times;
        }
        return new UpdateTimes(updating() ? updateStartedAt : null,
                controlPlaneUpdateComplete() ? updateCompletedAt : null, true);
    }

    public KubeVirtInstallation(String namespace, String name, WorkloadUpdateStrategy workloadUpdateStrategy,
                                MigrationLimits migrations, String defaultEvictionStrategy, String phase,
                                String observedKubeVirtVersion, String targetKubeVirtVersion, String observedDeploymentID,
                                String targetDeploymentID, Instant updateCompletedAt, Integer outdatedWorkloads,
                                HyperConvergedRef managedBy) {
        this(namespace, name, workloadUpdateStrategy, migrations, defaultEvictionStrategy, phase, observedKubeVirtVersion,
                targetKubeVirtVersion, observedDeploymentID, targetDeploymentID, updateCompletedAt, outdatedWorkloads,
                managedBy, null, null, null, null);
    }

    /**
     * virt-operator is rolling out a new control plane: it has deployed something and the target
     * differs (`isUpdating`, virt-operator/kubevirt.go:1010-1026). Phase stays Deployed meanwhile.
     */
    public boolean updating() {
        return observedDeploymentID != null && !observedDeploymentID.isEmpty()
                && !observedDeploymentID.equals(targetDeploymentID);
    }

    /** `spec.workloadUpdateStrategy`, with KubeVirt's own field names (KubeVirt never had `batchEvictSize`). */
    public record WorkloadUpdateStrategy(List<String> methods, Integer batchEvictionSize, String batchEvictionInterval) {}

    /** `spec.configuration.migrations`. */
    /** @param nodeDrainTaintKey `spec.configuration.migrations.nodeDrainTaintKey`, null when unset (kubevirt.io/drain) */
    public record MigrationLimits(Integer parallelMigrationsPerCluster, Integer parallelOutboundMigrationsPerNode,
                                  String nodeDrainTaintKey) {
        public MigrationLimits(Integer parallelMigrationsPerCluster, Integer parallelOutboundMigrationsPerNode) {
            this(parallelMigrationsPerCluster, parallelOutboundMigrationsPerNode, null);
        }
    }

    /** The drain taint key the KubeVirt CR sets, or null. */
    public String nodeDrainTaintKey() {
        return migrations == null ? null : migrations.nodeDrainTaintKey();
    }

    /**
     * The HyperConverged CR that generates this KubeVirt CR. HCO overwrites any edit of the KubeVirt
     * CR within seconds, so changes must go to the HyperConverged.
     *
     * @param name from the controller owner reference; when only the `app.kubernetes.io/managed-by:
     *             hco-operator` label says so, HCO's fixed name `kubevirt-hyperconverged`
     */
    public record HyperConvergedRef(String namespace, String name) {}

    /**
     * The CR KubeVirt acts on when there are several: virt-operator deploys only one and leaves the
     * others `Synchronized=False` (virt-operator/util/client.go:88-91), so the one in phase Deployed
     * wins; otherwise the first by namespace/name. Null for an empty list.
     */
    public static KubeVirtInstallation effective(List<KubeVirtInstallation> all) {
        return all.stream().filter(k -> "Deployed".equals(k.phase())).findFirst()
                .orElse(all.isEmpty() ? null : all.get(0));
    }

    /**
     * KubeVirt's workload updater acts only once the operator reports Deployed and the deployed
     * deployment ID equals the target one (workload-updater.go:451-455; unset IDs compare as "").
     */
    public boolean controlPlaneUpdateComplete() {
        return "Deployed".equals(phase)
                && Objects.equals(Objects.requireNonNullElse(targetDeploymentID, ""),
                        Objects.requireNonNullElse(observedDeploymentID, ""));
    }
}

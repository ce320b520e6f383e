package io.remediator.kubevirt;

import java.time.Instant;
import java.util.Set;

/**
 * One migration of a VMI.
 *
 * @param phase                    `status.phase`; null until KubeVirt has picked it up
 * @param failedAt                 when it entered Failed (phase transition, else the migration state's
 *                                 end), null if it has not failed
 * @param failureReason            KubeVirt's words for the failure, when it gave any
 * @param createdByWorkloadUpdater KubeVirt's own workload updater created it
 * @param createdByRemediator      this service created it (label {@link KubeVirtResources#MANAGED_BY_LABEL})
 * @param createdByEvacuation      KubeVirt's evacuation controller created it (annotation
 *                                 `kubevirt.io/evacuationMigration`, evacuation.go:326-334): a node drain
 *                                 or an Evict-only update of a LiveMigrate VMI
 * @param abortRequested           it has KubeVirt's `migrationAbortRequested` condition: someone deleted
 *                                 (canceled) it; a failure that follows is no failure signature
 * @param sourceNode               `status.migrationState.sourceNode`, when KubeVirt has set it
 * @param targetNode               `status.migrationState.targetNode`
 */
public record VirtualMachineInstanceMigration(
        String namespace,
        String name,
        String vmiName,
        String phase,
        Instant createdAt,
        Instant failedAt,
        String failureReason,
        boolean createdByWorkloadUpdater,
        boolean createdByRemediator,
        boolean createdByEvacuation,
        Instant schedulingAt,
        Instant succeededAt,
        boolean abortRequested,
        String sourceNode,
        String targetNode) {

    public VirtualMachineInstanceMigration(String namespace, String name, String vmiName, String phase, Instant createdAt,
                                           Instant failedAt, String failureReason, boolean createdByWorkloadUpdater,
                                           boolean createdByRemediator, boolean createdByEvacuation, Instant schedulingAt,
                                           Instant succeededAt) {
        this(namespace, name, vmiName, phase, createdAt, failedAt, failureReason, createdByWorkloadUpdater,
                createdByRemediator, createdByEvacuation, schedulingAt, succeededAt, false, null, null);
    }

    /** Without the phase times (fixtures of the runbook's tests). */
    public VirtualMachineInstanceMigration(String namespace, String name, String vmiName, String phase, Instant createdAt,
                                           Instant failedAt, String failureReason, boolean createdByWorkloadUpdater,
                                           boolean createdByRemediator, boolean createdByEvacuation) {
        this(namespace, name, vmiName, phase, createdAt, failedAt, failureReason, createdByWorkloadUpdater,
                createdByRemediator, createdByEvacuation, null, null);
    }

    public VirtualMachineInstanceMigration(String namespace, String name, String vmiName, String phase, Instant createdAt,
                                           Instant failedAt, String failureReason, boolean createdByWorkloadUpdater,
                                           boolean createdByRemediator) {
        this(namespace, name, vmiName, phase, createdAt, failedAt, failureReason, createdByWorkloadUpdater,
                createdByRemediator, false);
    }

    /**
     * Created by KubeVirt itself for this purpose, and so retried by it with the migration
     * controller's doubling backoff: only these two annotations are eligible (migration.go:1047-1057).
     */
    public boolean createdByKubeVirt() {
        return createdByWorkloadUpdater || createdByEvacuation;
    }

    private static final Set<String> FINISHED = Set.of("Succeeded", "Failed");

    public boolean inFlight() {
        return phase == null || !FINISHED.contains(phase);
    }

    /** The same migration with KubeVirt's reason taken from elsewhere (its `FailedMigration` event). */
    public VirtualMachineInstanceMigration withFailureReason(String reason) {
        return new VirtualMachineInstanceMigration(namespace, name, vmiName, phase, createdAt, failedAt, reason,
                createdByWorkloadUpdater, createdByRemediator, createdByEvacuation, schedulingAt, succeededAt,
                abortRequested, sourceNode, targetNode);
    }

    public boolean failed() {
        return "Failed".equals(phase);
    }
}

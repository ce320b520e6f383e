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
        Instant succeededAt) {

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
                createdByWorkloadUpdater, createdByRemediator, createdByEvacuation);
    }

    public boolean failed() {
        return "Failed".equals(phase);
    }
}

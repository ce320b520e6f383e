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
        boolean createdByRemediator) {

    private static final Set<String> FINISHED = Set.of("Succeeded", "Failed");

    public boolean inFlight() {
        return phase == null || !FINISHED.contains(phase);
    }

    /** The same migration with KubeVirt's reason taken from elsewhere (its `FailedMigration` event). */
    public VirtualMachineInstanceMigration withFailureReason(String reason) {
        return new VirtualMachineInstanceMigration(namespace, name, vmiName, phase, createdAt, failedAt, reason,
                createdByWorkloadUpdater, createdByRemediator);
    }

    public boolean failed() {
        return "Failed".equals(phase);
    }
}

package io.remediator.rollout;

import io.remediator.kubevirt.VirtualMachine;
import io.remediator.runbook.Branch;
import java.util.Locale;
import java.util.Optional;

/**
 * How an outdated VMI left the rollout's set (`completed` in the record, the `how` label of
 * `remediator_rollout_completed_vmis_total`), told from the caches at the look after it left.
 */
public enum CompletedHow {
    /** A migration of it succeeded since T0: the same VMI now runs in a new launcher. */
    MIGRATED,
    /** It was one KubeVirt (or an external controller) evicts, and its VM started it again. */
    EVICTED,
    /** Its VM started a new VMI (a restart). */
    RESTARTED,
    /** Its VM is stopped (Halted, or Manual: nothing starts it again). */
    STOPPED,
    /** Neither it nor a VM owning it is left. */
    GONE;

    /**
     * @param lastBranch the branch it had at the last look where it was outdated
     * @param migrated   a migration of it succeeded since T0
     * @param vm         its VM now, empty when it had none or the VM is gone
     */
    public static CompletedHow of(Branch lastBranch, boolean migrated, Optional<VirtualMachine> vm) {
        if (migrated) {
            return MIGRATED;
        }
        if (vm.isEmpty()) {
            return GONE;
        }
        String strategy = vm.get().effectiveRunStrategy();
        if ("Halted".equals(strategy) || "Manual".equals(strategy)) {
            return STOPPED;
        }
        return lastBranch == Branch.KUBEVIRT_WILL_EVICT || lastBranch == Branch.EVICTION_BLOCKED
                || lastBranch == Branch.EXTERNAL_EVICTION ? EVICTED : RESTARTED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.remediator.rollout;

import java.time.Duration;
import java.time.Instant;

/** Where a rollout stands (next-capabilities §1.3), and the pure rule that decides it. */
public enum RolloutStage {
    /** The target deployment ID differs from the observed one: virt-operator is updating the control plane. */
    ControlPlaneUpdating,
    /** The control plane is done (T0): KubeVirt's updater moves the outdated VMIs. */
    WorkloadsUpdating,
    /** No outdated VMI left the set for {@code stallAfter} while KubeVirt still handles some. */
    Stalled,
    /** Only VMIs KubeVirt will never update are left. */
    NeedsAction,
    /** No outdated or pending-live-update VMI is left, and KubeVirt's own count is 0. */
    Completed,
    /** The deployment ID changed without any VMI becoming outdated within the grace. */
    NoWorkloadImpact,
    /** A newer target deployment ID appeared: the next rollout's record takes over. */
    Superseded;

    /** Completed, NoWorkloadImpact and Superseded are final: the record is closed. */
    public boolean terminal() {
        return this == Completed || this == NoWorkloadImpact || this == Superseded;
    }

    /**
     * The stage now.
     *
     * @param superseded      a newer target deployment ID than this rollout's
     * @param t0              the control plane's completion, null while it updates
     * @param everOutdated    some VMI was seen outdated since this rollout started
     * @param kubeVirtCount   the KubeVirt CR's `status.outdatedVirtualMachineInstanceWorkloads`, null when unset
     * @param lastProgressAt  the last time an outdated VMI left the set (or T0)
     * @param now             the newest moment known (for the grace and the stall: the only clock used to decide, never shown)
     */
    public static RolloutStage decide(boolean superseded, Instant t0, BurnDown burnDown, boolean everOutdated,
                                      Integer kubeVirtCount, Instant lastProgressAt, Instant now,
                                      Duration noImpactGrace, Duration stallAfter) {
        if (superseded) {
            return Superseded;
        }
        if (t0 == null) {
            return ControlPlaneUpdating;
        }
        if (burnDown.empty()) {
            if (!everOutdated) {
                return now.isBefore(t0.plus(noImpactGrace)) ? WorkloadsUpdating : NoWorkloadImpact;
            }
            // KubeVirt's own count may still include what its last sync saw: done when it agrees.
            return kubeVirtCount == null || kubeVirtCount == 0 ? Completed : WorkloadsUpdating;
        }
        if (burnDown.onlyNeedsAction()) {
            return NeedsAction;
        }
        if (burnDown.kubeVirtHandlesSome() && lastProgressAt != null && !now.isBefore(lastProgressAt.plus(stallAfter))) {
            return Stalled;
        }
        return WorkloadsUpdating;
    }
}

package io.remediator.runbook;

/** What the runbook recommends for one outdated VMI. Part of the report's JSON contract. */
public enum RecommendedAction {
    /** Nothing to do: the VMI is going away by itself. */
    NONE,
    /** KubeVirt is already handling it (a migration runs, or its workload updater will act). */
    WAIT,
    /** Create a VirtualMachineInstanceMigration: non-disruptive. */
    LIVE_MIGRATE,
    /** Evict the virt-launcher pod (restarts the VMI if its VM recreates it). */
    EVICT,
    /**
     * Restart the VM through KubeVirt (`virtctl restart`): KubeVirt stops this VMI and starts a new
     * one in an up-to-date launcher. Brief downtime. For VMs with run strategy Always, Manual or
     * RerunOnFailure.
     */
    RESTART,
    /**
     * Stop the VM through KubeVirt (`virtctl stop`, which keeps a Manual or RerunOnFailure run
     * strategy), or delete a VMI that has no VM: the workload stays down until someone starts it.
     */
    STOP,
    /**
     * Change the VM template's eviction strategy (LiveMigrateIfPossible or None): nothing stops
     * now, the VM takes it at its next restart. Only the VMCannotBeEvicted runbook recommends it.
     */
    PATCH_EVICTION_STRATEGY,
    /**
     * Cancel an abandoned evacuation through KubeVirt's `evacuate/cancel` (virtctl evacuate-cancel,
     * KubeVirt 1.8 and later): it removes the VMI's `status.evacuationNodeName`, which KubeVirt's
     * evacuation controller would otherwise act on later. Nothing stops. Only VMCannotBeEvicted recommends it.
     */
    EVACUATE_CANCEL;

    /** Most disruptive first: the order in which an operator must read them, and the last to be cut. */
    public static final java.util.List<RecommendedAction> BY_SEVERITY = java.util.List.of(STOP, RESTART, EVICT,
            PATCH_EVICTION_STRATEGY, EVACUATE_CANCEL, LIVE_MIGRATE, WAIT, NONE);
}

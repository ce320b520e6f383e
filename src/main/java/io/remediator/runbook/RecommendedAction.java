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
    /** Delete the VMI; its VM starts a new one in an up-to-date launcher. Brief downtime. */
    RESTART,
    /** Stop the VM, or delete a VMI that has none: the workload stays down until someone starts it. */
    STOP
}

package io.remediator.runbook.nonevictable;

/**
 * Which branch of the VMCannotBeEvicted runbook a VMI falls into (first match wins, in this order).
 * The names are stable: reports, metrics and tooling refer to them.
 */
public enum NonEvictableBranch {
    /**
     * The alert is stale: the VMI is gone, its eviction strategy is no longer LiveMigrate, or it is
     * migratable now. KubeVirt's metric drops it at the next scrape and the alert resolves.
     */
    VCE_STALE,
    /** The VM or VMI opted out, or carries `kubevirt-remediator/accept-non-evictable-until` in the future. */
    VCE_ACCEPTED,
    /**
     * No LiveMigratable condition yet on a VMI younger than 5 minutes: KubeVirt's metric counts a
     * missing condition as not migratable (vmistats_collector.go:367-371) until virt-handler sets it.
     */
    VCE_CONDITION_PENDING,
    /**
     * Its node is cordoned or carries the drain taint: a drain is waiting on it now, since KubeVirt's
     * eviction webhook refuses its eviction with 429 (pod-eviction-admitter.go:146-150).
     */
    VCE_DRAIN_BLOCKED,
    /**
     * Not drained now, yet its `status.evacuationNodeName` names its node: an abandoned drain's mark,
     * which KubeVirt's evacuation controller acts on once the VMI can migrate. `EVACUATE_CANCEL`
     * where KubeVirt serves it (1.8+).
     */
    VCE_ABANDONED_DRAIN,
    /** Its VM's template was already changed away from LiveMigrate: only a restart applies it. */
    VCE_FIX_NEEDS_RESTART,
    /** LiveMigrate on a VMI that cannot migrate, with a VM whose template can change. */
    VCE_STRATEGY_MISMATCH,
    /** LiveMigrate on a VMI that cannot migrate, without a VM: nothing can change its strategy. */
    VCE_NO_VM
}

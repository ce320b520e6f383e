package io.remediator.rollout;

import io.remediator.runbook.Branch;
import java.util.Locale;

/**
 * The six fixed groups of a rollout's burn-down: every outdated VMI falls in exactly one (by its
 * runbook branch), and VMIs waiting for a live update in the last. Fixed, so a metric labelled by
 * group has six series whatever the cluster.
 */
public enum RolloutGroup {
    /** A migration for it is in flight. */
    IN_FLIGHT,
    /**
     * KubeVirt's updater will migrate or evict it; a VMI still starting is here too (the updater
     * reads it again on every sync once it runs).
     */
    KUBEVIRT_WILL_UPDATE,
    /** KubeVirt keeps trying and failing: migrations that keep failing, evictions a budget blocks. */
    FAILING,
    /** KubeVirt will not update it: only a person (or this service's policy) will. */
    NEEDS_ACTION,
    /** It is leaving its old launcher by itself (deleted, or finished). */
    GOING_AWAY,
    /** Not outdated, but waiting for a live update (a hot-plug or volume migration) KubeVirt counts. */
    PENDING_LIVE_UPDATE;

    public static RolloutGroup of(Branch branch) {
        switch (branch) {
            case GOING_AWAY:
                return GOING_AWAY;
            case MIGRATION_IN_FLIGHT:
                return IN_FLIGHT;
            case STARTING:
            case KUBEVIRT_WILL_MIGRATE:
            case KUBEVIRT_WILL_EVICT:
                return KUBEVIRT_WILL_UPDATE;
            case MIGRATIONS_KEEP_FAILING:
            case EVICTION_BLOCKED:
                return FAILING;
            case MIGRATABLE_NOT_AUTOMATED:
            case EXTERNAL_EVICTION:
            case NOT_MIGRATABLE_NOT_AUTOMATED:
            case DUAL_LAUNCHER:
                return NEEDS_ACTION;
            default:
                throw new IllegalArgumentException("no rollout group for branch " + branch);
        }
    }

    /** The name in JSON and metrics: `in_flight`, `kubevirt_will_update`, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.remediator.runbook;

/**
 * Which branch of the runbook an outdated VMI falls into (first match wins, in this order).
 * The names are stable: reports, metrics and operators' tooling refer to them.
 */
public enum Branch {
    /**
     * It runs in two or more active launcher pods with no migration in flight, for longer than
     * `dualLauncher.grace` (kubevirt/kubevirt#15373, #16622: guests were corrupted so). Set over
     * whatever branch it had: its recommended action is kept to show, and every action on it is
     * QUARANTINED (docs/migration-failures.md).
     */
    DUAL_LAUNCHER,
    /** Being deleted, or its phase is Succeeded/Failed: it leaves its outdated launcher by itself. */
    GOING_AWAY,
    /** A migration for it is in flight. */
    MIGRATION_IN_FLIGHT,
    /**
     * Not Running yet, or virt-handler has not yet reported whether it can live-migrate (right
     * after a start): KubeVirt's updater ignores VMIs that are not Running (workload-updater.go:395-397)
     * and reads LiveMigratable again on every sync, so nothing is decided yet.
     */
    STARTING,
    /** Migratable, but enough migrations for it have failed since it became outdated. */
    MIGRATIONS_KEEP_FAILING,
    /** Migratable, and KubeVirt's workload updater has LiveMigrate enabled. */
    KUBEVIRT_WILL_MIGRATE,
    /** Migratable, but nothing will migrate it unless someone does. */
    MIGRATABLE_NOT_AUTOMATED,
    /**
     * KubeVirt's workload updater will evict it (Evict enabled: without LiveMigrate it evicts
     * migratable VMIs too), and its eviction strategy lets the eviction through or turns it into a
     * live migration.
     */
    KUBEVIRT_WILL_EVICT,
    /**
     * KubeVirt's workload updater evicts it, but the eviction keeps failing (its `FailedEvict`
     * Events, typically a PodDisruptionBudget): KubeVirt retries every batch, forever.
     */
    EVICTION_BLOCKED,
    /**
     * Eviction strategy External: an external controller (such as cluster-api-provider-kubevirt)
     * owns its disruption; KubeVirt's eviction only marks it. Never restarted or stopped without a person.
     */
    EXTERNAL_EVICTION,
    /**
     * Not migratable, and KubeVirt will never update it: no Evict, or its eviction strategy is
     * LiveMigrate, which makes KubeVirt's eviction webhook refuse every eviction. Only a restart
     * or stop updates it.
     */
    NOT_MIGRATABLE_NOT_AUTOMATED
}

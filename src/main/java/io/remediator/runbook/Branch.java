package io.remediator.runbook;

/**
 * Which branch of the runbook an outdated VMI falls into (first match wins, in this order).
 * The names are stable: reports, metrics and operators' tooling refer to them.
 */
public enum Branch {
    /** Being deleted, or its phase is Succeeded/Failed: it leaves its outdated launcher by itself. */
    GOING_AWAY,
    /** A migration for it is in flight. */
    MIGRATION_IN_FLIGHT,
    /** Migratable, but enough migrations for it have failed since it became outdated. */
    MIGRATIONS_KEEP_FAILING,
    /** Migratable, and KubeVirt's workload updater has LiveMigrate enabled. */
    KUBEVIRT_WILL_MIGRATE,
    /** Migratable, but nothing will migrate it unless someone does. */
    MIGRATABLE_NOT_AUTOMATED,
    /** Not migratable, and KubeVirt's workload updater has Evict enabled. */
    KUBEVIRT_WILL_EVICT,
    /** Not migratable and no Evict: only a restart or stop updates it. */
    NOT_MIGRATABLE_NOT_AUTOMATED
}

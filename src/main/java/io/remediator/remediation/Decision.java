package io.remediator.remediation;

/** Why a planned action runs or does not. Shown per action in the report and counted in metrics. */
public enum Decision {
    /** Allowed by the policy (`auto`), inside every limit: executed after its dry run. */
    RUN,
    /** Allowed by an approval (`approve`), inside every limit: executed after its dry run. */
    APPROVED,
    AWAITING_APPROVAL,
    REPORT_ONLY,
    NEVER,
    OUT_OF_SCOPE,
    OPTED_OUT,
    OUTSIDE_WINDOW,
    MIGRATION_LIMIT,
    BATCH_LIMIT,
    CIRCUIT_BREAKER,
    /** KubeVirt's workload updater is being enabled for this method in the same pass; it does the work. */
    HANDED_TO_KUBEVIRT,
    /** Someone else's migration of the VMI is in flight: a second one is never created. */
    IN_FLIGHT,
    /** A retry of a failed migration waits: the interval doubles with every failure. */
    RETRY_BACKOFF,
    /** Its migrations failed more often than `policy.maxRetries` allows: left to the operator. */
    GAVE_UP,
    DRY_RUN_REFUSED,
    /**
     * KubeVirt's control plane is updating (observedDeploymentID differs from targetDeploymentID):
     * its own workload updater waits for the update (workload-updater.go:450-455), and so does this
     * service; the next pass looks again.
     */
    CONTROL_PLANE_UPDATING,
    /**
     * A rollout acts on the outdated VMIs (`rollout.act: true`) and its own report plans them: an
     * alert's report for the same rollout plans nothing (one planner per VMI).
     */
    OWNED_BY_ROLLOUT,
    /**
     * The windows that apply to it (`policy.windows`, its namespace's and its VM's
     * `kubevirt-remediator/maintenance-window`, each in its zone) have no time in common: a
     * disruptive action never runs until one of them changes (docs/owners.md).
     */
    NO_COMMON_WINDOW,
    /**
     * Another open report plans this VMI: the drain-blocker watch's report for the node it holds up
     * (vce.watchNodes) found it first, so the alert's report links to it and plans nothing for it
     * (one planner per VMI).
     */
    OWNED_BY_DRAIN_REPORT,
    /** The rollout's report: a disruptive action waits until `rollout.actAfter` after the control plane completed. */
    ROLLOUT_ACT_AFTER,
    /** The rollout's report: KubeVirt's updater is moving or will update this VMI, so the rollout does not. */
    LEFT_TO_KUBEVIRT,
    /** Its last migration failed with a systemic signature: another live migration would fail the same way. */
    SYSTEMIC_FAILURE,
    /**
     * The VMI runs in two active launchers outside a migration (kubevirt/kubevirt#15373, #16622:
     * guest corruption): nothing automated touches it, in any report or mode.
     */
    QUARANTINED,
    /**
     * KubeVirt's updater was paused by this service for a systemic failure (its annotation records
     * the methods): enabling is not planned; only an approved RESUME_WORKLOAD_UPDATES restores them.
     */
    UPDATER_PAUSED;

    public boolean executes() {
        return this == RUN || this == APPROVED;
    }

    /** Waiting for time or capacity: a later pass takes it up without a new alert. */
    public boolean deferred() {
        return this == OUTSIDE_WINDOW || this == MIGRATION_LIMIT || this == BATCH_LIMIT || this == CIRCUIT_BREAKER
                || this == RETRY_BACKOFF || this == IN_FLIGHT || this == CONTROL_PLANE_UPDATING || this == ROLLOUT_ACT_AFTER;
    }
}

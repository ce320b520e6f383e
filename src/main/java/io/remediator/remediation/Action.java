package io.remediator.remediation;

import io.remediator.runbook.RecommendedAction;

/** What the service can do, named as in `policy.actions.<configKey>`. */
public enum Action {
    LIVE_MIGRATE("liveMigrate", false),
    EVICT("evict", true),
    RESTART("restart", true),
    STOP("stop", true),
    ENABLE_WORKLOAD_UPDATES("enableWorkloadUpdates", false),
    /** Empties KubeVirt's workloadUpdateMethods (HCO-correct) while a failure signature is systemic. */
    PAUSE_WORKLOAD_UPDATES("pauseWorkloadUpdates", false),
    /** Deletes the updater's migrations that have not reached their target yet; approved with the pause. */
    CANCEL_UPDATER_MIGRATIONS("cancelUpdaterMigrations", false),
    /** Restores exactly the methods a pause recorded; approval only. */
    RESUME_WORKLOAD_UPDATES("resumeWorkloadUpdates", false),
    /**
     * Changes a VM template's eviction strategy (a conditional merge patch on the VM, never the
     * VMI): nothing is interrupted, it takes effect when the VM restarts.
     */
    PATCH_EVICTION_STRATEGY("patchEvictionStrategy", false),
    /**
     * Removes an abandoned evacuation mark through KubeVirt's `evacuate/cancel` subresource of the
     * VMI (KubeVirt 1.8+), conditional on the node it names: nothing is interrupted.
     */
    EVACUATE_CANCEL("evacuateCancel", false);

    private final String configKey;
    private final boolean disruptive;

    Action(String configKey, boolean disruptive) {
        this.configKey = configKey;
        this.disruptive = disruptive;
    }

    public String configKey() {
        return configKey;
    }

    /** Disruptive actions interrupt the workload: they obey time windows and batches. */
    public boolean disruptive() {
        return disruptive;
    }

    /** From least to most disruptive to the workload. */
    private static final java.util.List<Action> BY_DISRUPTION = java.util.List.of(PAUSE_WORKLOAD_UPDATES,
            RESUME_WORKLOAD_UPDATES, CANCEL_UPDATER_MIGRATIONS, ENABLE_WORKLOAD_UPDATES, EVACUATE_CANCEL, PATCH_EVICTION_STRATEGY, LIVE_MIGRATE, EVICT, RESTART, STOP);

    /** A cluster setting rather than a VMI: planned on the KubeVirt CR (or the HyperConverged under HCO). */
    public boolean onKubeVirt() {
        return this == ENABLE_WORKLOAD_UPDATES || this == PAUSE_WORKLOAD_UPDATES || this == CANCEL_UPDATER_MIGRATIONS
                || this == RESUME_WORKLOAD_UPDATES;
    }

    /** True when this action interrupts the workload no more than {@code max} does (`slack.approval.maxAction`). */
    public boolean atMostAsDisruptiveAs(Action max) {
        return BY_DISRUPTION.indexOf(this) <= BY_DISRUPTION.indexOf(max);
    }

    /** The action carrying out a runbook recommendation, or null when there is nothing to do. */
    public static Action carrying(RecommendedAction recommended) {
        return switch (recommended) {
            case LIVE_MIGRATE -> LIVE_MIGRATE;
            case EVICT -> EVICT;
            case RESTART -> RESTART;
            case STOP -> STOP;
            case PATCH_EVICTION_STRATEGY -> PATCH_EVICTION_STRATEGY;
            case EVACUATE_CANCEL -> EVACUATE_CANCEL;
            case NONE, WAIT -> null;
        };
    }
}

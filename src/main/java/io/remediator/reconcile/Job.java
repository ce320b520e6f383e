package io.remediator.reconcile;

/** A key of the leader's one queue: a stored report to look at, or one of the leader's own chores. */
sealed interface Job {
    /** Look at this stored report and do what it needs now. */
    record Report(String name) implements Job {}

    enum Chore implements Job {
        /** Read the stored reports and start watching them: this replica just became the leader. */
        TAKE_OVER,
        /** Show in the open reports what became of their executed actions. */
        REFRESH_OUTCOMES,
        /** Delete reports past reports.maxAge / reports.maxReports. */
        RETENTION,
        /** Look at KubeVirt's update: the rollout record, its stage and burn-down. */
        ROLLOUT,
        /** Outdated VMIs left: the rollout's counts follow (a full look when they cannot). */
        ROLLOUT_COUNTS,
        /** Look for VMIs holding up a node's drain (vce.watchNodes): the drain-blocker reports. */
        DRAINS
    }
}

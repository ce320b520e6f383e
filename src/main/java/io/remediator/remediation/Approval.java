package io.remediator.remediation;

/**
 * One approved action, bound to what the operator reviewed: that action, that attempt, on that
 * object (the VMI's UID). A VMI re-created under the same name (a new UID), or a retry after a
 * failed attempt, is a new decision and needs a new approval, so an approval is used at most once.
 *
 * @param targetUid the VMI's UID, null for an action on no VMI (enabling KubeVirt's updater)
 */
public record Approval(String key, int attempt, String targetUid) {

    /** How it is stored in the report's `spec.approvedActions`: `RESTART prod/db #1 uid=…`. */
    public String entry() {
        return key + " #" + attempt + (targetUid == null ? "" : " uid=" + targetUid);
    }

    public static Approval of(PlannedAction action) {
        return new Approval(action.key(), action.attempt(), action.targetUid());
    }
}

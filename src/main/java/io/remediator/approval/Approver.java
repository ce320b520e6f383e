package io.remediator.approval;

/**
 * The one approval function: `POST /api/reports/{id}/approve`, the approval link's page and the
 * Slack button all approve through it ({@link PlanApprovals}), each saying how.
 */
@FunctionalInterface
public interface Approver {
    /**
     * @param plan   the plan the operator reviewed
     * @param which  which of its actions: named, or what a link or button offers
     * @param by     who, as recorded (a name, the SSO identity, `link holder`, `slack:<user ID>`)
     * @param via    api, link or slack
     * @param linkId the approval link used (it works once), or null
     */
    ApprovalOutcome approve(String reportId, PlanRef plan, Selection which, String by, String via, String linkId);
}

package io.remediator.approval;

import java.util.List;

/**
 * What an approval request came to. Only what the operator reviewed is approved: the actions they
 * name, of the plan of the pass they name, each bound to its attempt and target UID.
 */
public sealed interface ApprovalOutcome {
    /** Stored; the leader runs a pass for it at once. */
    record Approved(List<String> actions) implements ApprovalOutcome {}

    /** The plan moved on since the operator looked: they must review the current one. */
    record Stale(int currentPass, List<String> awaiting) implements ApprovalOutcome {}

    /** Some named actions are not awaiting approval in the current plan (or none was named). */
    record NotAwaiting(List<String> actions, List<String> awaiting) implements ApprovalOutcome {}

    /** The approval link was used already (it works once). */
    record LinkUsed() implements ApprovalOutcome {}

    /** There is no report of that name. */
    record NoReport() implements ApprovalOutcome {}

    /** A Slack click from a message that is not the report's own: nothing approved. */
    record OtherMessage() implements ApprovalOutcome {}

    /** Closed, resolved, replaced by a newer episode, or never planned. */
    record NotOpen(String why) implements ApprovalOutcome {}
}

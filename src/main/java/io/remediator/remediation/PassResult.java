package io.remediator.remediation;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the policy made of one diagnosis: every action considered, with its decision, dry run and
 * result. Follow-up passes replace it with a newer one (`pass` counts them).
 *
 * @param mode       `policy.mode` at the time
 * @param nextPassAt when the next pass runs (deferred work or actions to follow up), or null
 * @param notes      what the operator should know about this pass as a whole
 * @param awaitingSince since when the actions awaiting approval have been these ({@link #awaitedDigest}):
 *                   carried from pass to pass while the set is unchanged, so an approval link's ttl
 *                   counts from when it was first offered; null when nothing awaits approval
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PassResult(
        String mode,
        int pass,
        Instant at,
        Map<Decision, Integer> decisions,
        List<PlannedAction> actions,
        Instant nextPassAt,
        List<String> notes,
        Instant awaitingSince) {

    public PassResult {
        // Read back from the API server, map keys come sorted by name: keep the decisions' own order.
        decisions = decisions == null || decisions.isEmpty() ? decisions : new EnumMap<>(decisions);
        // A listing that left the planned actions out (StoredEpisodes) reads as none.
        actions = actions == null ? List.of() : actions;
        notes = notes == null ? List.of() : notes;
    }

    /** The same pass with another next-pass time (null: none) and, when given, one more note. */
    public PassResult withNextPass(Instant next, String note) {
        List<String> allNotes = new ArrayList<>(notes);
        if (note != null) {
            allNotes.add(note);
        }
        return new PassResult(mode, pass, at, decisions, actions, next, List.copyOf(allNotes), awaitingSince);
    }

    /**
     * The set of actions awaiting approval, as a short digest of each one's key, target UID and
     * attempt (sorted): what an approval link or button is bound to. Empty text when none awaits.
     */
    @com.fasterxml.jackson.annotation.JsonProperty(value = "awaitedPlan", access = com.fasterxml.jackson.annotation.JsonProperty.Access.READ_ONLY)
    public String awaitedDigest() {
        List<String> awaited = awaitingApproval().stream().map(a -> a.key() + "\u0000" + a.targetUid() + "\u0000"
                + a.attempt()).sorted().toList();
        if (awaited.isEmpty()) {
            return "";
        }
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            awaited.forEach(s -> sha.update((s + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return java.util.HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** This pass, with {@code awaitingSince} carried from {@code previous} when it awaited the same set. */
    public PassResult awaitingSinceAfter(PassResult previous) {
        String mine = awaitedDigest();
        Instant since = mine.isEmpty() ? null
                : previous != null && previous.awaitingSince() != null && mine.equals(previous.awaitedDigest())
                ? previous.awaitingSince() : at;
        return new PassResult(mode, pass, at, decisions, actions, nextPassAt, notes, since);
    }

    /** The actions of this plan that wait for an operator's approval. */
    public List<PlannedAction> awaitingApproval() {
        return actions.stream().filter(a -> a.decision() == Decision.AWAITING_APPROVAL).toList();
    }

    /** Deferred work, or something executed whose outcome a later diagnosis will show. */
    public boolean needsFollowUp() {
        // A refused enable is looked at again: RBAC or a webhook may change, and until then the
        // VMIs were planned without KubeVirt's updater.
        return awaitsOutcome() || actions.stream().anyMatch(a -> a.decision().deferred()
                || (a.action() == Action.ENABLE_WORKLOAD_UPDATES && a.decision() == Decision.DRY_RUN_REFUSED));
    }

    /** Something executed whose outcome is not known yet. */
    public boolean awaitsOutcome() {
        return actions.stream().anyMatch(a -> a.executed()
                && (a.followUp() == null || a.followUp().pending()));
    }

    /**
     * This pass as a new leader finds it after the process that ran it stopped while executing:
     * what it was about to write is marked interrupted, so that it is followed up like an executed
     * action, and the next pass re-plans it (deterministic names make a repeat a no-op).
     */
    public PassResult interrupted() {
        return withActions(actions.stream().map(a -> a.result() == null && a.decision().executes()
                ? a.withResult(new PlannedAction.Result(PlannedAction.Outcome.INTERRUPTED, "the service stopped during this"
                        + " pass; the next pass checks whether the write happened"), null)
                : a).toList());
    }

    /**
     * This pass with only the actions a leader reads between passes: what executed (or was about
     * to: interrupted) for the ledger's limits and for follow-ups. A plan of thousands of actions
     * that wait for approval or a window keeps its counts ({@code decisions}) and none of them.
     */
    public PassResult forLedger() {
        return withActions(actions.stream().filter(a -> a.executedAt() != null || a.executed()
                || a.interruptedOrPending()).toList());
    }

    public PassResult withActions(List<PlannedAction> newActions) {
        return new PassResult(mode, pass, at, decisions, List.copyOf(newActions), nextPassAt, notes, awaitingSince);
    }
}

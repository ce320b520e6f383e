package io.remediator.remediation;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;

/**
 * One action the policy considered, with everything an operator needs to trust it: what, on
 * which object, why it runs or not, what the API server said to the dry run, and what happened.
 *
 * @param key      stable per action and target across passes, e.g. `LIVE_MIGRATE prod/db`
 * @param targetUid the UID of the VMI it is for, as diagnosed (null for an action on no VMI): an
 *                 approval counts only for that VMI
 * @param object   the object written, e.g. `VirtualMachineInstanceMigration prod/kvr-db-1a2b3c4d`
 * @param attempt  1 for the first try; retries of a failed migration count up
 * @param rule     the policy setting that decided it
 * @param followUp for an action executed in an earlier pass, what became of it since
 * @param change   what a field-changing action writes (PATCH_EVICTION_STRATEGY: the VM template's
 *                 field, its value and the resourceVersion the write is conditional on), else null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PlannedAction(
        String key,
        Action action,
        String namespace,
        String vmi,
        String vm,
        String targetUid,
        Target object,
        int attempt,
        Decision decision,
        String why,
        String rule,
        DryRun dryRun,
        Result result,
        Instant plannedAt,
        Instant executedAt,
        FollowUp followUp,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        io.remediator.runbook.VmiFinding.Change change,
        // True when the runbook's VMI need not run an outdated launcher (VMCannotBeEvicted): a restart or
        // stop then checks only that it is the same VMI (its UID), not that it is still outdated.
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT)
        boolean anyLauncher) {

    public PlannedAction(String key, Action action, String namespace, String vmi, String vm, String targetUid, Target object,
                         int attempt, Decision decision, String why, String rule, DryRun dryRun, Result result,
                         Instant plannedAt, Instant executedAt, FollowUp followUp) {
        this(key, action, namespace, vmi, vm, targetUid, object, attempt, decision, why, rule, dryRun, result, plannedAt,
                executedAt, followUp, null, false);
    }

    PlannedAction withAnyLauncher(boolean any) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, decision, why, rule, dryRun,
                result, plannedAt, executedAt, followUp, change, any);
    }

    PlannedAction withChange(io.remediator.runbook.VmiFinding.Change c) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, decision, why, rule, dryRun,
                result, plannedAt, executedAt, followUp, c, anyLauncher);
    }

    /** @param code the API's HTTP status when it refused (403, 404, 409, 422, 429…), else null */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DryRun(boolean accepted, Integer code, String message) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Result(Outcome outcome, String message) {}

    /** What became of a write, stored and served in the words an operator reads. */
    public enum Outcome {
        DONE("done"),
        /** Nothing needed writing: a 409 on our own name (a retry of our own request), or the VMI was updated since. */
        ALREADY_DONE("already-done"),
        FAILED("failed"),
        /** The process stopped during the write; the next pass finds out whether it happened. */
        INTERRUPTED("interrupted");

        private final String wire;

        Outcome(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }

        /** The words, also where a template shows it. */
        @Override
        public String toString() {
            return wire;
        }

        @JsonCreator
        public static Outcome of(String wire) {
            for (Outcome o : values()) {
                if (o.wire.equals(wire)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown outcome " + wire);
        }
    }

    /** An action as the planner first proposes it: not decided, proven or executed yet. */
    static PlannedAction proposed(String key, Action action, String namespace, String vmi, String vm, String targetUid,
                                  Target object, int attempt, String rule, Instant now) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, null, null, rule, null, null,
                now, null, null);
    }

    /** The name part of {@link #object()}: `kvr-db-1a2b3c4d` for `VirtualMachineInstanceMigration prod/kvr-db-1a2b3c4d`. */
    public String objectName() {
        return object.name();
    }

    PlannedAction decided(Decision d, String reason) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, d, reason, rule, dryRun, result,
                plannedAt, executedAt, followUp, change, anyLauncher);
    }

    PlannedAction withDryRun(DryRun d) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, decision, why, rule, d, result,
                plannedAt, executedAt, followUp, change, anyLauncher);
    }

    PlannedAction withResult(Result r, Instant at) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, decision, why, rule, dryRun, r,
                plannedAt, at, followUp, change, anyLauncher);
    }

    PlannedAction withFollowUp(FollowUp f) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, decision, why, rule, dryRun, result,
                plannedAt, executedAt, f, change, anyLauncher);
    }

    /** The plan says to write it, and it has not been written yet. */
    boolean pending() {
        return result == null && decision.executes();
    }

    boolean executed() {
        return result != null && result.outcome() != Outcome.FAILED;
    }

    /** The plan said to write it, and the process stopped before it knew whether the write happened. */
    boolean interruptedOrPending() {
        return result == null ? decision.executes() : result.outcome() == Outcome.INTERRUPTED;
    }
}

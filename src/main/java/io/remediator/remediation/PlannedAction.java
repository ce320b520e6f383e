package io.remediator.remediation;

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
 */
public record PlannedAction(
        String key,
        Action action,
        String namespace,
        String vmi,
        String vm,
        String targetUid,
        String object,
        int attempt,
        Decision decision,
        String why,
        String rule,
        DryRun dryRun,
        Result result,
        Instant plannedAt,
        Instant executedAt,
        String followUp) {

    /** @param code the API's HTTP status when it refused (403, 404, 409, 422, 429…), else null */
    public record DryRun(boolean accepted, Integer code, String message) {}

    /** @param outcome `done`, `already-done` (a 409 on create: a retry of our own request), `failed`, or
     *                `interrupted` (the process stopped during the write; the next pass finds out) */
    public record Result(String outcome, String message) {}

    /** The name part of {@link #object()}: `kvr-db-1a2b3c4d` for `VirtualMachineInstanceMigration prod/kvr-db-1a2b3c4d`. */
    public String objectName() {
        return object.substring(object.indexOf('/') + 1);
    }

    PlannedAction decided(Decision d, String reason) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, d, reason, rule, dryRun, result,
                plannedAt, executedAt, followUp);
    }

    PlannedAction withDryRun(DryRun d) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, decision, why, rule, d, result,
                plannedAt, executedAt, followUp);
    }

    PlannedAction withResult(Result r, Instant at) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, decision, why, rule, dryRun, r,
                plannedAt, at, followUp);
    }

    PlannedAction withFollowUp(String f) {
        return new PlannedAction(key, action, namespace, vmi, vm, targetUid, object, attempt, decision, why, rule, dryRun, result,
                plannedAt, executedAt, f);
    }

    boolean executed() {
        return result != null && !"failed".equals(result.outcome());
    }

    /** The plan said to write it, and the process stopped before it knew whether the write happened. */
    boolean interruptedOrPending() {
        return result == null ? decision.executes() : INTERRUPTED.equals(result.outcome());
    }

    static final String INTERRUPTED = "interrupted";
}

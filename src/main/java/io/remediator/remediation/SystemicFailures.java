package io.remediator.remediation;

import io.remediator.runbook.FailureSignature;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open rollout's systemic failure signatures (docs/migration-failures.md), applied to a plan:
 * no own live migration of a VMI whose last migration failed with one (it would fail the same
 * way: decision SYSTEMIC_FAILURE), and, unless the operator turned it off, a restart or stop of
 * such a VMI waits for an approval whatever the policy says (the fix may be a KubeVirt patch
 * release rather than hundreds of reboots). Pure.
 *
 * @param keys                       the systemic signatures' keys (`cpu:extra:ht`)
 * @param requireApprovalForRestarts `systemic.requireApprovalForRestarts`
 */
public record SystemicFailures(Set<String> keys, boolean requireApprovalForRestarts) {
    public static final SystemicFailures NONE = new SystemicFailures(Set.of(), true);

    public SystemicFailures {
        keys = Set.copyOf(keys);
    }

    List<PlannedAction> apply(List<PlannedAction> planned, OutdatedWorkloadsDiagnosis d) {
        if (keys.isEmpty()) {
            return planned;
        }
        Map<String, String> lastFailure = new HashMap<>();
        for (OutdatedVmi v : d.outdatedVmis()) {
            String reason = v.migrations() == null ? null : v.migrations().lastFailureReason();
            if (reason != null && !reason.isBlank()) {
                String key = FailureSignature.of(reason, false, null).key();
                if (keys.contains(key)) {
                    lastFailure.put(v.namespace() + "/" + v.name(), key);
                }
            }
        }
        return planned.stream().map(a -> {
            String key = a.vmi() == null ? null : lastFailure.get(a.namespace() + "/" + a.vmi());
            if (key == null) {
                return a;
            }
            if (a.action() == Action.LIVE_MIGRATE && a.decision() != Decision.NEVER) {
                return a.decided(Decision.SYSTEMIC_FAILURE, "its last migration failed with " + key
                        + ", which most migrations since the update fail with (systemic): another would fail the same way");
            }
            if ((a.action() == Action.RESTART || a.action() == Action.STOP) && a.decision() == Decision.RUN
                    && requireApprovalForRestarts) {
                return a.decided(Decision.AWAITING_APPROVAL, "planned because its migrations fail with the systemic "
                        + key + ": a restart for a systemic failure needs approval (systemic.requireApprovalForRestarts)"
                        + " — a KubeVirt fix may be the better remedy");
            }
            return a;
        }).toList();
    }
}

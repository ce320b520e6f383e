package io.remediator.remediation;

import io.remediator.runbook.Branch;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who plans the outdated VMIs while a rollout acts (`rollout.act: true`): one planner per VMI.
 * The rollout's own report plans them, inside the rollout's limits; an alert's report for the
 * same rollout plans nothing. Pure: applied to a pass's plan before anything is proven.
 */
public sealed interface RolloutScope {
    /** No rollout acts: the report plans as always. */
    record None() implements RolloutScope {}

    /** The rollout {@code rollout}'s report {@code report} plans these VMIs: this report plans nothing. */
    record OwnedBy(String rollout, String report) implements RolloutScope {}

    /**
     * This is the rollout's own report: disruptive actions wait until {@code disruptiveFrom}
     * (T0 + `rollout.actAfter`), and a VMI KubeVirt is moving or will update is left to KubeVirt.
     */
    record ActingFor(String rollout, Instant disruptiveFrom) implements RolloutScope {}

    RolloutScope NONE = new None();

    /** The branches of the VMIs KubeVirt's updater is moving or will update on its own. */
    Set<Branch> KUBEVIRT_UPDATES = Set.of(Branch.MIGRATION_IN_FLIGHT, Branch.STARTING, Branch.KUBEVIRT_WILL_MIGRATE,
            Branch.KUBEVIRT_WILL_EVICT);

    /** The plan under this scope, at {@code now}. */
    static List<PlannedAction> apply(RolloutScope scope, List<PlannedAction> planned, OutdatedWorkloadsDiagnosis d,
                                     Instant now) {
        if (scope instanceof OwnedBy o) {
            return planned.stream().map(a -> a.decided(Decision.OWNED_BY_ROLLOUT, "the rollout " + o.rollout()
                    + " acts on the outdated VMIs (rollout.act: true); its report " + o.report()
                    + " plans them: one planner per VMI")).toList();
        }
        if (!(scope instanceof ActingFor acting)) {
            return planned;
        }
        Map<String, Branch> branches = new HashMap<>();
        for (OutdatedVmi v : d.outdatedVmis()) {
            branches.put(v.namespace() + "/" + v.name(), v.branch());
        }
        return planned.stream().map(a -> {
            Branch b = a.vmi() == null ? null : branches.get(a.namespace() + "/" + a.vmi());
            if (b != null && KUBEVIRT_UPDATES.contains(b) && a.decision() != Decision.NEVER) {
                return a.decided(Decision.LEFT_TO_KUBEVIRT, "KubeVirt's workload updater moves or will update this VMI ("
                        + b + "): the rollout leaves it to KubeVirt");
            }
            if (a.action().disruptive() && (a.decision() == Decision.RUN || a.decision() == Decision.APPROVED)
                    && now.isBefore(acting.disruptiveFrom())) {
                return a.decided(Decision.ROLLOUT_ACT_AFTER, "the rollout's disruptive actions wait until "
                        + acting.disruptiveFrom() + " (rollout.actAfter after the control plane completed): KubeVirt"
                        + " moves what it can first");
            }
            return a;
        }).toList();
    }
}

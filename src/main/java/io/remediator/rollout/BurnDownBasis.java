package io.remediator.rollout;

import io.remediator.runbook.Branch;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The last full diagnosis's branch per outdated VMI (`ns/name`): between full looks, the burn-down
 * follows VMIs leaving the outdated set from the cache's keys alone (next-capabilities §1.3: the
 * counts within a second or two of KubeVirt), without classifying 10,000 VMIs again. Pure.
 *
 * @param pendingLiveUpdate the pending-live-update VMIs the diagnosis counted (kept as they were)
 */
public record BurnDownBasis(Map<String, Branch> branches, int pendingLiveUpdate) {
    public BurnDownBasis {
        branches = Map.copyOf(branches);
    }

    public static BurnDownBasis of(OutdatedWorkloadsDiagnosis d) {
        Map<String, Branch> branches = new HashMap<>();
        for (OutdatedVmi v : d.outdatedVmis()) {
            branches.put(v.namespace() + "/" + v.name(), v.branch());
        }
        return new BurnDownBasis(branches, d.pendingLiveUpdateVmis().size());
    }

    /**
     * The burn-down of the VMIs outdated now, each in the group it had; empty when one of them was
     * not in the last diagnosis (a VMI newly outdated needs classifying: a full look).
     */
    public Optional<BurnDown> counts(Set<String> outdatedNow) {
        Map<RolloutGroup, Integer> groups = new EnumMap<>(RolloutGroup.class);
        int migrate = 0;
        int evict = 0;
        for (String key : outdatedNow) {
            Branch b = branches.get(key);
            if (b == null) {
                return Optional.empty();
            }
            groups.merge(RolloutGroup.of(b), 1, Integer::sum);
            migrate += b == Branch.KUBEVIRT_WILL_MIGRATE ? 1 : 0;
            evict += b == Branch.KUBEVIRT_WILL_EVICT ? 1 : 0;
        }
        groups.merge(RolloutGroup.PENDING_LIVE_UPDATE, pendingLiveUpdate, Integer::sum);
        return Optional.of(new BurnDown(groups, migrate, evict));
    }
}

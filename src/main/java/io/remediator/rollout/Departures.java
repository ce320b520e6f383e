package io.remediator.rollout;

import io.remediator.kubevirt.VirtualMachine;
import io.remediator.runbook.Branch;
import io.remediator.runbook.OutdatedVmi;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * The outdated VMIs of the last look, so the next one can tell which left and how. Only the
 * leader's memory: a new leader's first look starts the comparison (VMIs that left while no
 * replica led are not counted by how; the record's counts from before are kept).
 */
public final class Departures {
    /** A VMI as the last look saw it. */
    record Seen(String namespace, String name, String vm, Branch branch) {}

    private Map<String, Seen> last;

    /**
     * @param migrated whether a migration of the VMI (namespace, name) succeeded since T0
     * @param vm       the VM (namespace, name) now, empty when there is none
     * @return how many left since the last call, by how (nothing on the first call)
     */
    public Map<CompletedHow, Integer> update(List<OutdatedVmi> now, BiPredicate<String, String> migrated,
                                             BiFunction<String, String, Optional<VirtualMachine>> vm) {
        Map<String, Seen> current = new HashMap<>();
        for (OutdatedVmi v : now) {
            current.put(key(v), new Seen(v.namespace(), v.name(), v.vm(), v.branch()));
        }
        Map<CompletedHow, Integer> left = new EnumMap<>(CompletedHow.class);
        if (last != null) {
            for (Map.Entry<String, Seen> e : last.entrySet()) {
                if (current.containsKey(e.getKey())) {
                    continue;
                }
                Seen s = e.getValue();
                CompletedHow how = CompletedHow.of(s.branch(), migrated.test(s.namespace(), s.name()),
                        s.vm() == null ? Optional.empty() : vm.apply(s.namespace(), s.vm()));
                left.merge(how, 1, Integer::sum);
            }
        }
        last = current;
        return left;
    }

    /** A new rollout starts its own comparison. */
    public void reset() {
        last = null;
    }

    private static String key(OutdatedVmi v) {
        return v.uid() != null ? v.uid() : v.namespace() + "/" + v.name();
    }
}

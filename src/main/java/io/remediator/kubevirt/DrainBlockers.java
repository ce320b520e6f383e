package io.remediator.kubevirt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VMIs that hold up a drain right now: on a node being drained (cordoned, KubeVirt's drain
 * taint or the unschedulable taint), each one KubeVirt's eviction webhook refuses. Pure.
 *
 * <p>A VMI refuses eviction exactly when KubeVirt's `kubevirt_vmi_non_evictable` is 1 for it
 * (v1.9.0 pkg/monitoring/metrics/virt-controller/vmistats_collector.go:349-374): its eviction
 * strategy (its own, else the cluster's) is LiveMigrate and its LiveMigratable condition is not
 * True (an unset condition counts as not migratable: "we refer to be conservative"). The alert
 * only counts running VMIs (`kubevirt_vmi_info{phase='running'}`), and so does this.
 *
 * @param node the node's name
 * @param mark why a drain waits on it ({@link ClusterNode#drainMark})
 * @param vmis the VMIs on it that refuse eviction, by namespace and name
 */
public record DrainBlockers(String node, String mark, List<VirtualMachineInstance> vmis) {
    public DrainBlockers {
        vmis = List.copyOf(vmis);
    }

    /** True when KubeVirt refuses to evict this VMI: what `kubevirt_vmi_non_evictable` counts. */
    public static boolean refusesEviction(VirtualMachineInstance vmi, String clusterDefaultStrategy) {
        String strategy = vmi.evictionStrategy() != null ? vmi.evictionStrategy() : clusterDefaultStrategy;
        return "Running".equals(vmi.phase()) && !vmi.deleting() && "LiveMigrate".equals(strategy)
                && !vmi.condition("LiveMigratable").map(c -> "True".equalsIgnoreCase(c.status())).orElse(false);
    }

    /**
     * Every node being drained that has at least one such VMI, by node name; a drained node
     * without one holds nothing up and is left out.
     */
    public static List<DrainBlockers> find(Collection<ClusterNode> nodes, Collection<VirtualMachineInstance> vmis,
                                           String drainTaintKey, String clusterDefaultStrategy) {
        Map<String, String> draining = new LinkedHashMap<>();
        nodes.stream().sorted(Comparator.comparing(ClusterNode::name)).forEach(n -> {
            String mark = n.drainMark(drainTaintKey);
            if (mark != null) {
                draining.put(n.name(), mark);
            }
        });
        Map<String, List<VirtualMachineInstance>> on = new LinkedHashMap<>();
        for (VirtualMachineInstance v : vmis) {
            if (v.nodeName() != null && draining.containsKey(v.nodeName()) && refusesEviction(v, clusterDefaultStrategy)) {
                on.computeIfAbsent(v.nodeName(), k -> new ArrayList<>()).add(v);
            }
        }
        List<DrainBlockers> out = new ArrayList<>();
        draining.forEach((node, mark) -> {
            List<VirtualMachineInstance> here = on.get(node);
            if (here != null) {
                here.sort(Comparator.comparing(VirtualMachineInstance::namespace).thenComparing(VirtualMachineInstance::name));
                out.add(new DrainBlockers(node, mark, here));
            }
        });
        return out;
    }
}

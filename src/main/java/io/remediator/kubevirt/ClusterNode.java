package io.remediator.kubevirt;

import java.util.List;
import java.util.Map;

/**
 * A node as the rollout (and later the pre-flight and drain checks) read it: whether it can take
 * VMs and how KubeVirt marked it.
 *
 * @param kvm           its allocatable `devices.kubevirt.io/kvm` (virt-handler's device plugin
 *                      advertises it on every node that can run a VM with KVM), 0 when absent
 * @param unschedulable `spec.unschedulable`: cordoned
 * @param taintKeys     the keys of its taints
 */
public record ClusterNode(String name, long kvm, boolean unschedulable, Map<String, String> labels,
                          List<String> taintKeys) {
    public static final String KVM_RESOURCE = "devices.kubevirt.io/kvm";

    public ClusterNode {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        taintKeys = taintKeys == null ? List.of() : List.copyOf(taintKeys);
    }

    /** The taint the node lifecycle controller puts on a cordoned node. */
    public static final String UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";

    /**
     * Why a drain is waiting on this node now, or null: cordoned, KubeVirt's drain taint
     * (`spec.configuration.migrations.nodeDrainTaintKey`), or the unschedulable taint.
     */
    public String drainMark(String drainTaintKey) {
        if (unschedulable) {
            return "node " + name + " is cordoned (spec.unschedulable)";
        }
        if (taintKeys.contains(drainTaintKey)) {
            return "node " + name + " carries KubeVirt's drain taint " + drainTaintKey;
        }
        if (taintKeys.contains(UNSCHEDULABLE_TAINT)) {
            return "node " + name + " carries " + UNSCHEDULABLE_TAINT;
        }
        return null;
    }

    /** It can take a migrating VM now: KVM advertised and not cordoned. */
    public boolean takesVms() {
        return kvm > 0 && !unschedulable;
    }
}

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
 * @param machineConfig OpenShift's MachineConfig daemon's node annotations ({@link #MCO_STATE},
 *                      {@link #MCO_CURRENT}, {@link #MCO_DESIRED}) when present; empty elsewhere
 * @param ready         its `Ready` condition: true, false (False or Unknown), or null when it has none
 * @param noSchedule    the keys of its `NoSchedule` and `NoExecute` taints: no launcher pod lands there
 */
public record ClusterNode(String name, long kvm, boolean unschedulable, Map<String, String> labels,
                          List<String> taintKeys, Map<String, String> machineConfig, Boolean ready,
                          List<String> noSchedule) {
    public ClusterNode(String name, long kvm, boolean unschedulable, Map<String, String> labels, List<String> taintKeys,
                       Map<String, String> machineConfig) {
        this(name, kvm, unschedulable, labels, taintKeys, machineConfig, null, List.of());
    }

    /** `Working` while the MachineConfig daemon drains and updates the node (`Done` after). */
    public static final String MCO_STATE = "machineconfiguration.openshift.io/state";
    public static final String MCO_CURRENT = "machineconfiguration.openshift.io/currentConfig";
    public static final String MCO_DESIRED = "machineconfiguration.openshift.io/desiredConfig";
    public static final java.util.Set<String> MCO_ANNOTATIONS = java.util.Set.of(MCO_STATE, MCO_CURRENT, MCO_DESIRED);

    public ClusterNode(String name, long kvm, boolean unschedulable, Map<String, String> labels, List<String> taintKeys) {
        this(name, kvm, unschedulable, labels, taintKeys, Map.of());
    }

    public static final String KVM_RESOURCE = "devices.kubevirt.io/kvm";

    public ClusterNode {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        taintKeys = taintKeys == null ? List.of() : List.copyOf(taintKeys);
        machineConfig = machineConfig == null ? Map.of() : Map.copyOf(machineConfig);
        noSchedule = noSchedule == null ? List.of() : List.copyOf(noSchedule);
    }

    /**
     * The MachineConfig operator is updating this node (OpenShift): its daemon is `Working` towards a
     * desired config other than the current one, and drains the node first; null elsewhere.
     */
    public String machineConfigUpdate() {
        String desired = machineConfig.get(MCO_DESIRED);
        if ("Working".equals(machineConfig.get(MCO_STATE)) && desired != null
                && !desired.equals(machineConfig.get(MCO_CURRENT))) {
            return "the MachineConfig operator is updating it to " + desired + " (from " + machineConfig.get(MCO_CURRENT)
                    + ")";
        }
        return null;
    }

    /** The taint the node lifecycle controller puts on a cordoned node. */
    public static final String UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";

    /**
     * Why a drain is waiting on this node now, or null: cordoned, KubeVirt's drain taint
     * (`spec.configuration.migrations.nodeDrainTaintKey`), the unschedulable taint, or (OpenShift)
     * the MachineConfig daemon working towards a new config, which drains before it updates.
     */
    public String drainMark(String drainTaintKey) {
        String mco = machineConfigUpdate();
        if (unschedulable) {
            return "node " + name + " is cordoned (spec.unschedulable)" + (mco == null ? "" : ": " + mco);
        }
        if (mco != null) {
            return "node " + name + " is being drained: " + mco;
        }
        if (taintKeys.contains(drainTaintKey)) {
            return "node " + name + " carries KubeVirt's drain taint " + drainTaintKey;
        }
        if (taintKeys.contains(UNSCHEDULABLE_TAINT)) {
            return "node " + name + " carries " + UNSCHEDULABLE_TAINT;
        }
        return null;
    }

    /**
     * It can take a migrating VM now: KVM advertised, not cordoned, not known to be not Ready, and
     * no taint that keeps new pods off (a launcher tolerates none of them; KubeVirt's drain taint is one).
     */
    public boolean takesVms() {
        return kvm > 0 && !unschedulable && !Boolean.FALSE.equals(ready) && noSchedule.isEmpty();
    }

    /**
     * Why a KVM node cannot take VMs now, or null (pre-flight's NODES gate): cordoned, not Ready, or
     * tainted NoSchedule/NoExecute.
     */
    public String unavailable() {
        if (kvm <= 0) {
            return null;
        }
        List<String> why = new java.util.ArrayList<>();
        if (unschedulable) {
            why.add("cordoned");
        }
        if (Boolean.FALSE.equals(ready)) {
            why.add("not Ready");
        }
        noSchedule.stream().filter(k -> !(unschedulable && UNSCHEDULABLE_TAINT.equals(k)))
                .forEach(k -> why.add("tainted " + k));
        return why.isEmpty() ? null : name + " (" + String.join(", ", why) + ")";
    }
}

package io.remediator.kubevirt;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a VMI the runbooks read.
 *
 * @param deleting         the VMI has a deletionTimestamp
 * @param evictionStrategy `spec.evictionStrategy`, null when unset (the cluster default applies)
 * @param vm               the VirtualMachine named in its controller owner reference, or null
 * @param labels           all its labels; annotations only those the service reads
 * @param ownerKind        the kind of its controller owner (VirtualMachine, VirtualMachineInstanceReplicaSet,
 *                         VirtualMachinePool…), or null when nothing owns it
 * @param evacuationNodeName `status.evacuationNodeName`: KubeVirt's eviction webhook marked it for
 *                         evacuation off that node (pod-eviction-admitter.go:185-217), or null
 * @param activePods       `status.activePods`: KubeVirt's own list of its active launcher pods, pod UID
 *                         to node ("possible for multiple pods … during migration", types.go:303-305)
 * @param migrationState   the parts of `status.migrationState` that say whether a hand-off is under
 *                         way, or null when it has none
 */
public record VirtualMachineInstance(
        String namespace,
        String name,
        String uid,
        Instant createdAt,
        boolean deleting,
        String phase,
        String nodeName,
        List<Condition> conditions,
        String evictionStrategy,
        String vm,
        Map<String, String> labels,
        Map<String, String> annotations,
        String ownerKind,
        String evacuationNodeName,
        Map<String, String> activePods,
        MigrationState migrationState) {

    /**
     * @param completed the hand-off finished (succeeded or failed: KubeVirt sets both then)
     */
    public record MigrationState(String migrationUid, boolean completed, boolean failed, String sourcePod,
                                 String targetPod) {}

    public VirtualMachineInstance {
        activePods = activePods == null ? Map.of() : Map.copyOf(activePods);
    }

    /** Without KubeVirt's active pods or a migration state. */
    public VirtualMachineInstance(String namespace, String name, String uid, Instant createdAt, boolean deleting,
                                  String phase, String nodeName, List<Condition> conditions, String evictionStrategy,
                                  String vm, Map<String, String> labels, Map<String, String> annotations, String ownerKind,
                                  String evacuationNodeName) {
        this(namespace, name, uid, createdAt, deleting, phase, nodeName, conditions, evictionStrategy, vm, labels,
                annotations, ownerKind, evacuationNodeName, Map.of(), null);
    }

    /** A migration hand-off is under way: its state is there and not completed. */
    public boolean handingOff() {
        return migrationState != null && !migrationState.completed();
    }

    /** Without the owner's kind or an evacuation mark: a VM-owned VMI when {@code vm} is set. */
    public VirtualMachineInstance(String namespace, String name, String uid, Instant createdAt, boolean deleting,
                                  String phase, String nodeName, List<Condition> conditions, String evictionStrategy,
                                  String vm, Map<String, String> labels, Map<String, String> annotations) {
        this(namespace, name, uid, createdAt, deleting, phase, nodeName, conditions, evictionStrategy, vm, labels,
                annotations, vm == null ? null : "VirtualMachine", null);
    }

    /** KubeVirt's PausedByUser condition (types.go:701): the guest is paused and its phase stays Running. */
    public boolean paused() {
        return condition("Paused").map(c -> "True".equals(c.status())).orElse(false);
    }

    public record Condition(String type, String status, String reason, String message) {}

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
    }

    /** KubeVirt labelled it: its launcher's image is not the current one. */
    public boolean outdated() {
        return labels.containsKey(KubeVirtResources.OUTDATED_LABEL);
    }

    /**
     * The condition that makes KubeVirt's workload updater count it and migrate it although its
     * launcher is current (a CPU or memory hot-plug, a volume change): `doesRequireMigration`,
     * workload-updater.go:320-347. Such VMIs carry no outdated label, but the alert's metric counts
     * them. Null when there is none.
     */
    public String pendingLiveUpdate() {
        for (Condition c : conditions) {
            boolean pending = switch (c.type()) {
                case "HotVCPUChange" -> true;
                case "HotMemoryChange", "MigrationRequired", "VolumesChange" -> "True".equals(c.status());
                default -> false;
            };
            if (pending) {
                return c.type();
            }
        }
        return null;
    }
}

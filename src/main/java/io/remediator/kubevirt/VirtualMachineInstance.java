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
        Map<String, String> annotations) {

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

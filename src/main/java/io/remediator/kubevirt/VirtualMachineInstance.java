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
}

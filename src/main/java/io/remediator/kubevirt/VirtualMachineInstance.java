package io.remediator.kubevirt;

import java.util.List;
import java.util.Optional;

/** The parts of a VMI the runbooks read. */
public record VirtualMachineInstance(
        String namespace,
        String name,
        String uid,
        String phase,
        String nodeName,
        List<Condition> conditions) {

    public record Condition(String type, String status, String reason, String message) {}

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
    }
}

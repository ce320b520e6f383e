package io.remediator.remediation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * The object an action writes (or, for an eviction, the pod it evicts). Stored and served as the
 * one string an operator reads and pastes into kubectl: `VirtualMachineInstanceMigration prod/kvr-db-1a2b3c4d`.
 * (The UID an approval binds to is the VMI's, {@link PlannedAction#targetUid()}: the written object
 * of a migration does not exist yet when the plan is approved.)
 */
public record Target(String kind, String namespace, String name) {
    public Target {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    @JsonCreator
    public static Target parse(String text) {
        int space = text.indexOf(' ');
        int slash = text.indexOf('/', space + 1);
        if (space <= 0 || slash < 0) {
            throw new IllegalArgumentException("not `Kind namespace/name`: " + text);
        }
        return new Target(text.substring(0, space), text.substring(space + 1, slash), text.substring(slash + 1));
    }

    @JsonValue
    @Override
    public String toString() {
        return kind + " " + namespace + "/" + name;
    }
}

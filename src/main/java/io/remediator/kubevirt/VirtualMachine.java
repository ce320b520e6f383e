package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;

/**
 * The parts of a VirtualMachine that decide what happens to its VMI.
 *
 * @param runStrategy `spec.runStrategy` as written, or null
 * @param running     the deprecated `spec.running`, or null
 */
public record VirtualMachine(String namespace, String name, String runStrategy, Boolean running,
                             Map<String, String> labels, Map<String, String> annotations) {

    /** Reads one as the API server returns it. */
    public static VirtualMachine from(GenericKubernetesResource r) {
        return KubeVirtRecords.vm(r);
    }

    /** The run strategy KubeVirt applies: `spec.running: true` acts as Always, false as Halted. */
    public String effectiveRunStrategy() {
        if (runStrategy != null) {
            return runStrategy;
        }
        if (running == null) {
            return null;
        }
        return running ? "Always" : "Halted";
    }

    /** Whether KubeVirt starts a new VMI (in an up-to-date launcher) when the current one goes away. */
    public boolean recreatesVmi() {
        String s = effectiveRunStrategy();
        return "Always".equals(s) || "RerunOnFailure".equals(s);
    }

    public boolean usesDeprecatedRunning() {
        return runStrategy == null && running != null;
    }
}

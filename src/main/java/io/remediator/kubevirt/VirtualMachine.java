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

    /**
     * Whether KubeVirt's VM controller starts a new VMI (in an up-to-date launcher) after someone
     * deletes the current one: only Always (vm.go:979-1037). RerunOnFailure does not after a
     * user's delete (vm.go:1039-1085); Once does, but the restart subresource refuses Once, so
     * this service never relies on it.
     */
    public boolean recreatesVmi() {
        return "Always".equals(effectiveRunStrategy());
    }

    /**
     * Whether KubeVirt's restart (`virtctl restart`, the `virtualmachines/restart` subresource)
     * restarts it: Always, Manual and RerunOnFailure; it refuses Halted and Once with 409
     * (rest/lifecycle.go:438-441).
     */
    public boolean restartable() {
        String s = effectiveRunStrategy();
        return "Always".equals(s) || "Manual".equals(s) || "RerunOnFailure".equals(s);
    }

    public boolean usesDeprecatedRunning() {
        return runStrategy == null && running != null;
    }
}

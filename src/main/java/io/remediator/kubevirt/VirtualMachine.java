package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;

/**
 * The parts of a VirtualMachine that decide what happens to its VMI.
 *
 * @param runStrategy `spec.runStrategy` as written, or null
 * @param running     the deprecated `spec.running`, or null
 * @param restartRequired its condition RestartRequired is True (types.go:2340-2341): spec changes wait
 *                    for the next restart, and any restart applies them
 */
public record VirtualMachine(String namespace, String name, String runStrategy, Boolean running,
                             Map<String, String> labels, Map<String, String> annotations, boolean restartRequired) {

    public VirtualMachine(String namespace, String name, String runStrategy, Boolean running,
                          Map<String, String> labels, Map<String, String> annotations) {
        this(namespace, name, runStrategy, running, labels, annotations, false);
    }

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
     * deletes the current one: Always (vm.go:979-1037). RerunOnFailure does not after a user's
     * delete (vm.go:1039-1085).
     */
    public boolean recreatesVmi() {
        return "Always".equals(effectiveRunStrategy());
    }

    /**
     * Run strategy Once: KubeVirt's restart refuses it (409, rest/lifecycle.go:438-441), but its VM
     * controller starts a fresh VMI when the current one is deleted (vm.go:1140-1148), and a stop
     * rewrites Once to Halted (lifecycle.go:238-245), which a later start turns into Always
     * (vm.go:1115-1130). Deleting the VMI is therefore the restart of a Once VM.
     */
    public boolean once() {
        return "Once".equals(effectiveRunStrategy());
    }

    /**
     * Run strategy WaitAsReceiver (decentralized live migration, v1.7.0+): KubeVirt's stop has no
     * case for it and answers 202 having done nothing (rest/lifecycle.go:211-246); its VM
     * controller keeps it a receiver (vm.go:1150-1174).
     */
    public boolean waitsAsReceiver() {
        return "WaitAsReceiver".equals(effectiveRunStrategy());
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

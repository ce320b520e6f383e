package io.remediator.kubevirt;

import java.time.Instant;

/**
 * A virt-launcher pod; `vmiUid` comes from its `kubevirt.io/created-by` label.
 *
 * @param terminating it has a deletionTimestamp
 * @param vmiName     the VirtualMachineInstance its controller ownerReference names, null when none
 * @param createdAt   its creationTimestamp
 */
public record LauncherPod(String namespace, String name, String vmiUid, String nodeName, String phase,
                          boolean terminating, String vmiName, Instant createdAt) {
    public LauncherPod(String namespace, String name, String vmiUid, String nodeName, String phase, boolean terminating) {
        this(namespace, name, vmiUid, nodeName, phase, terminating, null, null);
    }

    /** KubeVirt counts it as one of the VMI's active pods: not terminating, not Succeeded or Failed (controller.go:361-383). */
    public boolean active() {
        return !terminating && ("Pending".equals(phase) || "Running".equals(phase) || "Unknown".equals(phase));
    }
}

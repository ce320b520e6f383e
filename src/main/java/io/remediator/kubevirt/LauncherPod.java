package io.remediator.kubevirt;

/**
 * A virt-launcher pod; `vmiUid` comes from its `kubevirt.io/created-by` label.
 *
 * @param terminating it has a deletionTimestamp
 */
public record LauncherPod(String namespace, String name, String vmiUid, String nodeName, String phase,
                          boolean terminating) {}

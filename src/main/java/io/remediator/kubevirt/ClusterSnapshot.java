package io.remediator.kubevirt;

import java.util.List;
import java.util.Set;

/**
 * Everything one diagnosis reads, taken at one moment from the watch-backed caches.
 *
 * @param outdatedVmis          VMIs labelled {@link KubeVirtResources#OUTDATED_LABEL}, all namespaces
 * @param selectedNamespaces    namespaces matching the configured namespace label selector, or null
 *                              when no selector is configured
 */
public record ClusterSnapshot(
        List<KubeVirtInstallation> kubeVirts,
        List<VirtualMachineInstance> outdatedVmis,
        List<VirtualMachine> vms,
        List<VirtualMachineInstanceMigration> migrations,
        List<LauncherPod> launcherPods,
        Set<String> selectedNamespaces) {}

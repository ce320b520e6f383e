package io.remediator.kubevirt;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one diagnosis reads, taken at one moment from the watch-backed caches.
 *
 * @param outdatedVmis          VMIs labelled {@link KubeVirtResources#OUTDATED_LABEL}, all namespaces
 * @param liveUpdateVmis        unlabelled VMIs waiting for a hot-plug or volume-change migration
 *                              ({@link VirtualMachineInstance#pendingLiveUpdate()}): the alert counts them too
 * @param hyperConverged        the HyperConverged owning the KubeVirt CR, or null (none, or not readable)
 * @param migrationFailures     the latest `FailedMigration` event message per migration (`ns/name`)
 * @param readProblems          what could not be read, in the API's words; the diagnosis reports them
 * @param selectedNamespaces    namespaces matching the configured namespace label selector, or null
 *                              when no selector is configured
 * @param evictionFailures      KubeVirt's `FailedEvict` Events per VMI (`ns/name`)
 * @param disruptionBudgets     the PodDisruptionBudgets in namespaces with outdated VMIs
 * @param migrationPolicies     KubeVirt's MigrationPolicies
 * @param namespaceLabels       every namespace's labels (MigrationPolicies select by them); empty when
 *                              no MigrationPolicy selects by namespace
 * @param evacuationSeenSince   per VMI UID, when this service first saw its `status.evacuationNodeName`
 *                              (KubeVirt records no time for it)
 * @param takenAt               when the snapshot was taken (a grace is measured against it), null in fixtures
 * @param twoPodVmis            VMIs, outdated or not, whose `status.activePods` lists two or more pods
 *                              (the dual-launcher rule reads their migration state)
 */
public record ClusterSnapshot(
        List<KubeVirtInstallation> kubeVirts,
        List<VirtualMachineInstance> outdatedVmis,
        List<VirtualMachineInstance> liveUpdateVmis,
        List<VirtualMachine> vms,
        List<VirtualMachineInstanceMigration> migrations,
        List<LauncherPod> launcherPods,
        HyperConverged hyperConverged,
        Map<String, String> migrationFailures,
        List<String> readProblems,
        Set<String> selectedNamespaces,
        Map<String, EvictionFailure> evictionFailures,
        List<DisruptionBudget> disruptionBudgets,
        List<MigrationPolicy> migrationPolicies,
        Map<String, Map<String, String>> namespaceLabels,
        Map<String, java.time.Instant> evacuationSeenSince,
        java.time.Instant takenAt,
        List<VirtualMachineInstance> twoPodVmis) {

    public ClusterSnapshot {
        twoPodVmis = twoPodVmis == null ? List.of() : List.copyOf(twoPodVmis);
    }

    public ClusterSnapshot(List<KubeVirtInstallation> kubeVirts, List<VirtualMachineInstance> outdatedVmis,
                           List<VirtualMachineInstance> liveUpdateVmis, List<VirtualMachine> vms,
                           List<VirtualMachineInstanceMigration> migrations, List<LauncherPod> launcherPods,
                           HyperConverged hyperConverged, Map<String, String> migrationFailures, List<String> readProblems,
                           Set<String> selectedNamespaces, Map<String, EvictionFailure> evictionFailures,
                           List<DisruptionBudget> disruptionBudgets, List<MigrationPolicy> migrationPolicies,
                           Map<String, Map<String, String>> namespaceLabels, Map<String, java.time.Instant> evacuationSeenSince,
                           java.time.Instant takenAt) {
        this(kubeVirts, outdatedVmis, liveUpdateVmis, vms, migrations, launcherPods, hyperConverged, migrationFailures,
                readProblems, selectedNamespaces, evictionFailures, disruptionBudgets, migrationPolicies, namespaceLabels,
                evacuationSeenSince, takenAt, List.of());
    }

    public ClusterSnapshot(List<KubeVirtInstallation> kubeVirts, List<VirtualMachineInstance> outdatedVmis,
                           List<VirtualMachineInstance> liveUpdateVmis, List<VirtualMachine> vms,
                           List<VirtualMachineInstanceMigration> migrations, List<LauncherPod> launcherPods,
                           HyperConverged hyperConverged, Map<String, String> migrationFailures, List<String> readProblems,
                           Set<String> selectedNamespaces, Map<String, EvictionFailure> evictionFailures,
                           List<DisruptionBudget> disruptionBudgets, List<MigrationPolicy> migrationPolicies,
                           Map<String, Map<String, String>> namespaceLabels, Map<String, java.time.Instant> evacuationSeenSince) {
        this(kubeVirts, outdatedVmis, liveUpdateVmis, vms, migrations, launcherPods, hyperConverged, migrationFailures,
                readProblems, selectedNamespaces, evictionFailures, disruptionBudgets, migrationPolicies, namespaceLabels,
                evacuationSeenSince, null);
    }

    public ClusterSnapshot(List<KubeVirtInstallation> kubeVirts, List<VirtualMachineInstance> outdatedVmis,
                           List<VirtualMachineInstance> liveUpdateVmis, List<VirtualMachine> vms,
                           List<VirtualMachineInstanceMigration> migrations, List<LauncherPod> launcherPods,
                           HyperConverged hyperConverged, Map<String, String> migrationFailures,
                           List<String> readProblems, Set<String> selectedNamespaces) {
        this(kubeVirts, outdatedVmis, liveUpdateVmis, vms, migrations, launcherPods, hyperConverged, migrationFailures,
                readProblems, selectedNamespaces, Map.of(), List.of(), List.of(), Map.of(), Map.of());
    }

    /** The older shape, for callers that read only KubeVirt's own kinds. */
    public ClusterSnapshot(List<KubeVirtInstallation> kubeVirts, List<VirtualMachineInstance> outdatedVmis,
                           List<VirtualMachine> vms, List<VirtualMachineInstanceMigration> migrations,
                           List<LauncherPod> launcherPods, Set<String> selectedNamespaces) {
        this(kubeVirts, outdatedVmis, List.of(), vms, migrations, launcherPods, null, Map.of(), List.of(),
                selectedNamespaces);
    }
}

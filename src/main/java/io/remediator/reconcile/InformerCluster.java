package io.remediator.reconcile;

import io.remediator.kubevirt.ClusterNode;
import io.remediator.kubevirt.KubeVirtInformers;
import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.kubevirt.VirtualMachine;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** What the rollout watch reads of the cluster, from the leader's caches. */
final class InformerCluster implements RolloutWatch.Cluster {
    private final KubeVirtInformers informers;
    private final Supplier<Set<String>> routedNamespaces;

    InformerCluster(KubeVirtInformers informers, Supplier<Set<String>> routedNamespaces) {
        this.informers = informers;
        this.routedNamespaces = routedNamespaces;
    }

    @Override
    public KubeVirtInstallation kubeVirt() {
        return informers.kubeVirt();
    }

    @Override
    public List<VirtualMachineInstanceMigration> migrations() {
        return informers.migrations();
    }

    @Override
    public Map<String, String> failedMigrationMessages() {
        return informers.failedMigrationMessages();
    }

    @Override
    public int failedLauncherPods() {
        return informers.failedLauncherPods();
    }

    @Override
    public int kvmNodes() {
        return (int) informers.nodes(new ArrayList<>()).stream().filter(ClusterNode::takesVms).count();
    }

    @Override
    public Optional<VirtualMachine> vm(String namespace, String name) {
        return informers.vm(namespace, name);
    }

    @Override
    public Set<String> backoffVmis() {
        return informers.backoffVmis();
    }

    @Override
    public Set<String> outdatedVmiKeys() {
        return informers.outdatedVmiKeys();
    }

    @Override
    public Set<String> routedNamespaces() {
        return routedNamespaces.get();
    }
}

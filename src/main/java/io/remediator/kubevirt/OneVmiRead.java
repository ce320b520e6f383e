package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What `explain vmi` reads, with the caller's own credentials and no cache: the one VMI, the VMs,
 * migrations and launcher pods of its namespace, the KubeVirt CRs (and the HyperConverged managing
 * one), the namespace's PodDisruptionBudgets and labels, and the MigrationPolicies. Only GETs and
 * LISTs. The snapshot holds the VMI as if it were outdated, so the runbook says what KubeVirt's next
 * update does to it, as the pre-flight does for every VMI.
 *
 * @param wasOutdated whether it carries `kubevirt.io/outdatedLauncherImage` now
 * @param namespace   the namespace's labels and annotations as read
 */
public record OneVmiRead(ClusterSnapshot snapshot, VirtualMachineInstance vmi, boolean wasOutdated,
                         io.fabric8.kubernetes.api.model.Namespace namespace) {

    /** @return empty when there is no such VMI */
    public static Optional<OneVmiRead> of(KubernetesClient client, String namespace, String name) {
        GenericKubernetesResource raw = client.genericKubernetesResources(KubeVirtResources.VMI).inNamespace(namespace)
                .withName(name).get();
        if (raw == null) {
            return Optional.empty();
        }
        Map<String, String> labels = new HashMap<>(raw.getMetadata().getLabels() == null ? Map.of()
                : raw.getMetadata().getLabels());
        boolean outdated = labels.containsKey(KubeVirtResources.OUTDATED_LABEL);
        // In memory only: the runbook classifies it as KubeVirt's updater would once it is outdated.
        labels.putIfAbsent(KubeVirtResources.OUTDATED_LABEL, "");
        raw.getMetadata().setLabels(labels);
        VirtualMachineInstance vmi = KubeVirtRecords.vmi(raw);
        List<String> problems = new ArrayList<>();
        List<KubeVirtInstallation> kubeVirts = client.genericKubernetesResources(KubeVirtResources.KUBEVIRT).inAnyNamespace()
                .list().getItems().stream().map(KubeVirtRecords::kubeVirt).toList();
        KubeVirtInstallation kv = KubeVirtInstallation.effective(kubeVirts);
        HyperConverged hc = null;
        if (kv != null && kv.managedBy() != null) {
            try {
                GenericKubernetesResource h = client.genericKubernetesResources(KubeVirtResources.HYPERCONVERGED)
                        .inNamespace(kv.managedBy().namespace()).withName(kv.managedBy().name()).get();
                hc = h == null ? null : KubeVirtRecords.hyperConverged(h);
            } catch (KubernetesClientException e) {
                problems.add("HyperConverged " + kv.managedBy().namespace() + "/" + kv.managedBy().name() + ": "
                        + ApiErrors.describe(e));
            }
        }
        List<DisruptionBudget> budgets = List.of();
        try {
            budgets = client.genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext
                            .Builder().withGroup("policy").withVersion(KubeVirtResources.policyVersion(client))
                            .withKind("PodDisruptionBudget").withPlural("poddisruptionbudgets").withNamespaced(true).build())
                    .inNamespace(namespace).list().getItems().stream().map(KubeVirtRecords::disruptionBudget).toList();
        } catch (KubernetesClientException e) {
            problems.add("PodDisruptionBudgets: " + ApiErrors.describe(e));
        }
        List<MigrationPolicy> policies = List.of();
        try {
            policies = client.genericKubernetesResources(KubeVirtResources.MIGRATION_POLICY).list().getItems().stream()
                    .map(KubeVirtRecords::migrationPolicy).toList();
        } catch (KubernetesClientException e) {
            problems.add("MigrationPolicies: " + ApiErrors.describe(e));
        }
        io.fabric8.kubernetes.api.model.Namespace ns = null;
        try {
            ns = client.namespaces().withName(namespace).get();
        } catch (KubernetesClientException e) {
            problems.add("Namespace " + namespace + ": " + ApiErrors.describe(e));
        }
        Map<String, Map<String, String>> namespaceLabels = ns == null || ns.getMetadata().getLabels() == null ? Map.of()
                : Map.of(namespace, Map.copyOf(ns.getMetadata().getLabels()));
        ClusterSnapshot snapshot = new ClusterSnapshot(kubeVirts, List.of(vmi), List.of(),
                client.genericKubernetesResources(KubeVirtResources.VM).inNamespace(namespace).list().getItems().stream()
                        .map(KubeVirtRecords::vm).toList(),
                client.genericKubernetesResources(KubeVirtResources.MIGRATION).inNamespace(namespace).list().getItems()
                        .stream().map(KubeVirtRecords::migration).toList(),
                client.genericKubernetesResources(KubeVirtResources.POD).inNamespace(namespace)
                        .withLabel(KubeVirtResources.LAUNCHER_LABEL, "virt-launcher").list().getItems().stream()
                        .map(KubeVirtRecords::launcherPod).toList(),
                hc, Map.of(), List.copyOf(problems), null, Map.of(), budgets, policies, namespaceLabels, Map.of(),
                Instant.now());
        return Optional.of(new OneVmiRead(snapshot, vmi, outdated, ns));
    }
}

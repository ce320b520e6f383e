package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One read of what a pre-flight looks at, with the caller's own credentials and no cache: every
 * VMI (not only the outdated ones), the VMs, the migrations, the nodes and the KubeVirt CRs. Only
 * GETs and LISTs: a pre-flight writes nothing.
 *
 * @param machineTypes per VMI UID, its `status.machine.type` (the node selector KubeVirt gives every
 *                     launcher, migration targets included)
 * @param cpuModels    per VMI UID, its `spec.domain.cpu.model` (virt-api writes the cluster's default
 *                     into the spec at creation; none at all means libvirt's host-model)
 * @param disruptionBudgets the PodDisruptionBudgets of those namespaces (policy/v1, else v1beta1)
 * @param launcherLabels per VMI (ns/name), the labels of its virt-launcher pods (what a budget selects)
 * @param problems     what could not be read, in the API's words (the budgets and pods are optional)
 */
public record OneShotRead(List<KubeVirtInstallation> kubeVirts, List<VirtualMachineInstance> vmis,
                          List<VirtualMachine> vms, List<VirtualMachineInstanceMigration> migrations,
                          List<ClusterNode> nodes, Map<String, String> machineTypes, Map<String, String> cpuModels,
                          List<DisruptionBudget> disruptionBudgets, Map<String, Map<String, String>> launcherLabels,
                          List<String> problems) {

    /** A KubeVirt CR as the commands read it. */
    public static KubeVirtInstallation kubeVirt(GenericKubernetesResource r) {
        return KubeVirtRecords.kubeVirt(r);
    }

    /** A VMI as the commands read it. */
    public static VirtualMachineInstance vmi(GenericKubernetesResource r) {
        return KubeVirtRecords.vmi(r);
    }

    /** The CPU model KubeVirt migrates by the source node's host CPU (`migration.go` host-model target selectors). */
    public static final String HOST_MODEL = "host-model";

    /**
     * @param namespaces   the namespaces to read VMIs, VMs and migrations in; empty: all
     * @param vmiSelector  a label selector on VMIs, or null
     */
    public static OneShotRead of(KubernetesClient client, List<String> namespaces, String vmiSelector) {
        java.util.concurrent.ExecutorService parsing = PrunedList.threads("preflight-lists");
        try {
            return read(client, namespaces, vmiSelector, parsing);
        } finally {
            parsing.shutdownNow();
        }
    }

    /**
     * What the pre-flight reads of each big kind: the LISTs are pruned while they are parsed
     * ({@link PrunedList}, as the service's caches are), so 10,000 VMIs cost the heap what these
     * fields hold, not every object whole.
     */
    static final KeptFields VMI_FIELDS = new KeptFields(List.of("spec.evictionStrategy", "spec.domain.cpu.model",
            "status.phase", "status.nodeName", "status.conditions", "status.evacuationNodeName", "status.machine"),
            java.util.Set.of(KeptFields.ALL), java.util.Set.of());
    static final KeptFields VM_FIELDS = new KeptFields(List.of("spec.runStrategy", "spec.running", "status.conditions"),
            java.util.Set.of(KeptFields.ALL), java.util.Set.of());
    static final KeptFields MIGRATION_FIELDS = new KeptFields(List.of("spec.vmiName", "status.phase",
            "status.phaseTransitionTimestamps", "status.migrationState.endTimestamp", "status.migrationState.failureReason",
            "status.migrationState.abortStatus", "status.migrationState.sourceNode", "status.migrationState.targetNode",
            "status.conditions"), java.util.Set.of(KeptFields.ALL), java.util.Set.of(KubeVirtRecords.WORKLOAD_UPDATE_ANNOTATION,
            KubeVirtResources.EVACUATION_ANNOTATION));
    /** A budget selects launchers by any of their labels: every label is kept. */
    static final KeptFields POD_FIELDS = new KeptFields(List.of("spec.nodeName", "status.phase"),
            java.util.Set.of(KeptFields.ALL), java.util.Set.of());

    private static OneShotRead read(KubernetesClient client, List<String> namespaces, String vmiSelector,
                                    java.util.concurrent.Executor parsing) {
        Listing vmiList = pruned(client, KubeVirtResources.VMI, namespaces, vmiSelector, VMI_FIELDS, parsing);
        Listing vmList = pruned(client, KubeVirtResources.VM, namespaces, null, VM_FIELDS, parsing);
        Listing migrationList = pruned(client, KubeVirtResources.MIGRATION, namespaces, null, MIGRATION_FIELDS, parsing);
        Listing podList = pruned(client, KubeVirtResources.POD, namespaces,
                KubeVirtResources.LAUNCHER_LABEL + "=virt-launcher", POD_FIELDS, parsing);
        List<GenericKubernetesResource> vmiObjects = vmiList.items();
        Map<String, String> machineTypes = new HashMap<>();
        Map<String, String> cpuModels = new HashMap<>();
        for (GenericKubernetesResource r : vmiObjects) {
            Object type = r.get("status", "machine", "type");
            if (type != null && r.getMetadata().getUid() != null) {
                machineTypes.put(r.getMetadata().getUid(), String.valueOf(type));
            }
            Object model = r.get("spec", "domain", "cpu", "model");
            if (r.getMetadata().getUid() != null) {
                cpuModels.put(r.getMetadata().getUid(), model == null ? HOST_MODEL : String.valueOf(model));
            }
        }
        List<String> problems = new ArrayList<>();
        List<DisruptionBudget> budgets = List.of();
        Map<String, Map<String, String>> launcherLabels = new HashMap<>();
        try {
            budgets = list(client, new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                    .withGroup("policy").withVersion(KubeVirtResources.policyVersion(client)).withKind("PodDisruptionBudget")
                    .withPlural("poddisruptionbudgets").withNamespaced(true).build(), namespaces, null).stream()
                    .map(KubeVirtRecords::disruptionBudget).toList();
            for (GenericKubernetesResource pod : podList.items()) {
                LauncherPod p = KubeVirtRecords.launcherPod(pod);
                if (p.vmiName() != null && pod.getMetadata().getLabels() != null) {
                    launcherLabels.put(p.namespace() + "/" + p.vmiName(), Map.copyOf(pod.getMetadata().getLabels()));
                }
            }
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            problems.add("PodDisruptionBudgets and launcher pods: " + ApiErrors.describe(e));
        }
        return new OneShotRead(
                client.genericKubernetesResources(KubeVirtResources.KUBEVIRT).inAnyNamespace().list().getItems().stream()
                        .map(KubeVirtRecords::kubeVirt).toList(),
                vmiObjects.stream().map(KubeVirtRecords::vmi).toList(),
                vmList.items().stream().map(KubeVirtRecords::vm).toList(),
                migrationList.items().stream().map(KubeVirtRecords::migration).toList(),
                client.genericKubernetesResources("v1", "Node").list().getItems().stream().map(KubeVirtRecords::node).toList(),
                Map.copyOf(machineTypes), Map.copyOf(cpuModels), budgets, Map.copyOf(launcherLabels), List.copyOf(problems));
    }

    /**
     * One LIST per namespace (or one for all), pruned to {@code fields} while parsed, sent at once:
     * the pre-flight's big LISTs run side by side, each answered from the API server's watch cache
     * (resourceVersion=0, as the service's caches start), not by a quorum read of etcd.
     */
    private static Listing pruned(KubernetesClient client,
                                  io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind,
                                  List<String> namespaces, String selector, KeptFields fields,
                                  java.util.concurrent.Executor parsing) {
        List<Object> sources = new ArrayList<>();
        if (namespaces.isEmpty()) {
            var op = client.genericKubernetesResources(kind).inAnyNamespace();
            sources.add(selector == null ? op : op.withLabelSelector(selector));
        } else {
            for (String ns : namespaces) {
                var op = client.genericKubernetesResources(kind).inNamespace(ns);
                sources.add(selector == null ? op : op.withLabelSelector(selector));
            }
        }
        List<java.util.concurrent.CompletableFuture<GenericKubernetesResourceList>> lists = new ArrayList<>();
        for (Object source : sources) {
            lists.add(PrunedList.keeping(source, client.getHttpClient(), fields, parsing)
                    .submitList(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withResourceVersion("0").build()));
        }
        return new Listing(kind.getPlural(), lists);
    }

    /** LISTs under way; {@link #items} waits for them. */
    private record Listing(String plural, List<java.util.concurrent.CompletableFuture<GenericKubernetesResourceList>> lists) {
        List<GenericKubernetesResource> items() {
            List<GenericKubernetesResource> out = new ArrayList<>();
            for (var list : lists) {
                try {
                    out.addAll(list.get().getItems());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new io.fabric8.kubernetes.client.KubernetesClientException("interrupted while listing " + plural);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof io.fabric8.kubernetes.client.KubernetesClientException k ? k
                            : new io.fabric8.kubernetes.client.KubernetesClientException("listing " + plural + " failed: "
                            + e.getCause(), e.getCause());
                }
            }
            return out;
        }
    }

    private static List<GenericKubernetesResource> list(KubernetesClient client,
                                                        io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind,
                                                        List<String> namespaces, String selector) {
        if (namespaces.isEmpty()) {
            var op = client.genericKubernetesResources(kind).inAnyNamespace();
            return (selector == null ? op : op.withLabelSelector(selector)).list().getItems();
        }
        List<GenericKubernetesResource> out = new ArrayList<>();
        for (String ns : namespaces) {
            FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> op =
                    client.genericKubernetesResources(kind).inNamespace(ns);
            out.addAll((selector == null ? op : op.withLabelSelector(selector)).list().getItems());
        }
        return out;
    }
}

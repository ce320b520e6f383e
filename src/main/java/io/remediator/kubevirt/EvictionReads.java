package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;

/**
 * Reads for VMIs that refuse eviction: the alert names each VMI, so each is read by name (a GET,
 * not a cache of every VMI in the cluster), with its VM as it is now. Reads only.
 */
public final class EvictionReads {
    /** KubeVirt's default `spec.configuration.migrations.nodeDrainTaintKey` (virt-config/configuration.go:41). */
    public static final String DEFAULT_DRAIN_TAINT = "kubevirt.io/drain";

    private final KubernetesClient client;

    private final VirtApiDiscovery discovery;

    public EvictionReads(KubernetesClient client) {
        this.client = client;
        this.discovery = new VirtApiDiscovery(client, java.time.Clock.systemUTC());
    }

    /**
     * Whether KubeVirt's virt-api serves `virtualmachineinstances/evacuate/cancel` (KubeVirt 1.8+),
     * from its discovery; false when virt-api's group is not served or cannot be read.
     */
    public boolean evacuateCancelServed() {
        try {
            return discovery.serves(VirtApiDiscovery.EVACUATE_CANCEL);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            return false;
        }
    }

    public Optional<VirtualMachineInstance> vmi(String namespace, String name) {
        GenericKubernetesResource r = client.genericKubernetesResources(KubeVirtResources.VMI).inNamespace(namespace)
                .withName(name).get();
        return Optional.ofNullable(r).map(KubeVirtRecords::vmi);
    }

    public Optional<VmTemplate> vm(String namespace, String name) {
        GenericKubernetesResource r = client.genericKubernetesResources(KubeVirtResources.VM).inNamespace(namespace)
                .withName(name).get();
        if (r == null) {
            return Optional.empty();
        }
        Object strategy = r.get("spec", "template", "spec", "evictionStrategy");
        return Optional.of(new VmTemplate(KubeVirtRecords.vm(r), strategy == null ? null : strategy.toString(),
                r.getMetadata().getResourceVersion()));
    }

    /** The taint KubeVirt's evacuation acts on: the KubeVirt CR's nodeDrainTaintKey, else its default. */
    public static String drainTaintKey(KubeVirtInstallation kv) {
        return kv == null || kv.nodeDrainTaintKey() == null || kv.nodeDrainTaintKey().isBlank() ? DEFAULT_DRAIN_TAINT
                : kv.nodeDrainTaintKey();
    }

    /** The labels of a VMI's launcher pod that a PodDisruptionBudget selects on: the VMI's, and KubeVirt's own. */
    public static Map<String, String> launcherPodLabels(VirtualMachineInstance vmi) {
        Map<String, String> labels = new java.util.HashMap<>(vmi.labels());
        labels.put("kubevirt.io", "virt-launcher");
        labels.put("kubevirt.io/created-by", vmi.uid() == null ? "" : vmi.uid());
        return labels;
    }
}

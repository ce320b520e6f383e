package io.remediator.remediation;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;

/**
 * Evicts a virt-launcher pod through the Eviction API in the version the server serves (policy/v1
 * from Kubernetes 1.22, policy/v1beta1 before), so PodDisruptionBudgets and KubeVirt's eviction
 * webhook have their say, and says who refused a 429. (fabric8's own evict() answers a 429 with a
 * bare false, dropping the message that says who refused.)
 */
final class PodEviction {
    /** The name KubeVirt's virt-api registers its pods/eviction admission webhook under. */
    static final String KUBEVIRT_INTERCEPTOR = "virt-launcher-eviction-interceptor.kubevirt.io";

    private final KubernetesClient client;
    private volatile String policyVersion;

    PodEviction(KubernetesClient client) {
        this.client = client;
    }

    WriteOutcome evict(String namespace, String pod, boolean dryRun) {
        String version = policyVersion();
        Eviction eviction = new EvictionBuilder().withApiVersion("policy/" + version)
                .withNewMetadata().withNamespace(namespace).withName(pod).endMetadata()
                .withDeleteOptions(new DeleteOptionsBuilder().withDryRun(dryRun ? List.of("All") : List.of()).build())
                .build();
        try {
            // dryRun also as the request's own option: admission webhooks see only that one, and
            // KubeVirt's would otherwise start a real evacuation for a dry run.
            client.raw("/api/v1/namespaces/" + namespace + "/pods/" + pod + "/eviction" + (dryRun ? "?dryRun=All" : ""),
                    "POST", eviction);
            return new WriteOutcome.Done("the API server evicts the pod: the VMI shuts down");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 429) {
                throw e;
            }
            String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                    : e.getMessage();
            // KubeVirt's eviction webhook answers every denial with 429; its message says which one
            // (pod-eviction-admitter.go:138-183).
            if (message.contains("Eviction triggered evacuation") || message.contains("Evacuation in progress")) {
                return new WriteOutcome.Done("KubeVirt took the eviction as an evacuation (" + message + "): it"
                        + " live-migrates the VMI, or with eviction strategy External only marks it; the pod is not deleted");
            }
            return new WriteOutcome.Refused(429, "eviction refused (429) " + whoRefused(namespace, pod, version, message));
        }
    }

    private String whoRefused(String namespace, String podName, String version, String message) {
        if (message.contains("is not live-migratable")) {
            return "by KubeVirt's eviction webhook, for good: the VMI's eviction strategy is LiveMigrate and it cannot"
                    + " live-migrate, so KubeVirt refuses every eviction of it: " + message;
        }
        if (message.contains("Eviction request for target Pod")) {
            return "by KubeVirt's eviction webhook: this pod is a migration's target, not the VMI's current pod: " + message;
        }
        if (message.contains(KUBEVIRT_INTERCEPTOR)) {
            return "by KubeVirt's eviction webhook: " + message;
        }
        Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
        Map<String, String> labels = pod == null || pod.getMetadata().getLabels() == null ? Map.of()
                : pod.getMetadata().getLabels();
        for (GenericKubernetesResource pdb : client.genericKubernetesResources("policy/" + version,
                "PodDisruptionBudget").inNamespace(namespace).list().getItems()) {
            Object matchLabels = pdb.get("spec", "selector", "matchLabels");
            if (matchLabels instanceof Map<?, ?> m && !m.isEmpty()
                    && m.entrySet().stream().allMatch(e -> String.valueOf(e.getValue()).equals(labels.get(String.valueOf(e.getKey()))))) {
                Object allowed = pdb.get("status", "disruptionsAllowed");
                return "by PodDisruptionBudget " + pdb.getMetadata().getName() + " (disruptionsAllowed: "
                        + (allowed == null ? "not yet computed" : allowed) + "): " + message;
            }
        }
        return "by the API server: " + message;
    }

    private String policyVersion() {
        String v = policyVersion;
        if (v == null) {
            v = io.remediator.kubevirt.KubeVirtResources.policyVersion(client);
            policyVersion = v;
        }
        return v;
    }
}

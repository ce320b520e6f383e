package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Typed, read-only access to KubeVirt's objects. Lists are paginated so that a cluster with tens of
 * thousands of VMIs never needs one giant response.
 */
public final class KubeVirtApi {
    private final KubernetesClient client;
    private final int pageSize;

    public KubeVirtApi(KubernetesClient client, int pageSize) {
        this.client = client;
        this.pageSize = pageSize;
    }

    /** Every VMI in every namespace that carries {@link KubeVirtResources#OUTDATED_LABEL}. */
    public List<VirtualMachineInstance> outdatedVmis() {
        return listAll(client.genericKubernetesResources(KubeVirtResources.VMI).inAnyNamespace()
                .withLabel(KubeVirtResources.OUTDATED_LABEL), KubeVirtApi::toVmi);
    }

    public List<KubeVirtInstallation> kubeVirts() {
        return listAll(client.genericKubernetesResources(KubeVirtResources.KUBEVIRT).inAnyNamespace(),
                KubeVirtApi::toKubeVirt);
    }

    private <T> List<T> listAll(
            FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
                    Resource<GenericKubernetesResource>> op,
            Function<GenericKubernetesResource, T> mapper) {
        List<T> out = new ArrayList<>();
        String continueToken = null;
        do {
            ListOptions options = new ListOptionsBuilder().withLimit((long) pageSize).withContinue(continueToken).build();
            GenericKubernetesResourceList page = op.list(options);
            page.getItems().forEach(item -> out.add(mapper.apply(item)));
            continueToken = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (continueToken != null && !continueToken.isEmpty());
        return out;
    }

    static VirtualMachineInstance toVmi(GenericKubernetesResource r) {
        List<VirtualMachineInstance.Condition> conditions = new ArrayList<>();
        Object raw = r.get("status", "conditions");
        if (raw instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> c) {
                    conditions.add(new VirtualMachineInstance.Condition(
                            str(c.get("type")), str(c.get("status")), str(c.get("reason")), str(c.get("message"))));
                }
            }
        }
        return new VirtualMachineInstance(
                r.getMetadata().getNamespace(),
                r.getMetadata().getName(),
                r.getMetadata().getUid(),
                str(r.get("status", "phase")),
                str(r.get("status", "nodeName")),
                List.copyOf(conditions));
    }

    static KubeVirtInstallation toKubeVirt(GenericKubernetesResource r) {
        KubeVirtInstallation.WorkloadUpdateStrategy strategy = null;
        if (r.get("spec", "workloadUpdateStrategy") instanceof Map<?, ?> s) {
            List<String> methods = null;
            if (s.get("workloadUpdateMethods") instanceof List<?> m) {
                methods = m.stream().map(String::valueOf).toList();
            }
            Integer batchEvictSize = s.get("batchEvictSize") instanceof Number n ? n.intValue() : null;
            strategy = new KubeVirtInstallation.WorkloadUpdateStrategy(
                    methods, batchEvictSize, str(s.get("batchEvictInterval")));
        }
        return new KubeVirtInstallation(
                r.getMetadata().getNamespace(),
                r.getMetadata().getName(),
                strategy,
                str(r.get("status", "phase")),
                str(r.get("status", "observedKubeVirtVersion")),
                str(r.get("status", "targetKubeVirtVersion")));
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}

package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An informer store that keeps only the fields a runbook reads. Real virt-launcher pods and VMIs
 * are several KiB each; at tens of thousands of them the full objects would dominate the heap.
 * fabric8's ReducedStateItemStore does the same job but re-serializes every item on each read,
 * which would make every warm diagnosis pay for a full conversion of the cache.
 */
final class PrunedItemStore extends ReducedItemStore<GenericKubernetesResource> {
    private final KeptFields fields;
    private final List<String[]> paths;
    private final java.util.function.Predicate<GenericKubernetesResource> keep;

    PrunedItemStore(List<String> paths, Set<String> labels, Set<String> annotations) {
        this(new KeptFields(paths, labels, annotations), r -> true);
    }

    PrunedItemStore(KeptFields fields) {
        this(fields, r -> true);
    }

    /**
     * @param keep which objects to hold at all; one that stops matching is dropped (a label
     *             selector cannot express "labelled X or with condition Y")
     */
    PrunedItemStore(KeptFields fields, java.util.function.Predicate<GenericKubernetesResource> keep) {
        this.fields = fields;
        this.paths = fields.paths().stream().map(p -> p.split("\\.")).toList();
        this.keep = keep;
    }

    KeptFields fields() {
        return fields;
    }

    GenericKubernetesResource prune(GenericKubernetesResource r) {
        ObjectMeta m = r.getMetadata();
        GenericKubernetesResource kept = new GenericKubernetesResource();
        kept.setApiVersion(r.getApiVersion());
        kept.setKind(r.getKind());
        kept.setMetadata(new ObjectMetaBuilder()
                .withName(m.getName()).withNamespace(m.getNamespace()).withUid(m.getUid())
                .withResourceVersion(m.getResourceVersion())
                .withCreationTimestamp(m.getCreationTimestamp()).withDeletionTimestamp(m.getDeletionTimestamp())
                .withOwnerReferences(m.getOwnerReferences())
                .withLabels(only(m.getLabels(), fields.labels()))
                .withAnnotations(only(m.getAnnotations(), fields.annotations()))
                .build());
        for (String[] path : paths) {
            Object value = r.get((Object[]) path);
            if (value != null) {
                Map<String, Object> parent = kept.getAdditionalProperties();
                for (int i = 0; i < path.length - 1; i++) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> child = (Map<String, Object>) parent.computeIfAbsent(path[i], k -> new LinkedHashMap<>());
                    parent = child;
                }
                parent.put(path[path.length - 1], value);
            }
        }
        return kept;
    }

    private static Map<String, String> only(Map<String, String> all, Set<String> keys) {
        if (all == null || all.isEmpty() || keys.isEmpty()) {
            return null;
        }
        if (keys.contains(KeptFields.ALL)) {
            return all;
        }
        Map<String, String> kept = all.entrySet().stream().filter(e -> keys.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return kept.isEmpty() ? null : kept;
    }

    @Override
    protected GenericKubernetesResource reduce(GenericKubernetesResource obj) {
        return keep.test(obj) ? prune(obj) : null;
    }
}

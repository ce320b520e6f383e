package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * When a node's drain began, from the node itself: a Node has no field for when it was cordoned,
 * but its `metadata.managedFields` record when a manager (kubectl's cordon, a drain controller)
 * last wrote `spec.unschedulable` or `spec.taints`. One GET, made once per drain the watch finds.
 */
public final class DrainStarts {
    private final KubernetesClient client;

    public DrainStarts(KubernetesClient client) {
        this.client = client;
    }

    /** The newest managedFields time of a write to spec.unschedulable (else spec.taints); empty when none tells. */
    public Optional<Instant> of(String node) {
        Node n = client.nodes().withName(node).get();
        return n == null ? Optional.empty() : of(n);
    }

    static Optional<Instant> of(Node n) {
        if (n.getMetadata().getManagedFields() == null) {
            return Optional.empty();
        }
        Instant unschedulable = null;
        Instant taints = null;
        for (ManagedFieldsEntry e : n.getMetadata().getManagedFields()) {
            if (e.getTime() == null || e.getFieldsV1() == null
                    || !(e.getFieldsV1().getAdditionalProperties().get("f:spec") instanceof Map<?, ?> spec)) {
                continue;
            }
            Instant at = Instant.parse(e.getTime());
            if (spec.containsKey("f:unschedulable") && (unschedulable == null || at.isAfter(unschedulable))) {
                unschedulable = at;
            }
            if (spec.containsKey("f:taints") && (taints == null || at.isAfter(taints))) {
                taints = at;
            }
        }
        return Optional.ofNullable(unschedulable != null ? unschedulable : taints);
    }
}

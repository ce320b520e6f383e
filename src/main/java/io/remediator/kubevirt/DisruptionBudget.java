package io.remediator.kubevirt;

import java.util.List;
import java.util.Map;

/**
 * A PodDisruptionBudget, the parts that decide whether it refuses the eviction of a launcher pod.
 *
 * @param matchLabels        `spec.selector.matchLabels`
 * @param matchExpressions   `spec.selector.matchExpressions`
 * @param disruptionsAllowed `status.disruptionsAllowed`, null before the disruption controller wrote it
 * @param kubeVirts          KubeVirt created it for a migration (controller owner a VMI, or
 *                           `kubevirt.io/created-by` in its selector): KubeVirt's own, not a blocker
 */
public record DisruptionBudget(String namespace, String name, Map<String, String> matchLabels,
                               List<Requirement> matchExpressions, Integer disruptionsAllowed, boolean kubeVirts) {

    public record Requirement(String key, String operator, List<String> values) {}

    /**
     * Whether its selector selects a pod with these labels (Kubernetes' LabelSelector rules; an
     * empty selector selects every pod of the namespace in policy/v1, none in v1beta1: either way
     * a budget with an empty selector is reported as selecting it, the cautious answer).
     */
    public boolean selects(Map<String, String> labels) {
        for (var e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            String value = labels.get(r.key());
            boolean ok = switch (r.operator()) {
                case "In" -> value != null && r.values().contains(value);
                case "NotIn" -> value == null || !r.values().contains(value);
                case "Exists" -> labels.containsKey(r.key());
                case "DoesNotExist" -> !labels.containsKey(r.key());
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

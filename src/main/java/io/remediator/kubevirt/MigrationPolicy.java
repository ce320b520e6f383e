package io.remediator.kubevirt;

import java.util.Map;

/**
 * A KubeVirt MigrationPolicy (migrations.kubevirt.io/v1alpha1, cluster-scoped): the settings it
 * overrides for the VMIs it selects (migrations/v1alpha1/types.go:57-59).
 *
 * @param namespaceLabels `spec.selectors.namespaceSelector` (labels the VMI's namespace must have)
 * @param vmiLabels       `spec.selectors.virtualMachineInstanceSelector`
 * @param allowPostCopy   null when the policy leaves the cluster's value
 */
public record MigrationPolicy(String name, Map<String, String> namespaceLabels, Map<String, String> vmiLabels,
                              Boolean allowPostCopy, Boolean allowWorkloadDisruption) {

    /** Whether it selects a VMI with these labels in a namespace with those. */
    public boolean selects(Map<String, String> namespace, Map<String, String> vmi) {
        return namespaceLabels.entrySet().stream().allMatch(e -> e.getValue().equals(namespace.get(e.getKey())))
                && vmiLabels.entrySet().stream().allMatch(e -> e.getValue().equals(vmi.get(e.getKey())));
    }
}

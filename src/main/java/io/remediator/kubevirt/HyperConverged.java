package io.remediator.kubevirt;

import java.util.List;

/**
 * A HyperConverged CR (hco.kubevirt.io/v1beta1), the parts that decide KubeVirt's workload
 * updates. HCO writes these into the KubeVirt CR it owns; the values there are what KubeVirt acts
 * on, these are what an operator must change.
 *
 * @param workloadUpdateMethods `spec.workloadUpdateStrategy.workloadUpdateMethods` (HCO defaults it
 *                              to [LiveMigrate]); null when unset
 * @param evictionStrategy      `spec.evictionStrategy`; HCO's webhook sets LiveMigrate on highly
 *                              available infrastructure, None otherwise; null when unset
 * @param methodsPinnedBy       the `kubevirt.kubevirt.io/jsonpatch` annotation when one of its operations
 *                              writes the KubeVirt CR's workloadUpdateStrategy: HCO applies it after its
 *                              own mapping (HCO controllers/handlers/kubevirt.go:315), so it wins over
 *                              anything set in the HyperConverged; null otherwise
 */
public record HyperConverged(String namespace, String name, List<String> workloadUpdateMethods, String evictionStrategy,
                             String methodsPinnedBy) {

    /** HCO's annotation that patches the KubeVirt CR it generates (HCO controllers/common/consts.go:12). */
    public static final String JSON_PATCH_ANNOTATION = "kubevirt.kubevirt.io/jsonpatch";

    public HyperConverged(String namespace, String name, List<String> workloadUpdateMethods, String evictionStrategy) {
        this(namespace, name, workloadUpdateMethods, evictionStrategy, null);
    }
}

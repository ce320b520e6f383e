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
 */
public record HyperConverged(String namespace, String name, List<String> workloadUpdateMethods, String evictionStrategy) {}

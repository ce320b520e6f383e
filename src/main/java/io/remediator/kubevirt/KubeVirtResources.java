package io.remediator.kubevirt;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** Where KubeVirt's kinds live in the API. All are `kubevirt.io/v1` and namespaced. */
public final class KubeVirtResources {
    public static final String GROUP = "kubevirt.io";
    public static final String VERSION = "v1";
    /** KubeVirt sets this label (with an empty value) on VMIs whose launcher image is outdated. */
    public static final String OUTDATED_LABEL = "kubevirt.io/outdatedLauncherImage";

    public static final ResourceDefinitionContext VMI = context("VirtualMachineInstance", "virtualmachineinstances");
    public static final ResourceDefinitionContext VM = context("VirtualMachine", "virtualmachines");
    public static final ResourceDefinitionContext MIGRATION =
            context("VirtualMachineInstanceMigration", "virtualmachineinstancemigrations");
    public static final ResourceDefinitionContext KUBEVIRT = context("KubeVirt", "kubevirts");
    /**
     * HCO's HyperConverged, read and patched in v1beta1: the version every HCO release serves, and
     * the one whose `spec.workloadUpdateStrategy` path the recommended command spells out (in `v1`
     * it moved to `spec.virtualization.workloadUpdateStrategy`).
     */
    public static final ResourceDefinitionContext HYPERCONVERGED = new ResourceDefinitionContext.Builder()
            .withGroup("hco.kubevirt.io").withVersion("v1beta1").withKind("HyperConverged").withPlural("hyperconvergeds")
            .withNamespaced(true).build();
    /** virt-api's aggregated API: `virtctl restart|stop` call its VM subresources. */
    public static final String SUBRESOURCES_GROUP = "subresources.kubevirt.io";
    /** KubeVirt's updater marks the migrations it creates with this annotation. */
    public static final String WORKLOAD_UPDATE_ANNOTATION = "kubevirt.io/workloadUpdateMigration";
    /** KubeVirt's evacuation controller marks its migrations with this one (types.go:1188). */
    public static final String EVACUATION_ANNOTATION = "kubevirt.io/evacuationMigration";
    /** KubeVirt's MigrationPolicies (cluster-scoped): they may allow post-copy or workload disruption. */
    public static final ResourceDefinitionContext MIGRATION_POLICY = new ResourceDefinitionContext.Builder()
            .withGroup("migrations.kubevirt.io").withVersion("v1alpha1").withKind("MigrationPolicy")
            .withPlural("migrationpolicies").withNamespaced(false).build();
    public static final ResourceDefinitionContext POD = new ResourceDefinitionContext.Builder()
            .withGroup("").withVersion("v1").withKind("Pod").withPlural("pods").withNamespaced(true).build();
    /** Set on every object this service creates. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "kubevirt-remediator";
    /** Label KubeVirt puts on every virt-launcher pod (value `virt-launcher`). */
    public static final String LAUNCHER_LABEL = "kubevirt.io";

    private KubeVirtResources() {}

    /**
     * The `policy` API version the server serves for PodDisruptionBudgets and Evictions: v1 from
     * Kubernetes 1.21 (1.25 no longer serves v1beta1), v1beta1 before. Asked by discovery.
     */
    public static String policyVersion(io.fabric8.kubernetes.client.KubernetesClient client) {
        var group = client.getApiGroup("policy");
        boolean v1 = group != null && group.getVersions().stream().anyMatch(v -> "v1".equals(v.getVersion()));
        return v1 ? "v1" : "v1beta1";
    }

    /** KubeVirt labelled this VMI (or its pod) outdated. */
    public static boolean outdated(io.fabric8.kubernetes.api.model.HasMetadata object) {
        return object != null && object.getMetadata().getLabels() != null
                && object.getMetadata().getLabels().containsKey(OUTDATED_LABEL);
    }

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(GROUP).withVersion(VERSION).withKind(kind).withPlural(plural).withNamespaced(true)
                .build();
    }
}

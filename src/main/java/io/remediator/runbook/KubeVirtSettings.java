package io.remediator.runbook;

import io.remediator.kubevirt.HyperConverged;
import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.kubevirt.KubeVirtResources;
import java.util.ArrayList;
import java.util.List;

/**
 * The KubeVirt CR's settings that decide what happens to outdated VMIs, with KubeVirt's own
 * defaults where unset, and the findings an operator reads about them. Pure.
 */
final class KubeVirtSettings {
    /** KubeVirt's defaults: workload-updater.go:60-61, virt-config.go:40-41, configuration.go:198. */
    static final int DEFAULT_BATCH_EVICTION_SIZE = 10;
    static final String DEFAULT_BATCH_EVICTION_INTERVAL = "1m0s";
    static final String DEFAULT_EVICTION_STRATEGY = "None";
    static final int DEFAULT_PARALLEL_MIGRATIONS_PER_CLUSTER = 5;
    static final int DEFAULT_PARALLEL_OUTBOUND_MIGRATIONS_PER_NODE = 2;

    private KubeVirtSettings() {}

    static ClusterFindings clusterFindings(KubeVirtInstallation kv, int migrationsInFlight) {
        return clusterFindings(kv, null, migrationsInFlight);
    }

    static ClusterFindings clusterFindings(KubeVirtInstallation kv, HyperConverged hc, int migrationsInFlight) {
        List<String> defaulted = new ArrayList<>();
        KubeVirtInstallation.WorkloadUpdateStrategy s = kv == null ? null : kv.workloadUpdateStrategy();
        List<String> methods = s == null || s.methods() == null ? List.of() : List.copyOf(s.methods());
        KubeVirtInstallation.MigrationLimits limits = kv == null ? null : kv.migrations();
        int batchSize = orDefault(s == null ? null : s.batchEvictionSize(), DEFAULT_BATCH_EVICTION_SIZE,
                "batchEvictionSize", defaulted);
        String batchInterval = orDefault(s == null ? null : s.batchEvictionInterval(), DEFAULT_BATCH_EVICTION_INTERVAL,
                "batchEvictionInterval", defaulted);
        int perCluster = orDefault(limits == null ? null : limits.parallelMigrationsPerCluster(),
                DEFAULT_PARALLEL_MIGRATIONS_PER_CLUSTER, "parallelMigrationsPerCluster", defaulted);
        int perNode = orDefault(limits == null ? null : limits.parallelOutboundMigrationsPerNode(),
                DEFAULT_PARALLEL_OUTBOUND_MIGRATIONS_PER_NODE, "parallelOutboundMigrationsPerNode", defaulted);
        String eviction = orDefault(kv == null ? null : kv.defaultEvictionStrategy(), DEFAULT_EVICTION_STRATEGY,
                "evictionStrategy", defaulted);
        ClusterFindings.HyperConvergedRef hcRef = kv == null || kv.managedBy() == null ? null
                : new ClusterFindings.HyperConvergedRef(kv.managedBy().namespace(), kv.managedBy().name(),
                        KubeVirtResources.HYPERCONVERGED.getGroup() + "/" + KubeVirtResources.HYPERCONVERGED.getVersion(),
                        hc == null ? null : hc.workloadUpdateMethods());
        String enable = null;
        if (kv != null && methods.isEmpty()) {
            enable = hcRef != null
                    // HCO rewrites the KubeVirt CR from the HyperConverged; pin v1beta1, where the field sits
                    // at spec.workloadUpdateStrategy (v1: spec.virtualization.workloadUpdateStrategy).
                    ? "kubectl patch hyperconvergeds.v1beta1.hco.kubevirt.io " + hcRef.name() + " -n " + hcRef.namespace()
                            + " --type merge -p '{\"spec\":{\"workloadUpdateStrategy\":{\"workloadUpdateMethods\":[\"LiveMigrate\"]}}}'"
                    : "kubectl patch kubevirt " + kv.name() + " -n " + kv.namespace()
                            + " --type merge -p '{\"spec\":{\"workloadUpdateStrategy\":{\"workloadUpdateMethods\":[\"LiveMigrate\"]}}}'";
        }
        return new ClusterFindings(
                kv == null ? null : new ClusterFindings.KubeVirtRef(kv.namespace(), kv.name()),
                !methods.isEmpty(), methods, batchSize, batchInterval, perCluster, perNode, eviction, List.copyOf(defaulted),
                kv == null ? null : kv.phase(),
                kv == null ? null : kv.observedKubeVirtVersion(),
                kv == null ? null : kv.targetKubeVirtVersion(),
                kv == null ? null : kv.controlPlaneUpdateComplete(),
                kv == null || !kv.controlPlaneUpdateComplete() ? null : kv.updateCompletedAt(),
                migrationsInFlight, hcRef, kv == null ? null : kv.outdatedWorkloads(), enable);
    }

    private static <T> T orDefault(T value, T fallback, String key, List<String> defaulted) {
        if (value != null) {
            return value;
        }
        defaulted.add(key);
        return fallback;
    }

    static void describeCluster(List<KubeVirtInstallation> all, ClusterFindings c, List<String> findings) {
        if (c.kubeVirt() == null) {
            findings.add("No KubeVirt CR was found: cannot tell whether automated workload updates are enabled;"
                    + " the VMIs below are diagnosed as if they were not.");
            return;
        }
        String cr = c.kubeVirt().namespace() + "/" + c.kubeVirt().name();
        if (all.size() > 1) {
            findings.add(all.size() + " KubeVirt CRs exist; the settings of " + cr + " are used"
                    + ("Deployed".equals(c.phase()) ? " (the one KubeVirt deployed; virt-operator ignores the others)"
                            : " (none is Deployed)") + ".");
        }
        if (c.hyperConverged() != null) {
            var hc = c.hyperConverged();
            findings.add("KubeVirt CR " + cr + " is generated by the HyperConverged " + hc.namespace() + "/" + hc.name()
                    + " (HCO), which reverts any edit of the KubeVirt CR: workload-update settings are changed in the"
                    + " HyperConverged (" + hc.apiVersion() + ": spec.workloadUpdateStrategy; hco.kubevirt.io/v1:"
                    + " spec.virtualization.workloadUpdateStrategy).");
            if (hc.workloadUpdateMethods() != null && !hc.workloadUpdateMethods().equals(c.workloadUpdateMethods())) {
                findings.add("The HyperConverged asks for workloadUpdateMethods " + hc.workloadUpdateMethods()
                        + " but the KubeVirt CR still has " + c.workloadUpdateMethods()
                        + ": HCO has not applied it yet; the KubeVirt CR is what KubeVirt acts on.");
            }
        }
        if (c.workloadUpdatesEnabled()) {
            findings.add("Automated workload updates are enabled with " + String.join(" and ", c.workloadUpdateMethods())
                    + (c.evictEnabled() ? " (evictions in batches of " + c.batchEvictionSize() + " every "
                            + c.batchEvictionInterval() + ")" : "") + ".");
        } else {
            findings.add("Automated workload updates are not enabled on KubeVirt CR " + cr
                    + ": KubeVirt will not update any of these VMIs by itself. To let it live-migrate the"
                    + " migratable ones, run: " + c.enableWorkloadUpdatesCommand()
                    + " (adding Evict would also restart the others, with downtime).");
        }
        findings.add("VMIs without their own eviction strategy use the cluster's: " + c.defaultEvictionStrategy()
                + (c.defaulted().contains("evictionStrategy") ? " (spec.configuration.evictionStrategy unset; KubeVirt's"
                        + " default)" : " (spec.configuration.evictionStrategy)") + ".");
        findings.add("KubeVirt allows " + c.parallelMigrationsPerCluster() + " migrations at once in the cluster and "
                + c.parallelOutboundMigrationsPerNode() + " out of each node" + defaultsNote(c) + "; in flight now: "
                + c.migrationsInFlight() + ".");
        String versions = c.observedKubeVirtVersion() == null && c.targetKubeVirtVersion() == null ? ""
                : " (deployed " + orUnknown(c.observedKubeVirtVersion()) + ", target " + orUnknown(c.targetKubeVirtVersion()) + ")";
        if (Boolean.TRUE.equals(c.controlPlaneUpdateComplete())) {
            findings.add("The KubeVirt control-plane update has completed" + versions
                    + (c.updateCompletedAt() == null ? "" : " at " + c.updateCompletedAt()) + ".");
        } else {
            findings.add("The KubeVirt control-plane update has not completed (phase " + orUnknown(c.phase()) + ")"
                    + versions + ": KubeVirt's workload updater waits for it before it touches any VMI.");
        }
    }

    private static String defaultsNote(ClusterFindings c) {
        List<String> migrationDefaults = c.defaulted().stream().filter(k -> k.startsWith("parallel")).toList();
        return migrationDefaults.isEmpty() ? "" : " (KubeVirt's defaults: " + String.join(", ", migrationDefaults) + " unset)";
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }
}

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
public final class KubeVirtSettings {
    /** KubeVirt's defaults: workload-updater.go:60-61, virt-config.go:40-41, configuration.go:198. */
    static final int DEFAULT_BATCH_EVICTION_SIZE = 10;
    static final String DEFAULT_BATCH_EVICTION_INTERVAL = "1m0s";
    static final String DEFAULT_EVICTION_STRATEGY = KubeVirtInstallation.DEFAULT_EVICTION_STRATEGY;
    static final int DEFAULT_PARALLEL_MIGRATIONS_PER_CLUSTER = 5;
    static final int DEFAULT_PARALLEL_OUTBOUND_MIGRATIONS_PER_NODE = 2;

    private KubeVirtSettings() {}

    /** The effective KubeVirt CR's settings (HCO's name where it manages it) with the migrations in flight now. */
    public static ClusterFindings clusterFindings(io.remediator.kubevirt.ClusterSnapshot snapshot) {
        long inFlight = snapshot.migrations().stream()
                .filter(io.remediator.kubevirt.VirtualMachineInstanceMigration::inFlight).count();
        return clusterFindings(KubeVirtInstallation.effective(snapshot.kubeVirts()), snapshot.hyperConverged(),
                (int) inFlight, snapshot.kubeVirts().size());
    }

    static ClusterFindings clusterFindings(KubeVirtInstallation kv, int migrationsInFlight) {
        return clusterFindings(kv, null, migrationsInFlight, kv == null ? 0 : 1);
    }

    static ClusterFindings clusterFindings(KubeVirtInstallation kv, HyperConverged hc, int migrationsInFlight,
                                           int kubeVirtCount) {
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
        String pinnedBy = hc == null ? null : hc.methodsPinnedBy();
        String enable = null;
        if (kv != null && methods.isEmpty() && pinnedBy == null) {
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
                kv == null ? null : kv.updateTimes().completedAt(),
                migrationsInFlight, hcRef, kv == null ? null : kv.outdatedWorkloads(), enable,
                kv == null ? null : kv.updateTimes().startedAt(),
                kv != null && kv.updateTimes().approximate(),
                pinnedBy, kubeVirtCount,
                kv != null && Boolean.TRUE.equals(kv.postCopy()),
                // KubeVirt: allowWorkloadDisruption unset follows allowPostCopy (migrationpolicy.go:129-140).
                kv != null && Boolean.TRUE.equals(kv.workloadDisruption() != null ? kv.workloadDisruption() : kv.postCopy()));
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
            // virt-operator/kubevirt.go:998-1004, 1033-1037; util/client.go:88-91; workload-updater.go:152-164.
            findings.add(all.size() + " KubeVirt CRs exist (" + all.stream().map(k -> k.namespace() + "/" + k.name())
                    .collect(java.util.stream.Collectors.joining(", ")) + "): virt-operator reconciles none of them while"
                    + " more than one exists (it marks them Synchronized=False, ExistingDeployment), and KubeVirt's workload"
                    + " updater then reacts to no VMI or migration change. Delete the extra CR(s). The settings of " + cr
                    + " are used here" + ("Deployed".equals(c.phase()) ? " (the one in phase Deployed)" : " (none is Deployed)")
                    + ".");
        }
        if (c.hyperConverged() != null) {
            var hc = c.hyperConverged();
            findings.add("KubeVirt CR " + cr + " is generated by the HyperConverged " + hc.namespace() + "/" + hc.name()
                    + " (HCO), which reverts any edit of the KubeVirt CR: workload-update settings are changed in the"
                    + " HyperConverged (" + hc.apiVersion() + ": spec.workloadUpdateStrategy; hco.kubevirt.io/v1:"
                    + " spec.virtualization.workloadUpdateStrategy).");
            if (c.methodsPinnedBy() != null) {
                // HCO controllers/handlers/kubevirt.go:315: the annotation is applied after HCO's own mapping.
                findings.add("The HyperConverged carries the annotation kubevirt.kubevirt.io/jsonpatch, which sets the KubeVirt"
                        + " CR's workloadUpdateStrategy after HCO's own mapping: it decides the workload update methods ("
                        + c.workloadUpdateMethods() + "), whatever spec.workloadUpdateStrategy says, so this service proposes"
                        + " no change to the HyperConverged. To change them, edit or remove that annotation: "
                        + c.methodsPinnedBy());
            } else if (hc.workloadUpdateMethods() != null && !hc.workloadUpdateMethods().equals(c.workloadUpdateMethods())) {
                findings.add("The HyperConverged asks for workloadUpdateMethods " + hc.workloadUpdateMethods()
                        + " but the KubeVirt CR still has " + c.workloadUpdateMethods()
                        + ": HCO has not applied it yet; the KubeVirt CR is what KubeVirt acts on.");
            }
        }
        if (c.workloadUpdatesEnabled()) {
            findings.add("Automated workload updates are enabled with " + String.join(" and ", c.workloadUpdateMethods())
                    + (c.evictEnabled() ? " (evictions in batches of " + c.batchEvictionSize() + " every "
                            + c.batchEvictionInterval() + ")" : "") + ".");
        } else if (c.methodsPinnedBy() == null) {
            findings.add("Automated workload updates are not enabled on KubeVirt CR " + cr
                    + ": KubeVirt will not update any of these VMIs by itself. To let it live-migrate the"
                    + " migratable ones, run: " + c.enableWorkloadUpdatesCommand()
                    + " (adding Evict would also restart the others, with downtime).");
        } else {
            findings.add("Automated workload updates are not enabled on KubeVirt CR " + cr
                    + ": KubeVirt will not update any of these VMIs by itself.");
        }
        // defaults.go:193-212: the VMI mutator copies the cluster default into every new VMI's spec.
        findings.add("The cluster's default eviction strategy is " + c.defaultEvictionStrategy()
                + (c.defaulted().contains("evictionStrategy") ? " (spec.configuration.evictionStrategy unset; KubeVirt's"
                        + " default)" : " (spec.configuration.evictionStrategy)") + ". KubeVirt copies it into each VMI's"
                + " spec when the VMI is created, so a change applies only to VMIs created afterwards.");
        if (c.postCopy() || c.workloadDisruption()) {
            findings.add("The KubeVirt CR allows migrations to " + (c.postCopy() ? "switch to post-copy" : "")
                    + (c.postCopy() && c.workloadDisruption() ? " or to " : "") + (c.workloadDisruption()
                            ? "pause the guest to finish" : "") + " (spec.configuration.migrations): a migration that"
                    + " runs past its completion timeout may then interrupt the guest, and a failed post-copy migration"
                    + " leaves the VMI Failed. This service's live migrations therefore obey windows and batches.");
        }
        findings.add("KubeVirt allows " + c.parallelMigrationsPerCluster() + " migrations at once in the cluster and "
                + c.parallelOutboundMigrationsPerNode() + " out of each node" + defaultsNote(c) + "; in flight now: "
                + c.migrationsInFlight() + ".");
        String versions = c.observedKubeVirtVersion() == null && c.targetKubeVirtVersion() == null ? ""
                : " (deployed " + orUnknown(c.observedKubeVirtVersion()) + ", target " + orUnknown(c.targetKubeVirtVersion()) + ")";
        String approx = c.updateTimesApproximate() ? " (approximate: read from the Progressing condition, which"
                + " moves whenever a component is briefly not ready; this service did not see the transition)" : "";
        if (Boolean.TRUE.equals(c.controlPlaneUpdateComplete())) {
            findings.add("The KubeVirt control-plane update has completed" + versions
                    + (c.updateCompletedAt() == null ? "" : " at " + c.updateCompletedAt() + approx) + ".");
        } else {
            findings.add("The KubeVirt control-plane update has not completed (phase " + orUnknown(c.phase()) + ")"
                    + versions + (c.updateStartedAt() == null ? "" : "; it started at " + c.updateStartedAt() + approx)
                    + ": KubeVirt's workload updater waits for it before it touches any VMI, and so does this service:"
                    + " no action runs until it completes.");
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

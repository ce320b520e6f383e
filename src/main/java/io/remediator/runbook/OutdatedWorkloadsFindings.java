package io.remediator.runbook;

import io.remediator.kubevirt.ClusterSnapshot;
import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.kubevirt.LauncherPod;
import io.remediator.kubevirt.VirtualMachine;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The pure half of the runbook: a snapshot of the cluster in, diagnosis out. No I/O here, so every
 * branch is testable without a cluster. Objects are joined through hash maps built once per
 * diagnosis, so the cost grows linearly with the cluster.
 */
public final class OutdatedWorkloadsFindings {
    static final int DEFAULT_BATCH_EVICT_SIZE = 10;
    static final String DEFAULT_BATCH_EVICT_INTERVAL = "1m";
    static final int DEFAULT_PARALLEL_MIGRATIONS_PER_CLUSTER = 5;
    static final int DEFAULT_PARALLEL_OUTBOUND_MIGRATIONS_PER_NODE = 2;

    private OutdatedWorkloadsFindings() {}

    /**
     * @param failedMigrationsBeforeRestart from this many failed migrations on, a migratable VMI is
     *                                      recommended a restart (or stop) instead of more migrations
     */
    public static OutdatedWorkloadsDiagnosis diagnose(ClusterSnapshot snapshot, NamespaceScope scope,
                                                      int failedMigrationsBeforeRestart) {
        return diagnose(snapshot, scope, failedMigrationsBeforeRestart, null);
    }

    /** @param optOutKey label or annotation key that marks a VM or VMI as not to be touched, or null */
    public static OutdatedWorkloadsDiagnosis diagnose(ClusterSnapshot snapshot, NamespaceScope scope,
                                                      int failedMigrationsBeforeRestart, String optOutKey) {
        long inFlight = snapshot.migrations().stream().filter(VirtualMachineInstanceMigration::inFlight).count();
        List<String> findings = new ArrayList<>();
        KubeVirtInstallation kv = snapshot.kubeVirts().isEmpty() ? null : snapshot.kubeVirts().get(0);
        ClusterFindings cluster = clusterFindings(kv, (int) inFlight);
        describeCluster(snapshot.kubeVirts(), cluster, findings);

        Map<String, VirtualMachine> vms = new HashMap<>();
        snapshot.vms().forEach(vm -> vms.put(key(vm.namespace(), vm.name()), vm));
        Map<String, List<LauncherPod>> podsByVmi = snapshot.launcherPods().stream()
                .filter(p -> p.vmiUid() != null)
                .collect(Collectors.groupingBy(LauncherPod::vmiUid));
        Map<String, List<VirtualMachineInstanceMigration>> migrationsByVmi = snapshot.migrations().stream()
                .filter(m -> m.vmiName() != null)
                .collect(Collectors.groupingBy(m -> key(m.namespace(), m.vmiName())));

        VmiClassifier classifier = new VmiClassifier(cluster, failedMigrationsBeforeRestart, optOutKey);
        List<OutdatedVmi> outdated = new ArrayList<>();
        int outOfScope = 0;
        for (VirtualMachineInstance vmi : snapshot.outdatedVmis()) {
            if (!scope.covers(vmi.namespace(), snapshot.selectedNamespaces())) {
                outOfScope++;
                continue;
            }
            outdated.add(classifier.classify(vmi,
                    vmi.vm() == null ? null : vms.get(key(vmi.namespace(), vmi.vm())),
                    podsByVmi.getOrDefault(vmi.uid(), List.of()),
                    migrationsByVmi.getOrDefault(key(vmi.namespace(), vmi.name()), List.of())));
        }
        outdated.sort(Comparator.comparing(OutdatedVmi::namespace).thenComparing(OutdatedVmi::name));

        Map<RecommendedAction, Integer> counts = new EnumMap<>(RecommendedAction.class);
        for (RecommendedAction a : RecommendedAction.values()) {
            counts.put(a, 0);
        }
        outdated.forEach(v -> counts.merge(v.recommendedAction(), 1, Integer::sum));
        describeVmis(outdated, counts, outOfScope, scope, findings);
        return new OutdatedWorkloadsDiagnosis(cluster, counts, List.copyOf(findings), List.copyOf(outdated), outOfScope);
    }

    static ClusterFindings clusterFindings(KubeVirtInstallation kv, int migrationsInFlight) {
        List<String> defaulted = new ArrayList<>();
        KubeVirtInstallation.WorkloadUpdateStrategy s = kv == null ? null : kv.workloadUpdateStrategy();
        List<String> methods = s == null || s.methods() == null ? List.of() : List.copyOf(s.methods());
        KubeVirtInstallation.MigrationLimits limits = kv == null ? null : kv.migrations();
        int batchSize = orDefault(s == null ? null : s.batchEvictSize(), DEFAULT_BATCH_EVICT_SIZE,
                "batchEvictSize", defaulted);
        String batchInterval = orDefault(s == null ? null : s.batchEvictInterval(), DEFAULT_BATCH_EVICT_INTERVAL,
                "batchEvictInterval", defaulted);
        int perCluster = orDefault(limits == null ? null : limits.parallelMigrationsPerCluster(),
                DEFAULT_PARALLEL_MIGRATIONS_PER_CLUSTER, "parallelMigrationsPerCluster", defaulted);
        int perNode = orDefault(limits == null ? null : limits.parallelOutboundMigrationsPerNode(),
                DEFAULT_PARALLEL_OUTBOUND_MIGRATIONS_PER_NODE, "parallelOutboundMigrationsPerNode", defaulted);
        String enable = null;
        if (kv != null && methods.isEmpty()) {
            enable = "kubectl patch kubevirt " + kv.name() + " -n " + kv.namespace()
                    + " --type merge -p '{\"spec\":{\"workloadUpdateStrategy\":{\"workloadUpdateMethods\":[\"LiveMigrate\"]}}}'";
        }
        return new ClusterFindings(
                kv == null ? null : new ClusterFindings.KubeVirtRef(kv.namespace(), kv.name()),
                !methods.isEmpty(), methods, batchSize, batchInterval, perCluster, perNode, List.copyOf(defaulted),
                kv == null ? null : kv.phase(),
                kv == null ? null : kv.observedKubeVirtVersion(),
                kv == null ? null : kv.targetKubeVirtVersion(),
                kv == null ? null : kv.controlPlaneUpdateComplete(),
                kv == null || !kv.controlPlaneUpdateComplete() ? null : kv.updateCompletedAt(),
                migrationsInFlight, enable);
    }

    private static <T> T orDefault(T value, T fallback, String key, List<String> defaulted) {
        if (value != null) {
            return value;
        }
        defaulted.add(key);
        return fallback;
    }

    private static void describeCluster(List<KubeVirtInstallation> all, ClusterFindings c, List<String> findings) {
        if (c.kubeVirt() == null) {
            findings.add("No KubeVirt CR was found: cannot tell whether automated workload updates are enabled;"
                    + " the VMIs below are diagnosed as if they were not.");
            return;
        }
        String cr = c.kubeVirt().namespace() + "/" + c.kubeVirt().name();
        if (all.size() > 1) {
            findings.add(all.size() + " KubeVirt CRs exist; the settings of " + cr + " are used.");
        }
        if (c.workloadUpdatesEnabled()) {
            findings.add("Automated workload updates are enabled with " + String.join(" and ", c.workloadUpdateMethods())
                    + (c.evictEnabled() ? " (evictions in batches of " + c.batchEvictSize() + " every "
                            + c.batchEvictInterval() + ")" : "") + ".");
        } else {
            findings.add("Automated workload updates are not enabled on KubeVirt CR " + cr
                    + ": KubeVirt will not update any of these VMIs by itself. To let it live-migrate the"
                    + " migratable ones, run: " + c.enableWorkloadUpdatesCommand()
                    + " (adding Evict would also restart the others, with downtime).");
        }
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

    private static void describeVmis(List<OutdatedVmi> vmis, Map<RecommendedAction, Integer> counts, int outOfScope,
                                     NamespaceScope scope, List<String> findings) {
        long notMigratable = vmis.stream().filter(v -> !Boolean.TRUE.equals(v.liveMigratable())).count();
        findings.add(vmis.size() + " VMI(s) run in an outdated virt-launcher pod; " + notMigratable
                + " of them cannot live-migrate.");
        Map<String, Integer> nonZero = new LinkedHashMap<>();
        counts.forEach((a, n) -> {
            if (n > 0) {
                nonZero.put(a.name(), n);
            }
        });
        if (!nonZero.isEmpty()) {
            findings.add("Recommended: " + nonZero.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")) + ".");
        }
        long downtime = vmis.stream().filter(v -> v.recommendedAction() == RecommendedAction.STOP).count();
        if (downtime > 0) {
            findings.add(downtime + " VMI(s) can only be updated by stopping them, and nothing will start them again:"
                    + " that is real downtime, to be planned with their owners.");
        }
        if (outOfScope > 0) {
            findings.add(outOfScope + " more outdated VMI(s) are in namespaces outside the configured scope and were"
                    + " not diagnosed.");
        } else if (!scope.isEverything()) {
            findings.add("The diagnosis covers only the namespaces the configuration selects.");
        }
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}

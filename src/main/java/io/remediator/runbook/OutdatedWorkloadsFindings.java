package io.remediator.runbook;

import io.remediator.kubevirt.ClusterSnapshot;
import io.remediator.kubevirt.HyperConverged;
import io.remediator.kubevirt.KubeVirtResources;
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
    /** KubeVirt's defaults: workload-updater.go:60-61, virt-config.go:40-41, configuration.go:198. */
    static final int DEFAULT_BATCH_EVICTION_SIZE = 10;
    static final String DEFAULT_BATCH_EVICTION_INTERVAL = "1m0s";
    static final String DEFAULT_EVICTION_STRATEGY = "None";
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
        KubeVirtInstallation kv = KubeVirtInstallation.effective(snapshot.kubeVirts());
        ClusterFindings cluster = clusterFindings(kv, snapshot.hyperConverged(), (int) inFlight);
        describeCluster(snapshot.kubeVirts(), cluster, findings);
        snapshot.readProblems().forEach(p -> findings.add("Could not read everything: " + p + "."));

        Map<String, VirtualMachine> vms = new HashMap<>();
        snapshot.vms().forEach(vm -> vms.put(key(vm.namespace(), vm.name()), vm));
        Map<String, List<LauncherPod>> podsByVmi = snapshot.launcherPods().stream()
                .filter(p -> p.vmiUid() != null)
                .collect(Collectors.groupingBy(LauncherPod::vmiUid));
        Map<String, List<VirtualMachineInstanceMigration>> migrationsByVmi = snapshot.migrations().stream()
                .filter(m -> m.vmiName() != null)
                .map(m -> m.failed() && m.failureReason() == null
                        ? m.withFailureReason(snapshot.migrationFailures().get(key(m.namespace(), m.name()))) : m)
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
        List<OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi> liveUpdates = snapshot.liveUpdateVmis().stream()
                .filter(v -> scope.covers(v.namespace(), snapshot.selectedNamespaces()))
                .filter(v -> v.pendingLiveUpdate() != null)
                .map(v -> new OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi(v.namespace(), v.name(), v.nodeName(),
                        v.phase(), v.pendingLiveUpdate(), v.condition(VmiClassifier.LIVE_MIGRATABLE)
                        .map(c -> "True".equalsIgnoreCase(c.status())).orElse(null)))
                .sorted(Comparator.comparing(OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi::namespace)
                        .thenComparing(OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi::name))
                .toList();
        reconcileCount(cluster, snapshot.outdatedVmis(), liveUpdates, outOfScope, findings);
        return new OutdatedWorkloadsDiagnosis(cluster, counts, List.copyOf(findings), List.copyOf(outdated), outOfScope,
                liveUpdates);
    }

    /**
     * The alert fires on KubeVirt's own count (workload-updater.go:469-493): Running VMIs, not being
     * deleted, that are outdated or wait for a hot-plug/volume-change migration. Put this
     * diagnosis's view next to it, and say where they differ.
     */
    private static void reconcileCount(ClusterFindings c, List<VirtualMachineInstance> labelled,
                                       List<OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi> liveUpdates, int outOfScope,
                                       List<String> findings) {
        long countedByKubeVirt = labelled.stream().filter(v -> "Running".equals(v.phase()) && !v.deleting()).count();
        long notCounted = labelled.size() - countedByKubeVirt;
        long liveRunning = liveUpdates.stream().filter(v -> "Running".equals(v.phase())).count();
        if (!liveUpdates.isEmpty()) {
            findings.add(liveUpdates.size() + " more VMI(s) run a current launcher but wait for a live-update migration"
                    + " (a CPU or memory hot-plug or a volume change: conditions HotVCPUChange, HotMemoryChange,"
                    + " MigrationRequired, VolumesChange). They carry no outdated label, but KubeVirt's alert counts them;"
                    + " they are listed, not remediated.");
        }
        if (notCounted > 0) {
            findings.add(notCounted + " labelled VMI(s) are not Running or are being deleted: KubeVirt's updater and its"
                    + " alert no longer count them.");
        }
        if (c.kubeVirtOutdatedCount() == null) {
            return;
        }
        long seen = countedByKubeVirt + liveRunning;
        String line = "KubeVirt counts " + c.kubeVirtOutdatedCount() + " outdated workload(s) (KubeVirt CR"
                + " status.outdatedVirtualMachineInstanceWorkloads, the number behind the alert); this diagnosis sees "
                + seen + " (" + countedByKubeVirt + " labelled and Running, " + liveRunning + " waiting for a live-update"
                + " migration, in the namespaces it reads)";
        if (seen == c.kubeVirtOutdatedCount()) {
            findings.add(line + ": they agree.");
        } else {
            findings.add(line + ": they differ by " + Math.abs(c.kubeVirtOutdatedCount() - seen)
                    + (outOfScope > 0 ? "; " + outOfScope + " outdated VMI(s) are outside the configured scope" : "")
                    + ". KubeVirt updates its count on each of its passes, so a VMI that changed since then, or one this"
                    + " service may not read, explains the difference.");
        }
    }

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

    private static void describeCluster(List<KubeVirtInstallation> all, ClusterFindings c, List<String> findings) {
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

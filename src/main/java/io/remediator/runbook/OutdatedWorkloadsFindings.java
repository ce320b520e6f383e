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
        return diagnose(snapshot, scope, failedMigrationsBeforeRestart, optOutKey, DEFAULT_DUAL_LAUNCHER_GRACE);
    }

    /** `dualLauncher.grace`'s default: two active launchers this long after the last change are no hand-off. */
    public static final java.time.Duration DEFAULT_DUAL_LAUNCHER_GRACE = java.time.Duration.ofSeconds(120);

    /** @param dualLauncherGrace how long two active launchers outside a migration may last before they are a finding */
    public static OutdatedWorkloadsDiagnosis diagnose(ClusterSnapshot snapshot, NamespaceScope scope,
                                                      int failedMigrationsBeforeRestart, String optOutKey,
                                                      java.time.Duration dualLauncherGrace) {
        List<String> findings = new ArrayList<>();
        KubeVirtInstallation kv = KubeVirtInstallation.effective(snapshot.kubeVirts());
        ClusterFindings cluster = KubeVirtSettings.clusterFindings(snapshot);
        KubeVirtSettings.describeCluster(snapshot.kubeVirts(), cluster, findings);
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
        Surrounding surrounding = new Surrounding(snapshot, cluster);
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
                    migrationsByVmi.getOrDefault(key(vmi.namespace(), vmi.name()), List.of()),
                    surrounding.of(vmi)));
        }
        outdated.sort(Comparator.comparing(OutdatedVmi::namespace).thenComparing(OutdatedVmi::name));

        Map<RecommendedAction, Integer> counts = new EnumMap<>(RecommendedAction.class);
        for (RecommendedAction a : RecommendedAction.values()) {
            if (a != RecommendedAction.PATCH_EVICTION_STRATEGY && a != RecommendedAction.EVACUATE_CANCEL) {
                // neither is ever recommended for an outdated VMI
                counts.put(a, 0);
            }
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
        Map<String, io.remediator.kubevirt.VirtualMachineInstance> knownVmis = new HashMap<>();
        java.util.stream.Stream.of(snapshot.outdatedVmis(), snapshot.liveUpdateVmis(), snapshot.twoPodVmis())
                .flatMap(List::stream).filter(v -> v.uid() != null).forEach(v -> knownVmis.put(v.uid(), v));
        List<DualLaunchers.DualLauncher> dual = DualLaunchers.find(snapshot.launcherPods(), snapshot.migrations(),
                knownVmis, snapshot.takenAt(), dualLauncherGrace).stream()
                .filter(x -> scope.covers(x.namespace(), snapshot.selectedNamespaces())).toList();
        // The most urgent thing the report says comes first.
        for (int i = dual.size() - 1; i >= 0; i--) {
            findings.add(0, dual.get(i).finding());
        }
        // Its own branch over whatever it had: what matters about it now is the two launchers.
        Map<String, DualLaunchers.DualLauncher> dualByUid = new HashMap<>();
        dual.forEach(x -> dualByUid.put(x.vmiUid(), x));
        List<OutdatedVmi> classified = dualByUid.isEmpty() ? outdated : outdated.stream()
                .map(v -> v.uid() != null && dualByUid.containsKey(v.uid()) ? v.inBranch(Branch.DUAL_LAUNCHER,
                        dualByUid.get(v.uid()).finding(), "Check which launcher's domain is running (virsh list in each pod),"
                                + " then delete the stale pod by hand; nothing is done to this VM until then.") : v)
                .toList();
        return new OutdatedWorkloadsDiagnosis(cluster, counts, List.copyOf(findings), List.copyOf(classified), outOfScope,
                liveUpdates, dual);
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

    /** What other objects say about each VMI: its FailedEvict Events, PDBs, MigrationPolicies. Pure. */
    private static final class Surrounding {
        private final ClusterSnapshot snapshot;
        private final ClusterFindings cluster;
        private final Map<String, List<io.remediator.kubevirt.DisruptionBudget>> budgetsByNamespace;

        Surrounding(ClusterSnapshot snapshot, ClusterFindings cluster) {
            this.snapshot = snapshot;
            this.cluster = cluster;
            this.budgetsByNamespace = snapshot.disruptionBudgets().stream().filter(b -> !b.kubeVirts())
                    .collect(Collectors.groupingBy(io.remediator.kubevirt.DisruptionBudget::namespace));
        }

        VmiClassifier.Surroundings of(VirtualMachineInstance vmi) {
            // A launcher pod carries the VMI's labels and KubeVirt's own (services/template.go:714-720).
            Map<String, String> podLabels = new HashMap<>(vmi.labels());
            podLabels.put("kubevirt.io", "virt-launcher");
            if (vmi.uid() != null) {
                podLabels.put("kubevirt.io/created-by", vmi.uid());
            }
            List<String> budgets = budgetsByNamespace.getOrDefault(vmi.namespace(), List.of()).stream()
                    .filter(b -> b.selects(podLabels))
                    .map(b -> b.name() + (b.disruptionsAllowed() == null ? "" : " (disruptionsAllowed "
                            + b.disruptionsAllowed() + ")"))
                    .sorted().toList();
            return new VmiClassifier.Surroundings(snapshot.evictionFailures().get(key(vmi.namespace(), vmi.name())),
                    budgets, migrationMayDisrupt(vmi), snapshot.evacuationSeenSince().get(vmi.uid()));
        }

        /**
         * Post-copy or workload disruption allowed for its migrations: by a MigrationPolicy that
         * selects it, else by the KubeVirt CR. A policy that sets a value overrides the CR's
         * (migrationpolicy.go:129-140); where several select it, any that allows counts: the
         * cautious reading.
         */
        private String migrationMayDisrupt(VirtualMachineInstance vmi) {
            Map<String, String> nsLabels = snapshot.namespaceLabels().getOrDefault(vmi.namespace(), Map.of());
            List<io.remediator.kubevirt.MigrationPolicy> selecting = snapshot.migrationPolicies().stream()
                    .filter(p -> p.selects(nsLabels, vmi.labels())).toList();
            for (var p : selecting) {
                boolean postCopy = Boolean.TRUE.equals(p.allowPostCopy());
                boolean disruption = Boolean.TRUE.equals(p.allowWorkloadDisruption() != null ? p.allowWorkloadDisruption()
                        : p.allowPostCopy());
                if (postCopy || disruption) {
                    return "MigrationPolicy " + p.name() + " allows " + (postCopy ? "post-copy" : "")
                            + (postCopy && disruption ? " and " : "") + (disruption ? "workload disruption" : "");
                }
            }
            boolean policySetsPostCopy = selecting.stream().anyMatch(p -> p.allowPostCopy() != null);
            boolean policySetsDisruption = selecting.stream().anyMatch(p -> p.allowWorkloadDisruption() != null
                    || p.allowPostCopy() != null);
            boolean postCopy = cluster.postCopy() && !policySetsPostCopy;
            boolean disruption = cluster.workloadDisruption() && !policySetsDisruption;
            if (postCopy || disruption) {
                return "the KubeVirt CR allows " + (postCopy ? "post-copy" : "") + (postCopy && disruption ? " and " : "")
                        + (disruption ? "workload disruption" : "") + " (spec.configuration.migrations)";
            }
            return null;
        }
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}

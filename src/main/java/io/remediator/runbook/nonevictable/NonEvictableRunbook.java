package io.remediator.runbook.nonevictable;

import io.remediator.kubevirt.ClusterNode;
import io.remediator.kubevirt.ClusterSnapshot;
import io.remediator.kubevirt.DisruptionBudget;
import io.remediator.kubevirt.EvictionReads;
import io.remediator.kubevirt.KubeVirtInformers;
import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.kubevirt.VmTemplate;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.KubeVirtSettings;
import io.remediator.runbook.RecommendedAction;
import io.remediator.runbook.Runbook;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The runbook for `VMCannotBeEvicted` (docs/runbooks/vm-cannot-be-evicted.md): one alert per VMI
 * whose eviction strategy is LiveMigrate but which cannot migrate. Reads each VMI the alerts name,
 * its VM, its node and the budgets over its launcher pod, then the pure half sorts them.
 */
public final class NonEvictableRunbook implements Runbook {
    public static final String ALERTNAME = "VMCannotBeEvicted";
    /** VMIs read (two GETs each) in one diagnosis; the rest are counted in a finding. */
    static final int MAX_VMIS = 500;

    private final KubeVirtInformers cluster;
    private final EvictionReads reads;
    private final String targetStrategy;
    private final boolean autoRestartOnDrain;
    private final String optOutKey;
    private final Clock clock;

    public NonEvictableRunbook(KubeVirtInformers cluster, EvictionReads reads, String targetStrategy,
                               boolean autoRestartOnDrain, String optOutKey, Clock clock) {
        this.cluster = cluster;
        this.reads = reads;
        this.targetStrategy = targetStrategy;
        this.autoRestartOnDrain = autoRestartOnDrain;
        this.optOutKey = optOutKey;
        this.clock = clock;
    }

    @Override
    public String alertname() {
        return ALERTNAME;
    }

    @Override
    public boolean readsAlerts() {
        return true;
    }

    @Override
    public NonEvictableFindings diagnose(List<Map<String, String>> firingAlerts) {
        ClusterSnapshot snapshot = cluster.snapshot();
        KubeVirtInstallation kv = KubeVirtInstallation.effective(snapshot.kubeVirts());
        ClusterFindings settings = KubeVirtSettings.clusterFindings(snapshot);
        List<String> problems = new ArrayList<>(snapshot.readProblems());
        Map<String, ClusterNode> nodes = new LinkedHashMap<>();
        cluster.nodes(problems).forEach(n -> nodes.put(n.name(), n));
        return diagnose(firingAlerts, settings, kv, nodes, snapshot.disruptionBudgets(), problems);
    }

    NonEvictableFindings diagnose(List<Map<String, String>> firingAlerts, ClusterFindings settings, KubeVirtInstallation kv,
                                  Map<String, ClusterNode> nodes, List<DisruptionBudget> budgets, List<String> problems) {
        Alerted alerted = Alerted.of(firingAlerts);
        NonEvictableClassifier classifier = new NonEvictableClassifier(new NonEvictableClassifier.Settings(
                settings.defaultEvictionStrategy(), EvictionReads.drainTaintKey(kv), targetStrategy, autoRestartOnDrain,
                optOutKey, reads.evacuateCancelServed()));
        List<NonEvictableVmi> vmis = new ArrayList<>();
        int read = 0;
        for (Alerted.Vmi a : alerted.vmis()) {
            if (read++ >= MAX_VMIS) {
                break;
            }
            VirtualMachineInstance vmi = reads.vmi(a.namespace(), a.name()).orElse(null);
            VmTemplate vm = vmi == null || vmi.vm() == null ? null : reads.vm(a.namespace(), vmi.vm()).orElse(null);
            ClusterNode node = nodes.get(vmi != null && vmi.nodeName() != null ? vmi.nodeName() : a.node());
            List<String> selecting = vmi == null ? List.of() : budgets.stream()
                    .filter(b -> !b.kubeVirts() && b.namespace().equals(a.namespace())
                            && b.selects(EvictionReads.launcherPodLabels(vmi)))
                    .map(DisruptionBudget::name).sorted().toList();
            vmis.add(classifier.classify(new NonEvictableClassifier.Observed(a.namespace(), a.name(), a.node(), a.alerts(),
                    vmi, vm, node, selecting), clock.instant()));
        }
        return NonEvictableFindings.of(vmis, settings, alerted, problems,
                Math.max(0, alerted.vmis().size() - MAX_VMIS));
    }

    /** The VMIs the alerts name, each once: alerts that differ only in scrape labels (`pod`, `instance`) are one. */
    record Alerted(List<Vmi> vmis, int alerts, int unnamed) {
        record Vmi(String namespace, String name, String node, int alerts) {}

        static Alerted of(List<Map<String, String>> firing) {
            Map<String, Vmi> byName = new java.util.TreeMap<>();
            int unnamed = 0;
            for (Map<String, String> labels : firing) {
                String ns = labels.get("namespace");
                String name = labels.get("name");
                if (ns == null || ns.isBlank() || name == null || name.isBlank()) {
                    unnamed++;
                    continue;
                }
                byName.merge(ns + "/" + name, new Vmi(ns, name, labels.get("node"), 1),
                        (x, y) -> new Vmi(ns, name, x.node() != null ? x.node() : y.node(), x.alerts() + 1));
            }
            return new Alerted(List.copyOf(byName.values()), firing.size(), unnamed);
        }
    }

    static Map<RecommendedAction, Integer> counts(List<NonEvictableVmi> vmis) {
        Map<RecommendedAction, Integer> counts = new EnumMap<>(RecommendedAction.class);
        for (RecommendedAction a : List.of(RecommendedAction.STOP, RecommendedAction.RESTART,
                RecommendedAction.PATCH_EVICTION_STRATEGY, RecommendedAction.EVACUATE_CANCEL, RecommendedAction.WAIT,
                RecommendedAction.NONE)) {
            counts.put(a, 0);
        }
        vmis.forEach(v -> counts.merge(v.recommendedAction(), 1, Integer::sum));
        return counts;
    }

    static TreeSet<String> drainBlockedNodes(List<NonEvictableVmi> vmis) {
        TreeSet<String> out = new TreeSet<>();
        vmis.stream().filter(v -> v.drainBlocked() != null && v.node() != null).forEach(v -> out.add(v.node()));
        return out;
    }
}

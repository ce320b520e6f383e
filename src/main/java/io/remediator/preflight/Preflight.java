package io.remediator.preflight;

import io.remediator.kubevirt.ClusterNode;
import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.kubevirt.OneShotRead;
import io.remediator.kubevirt.VirtualMachine;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import io.remediator.runbook.FailureSignature;
import io.remediator.runbook.KnownSignatures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Before a KubeVirt update: what its workload updater will do to every running VM, by the rules
 * KubeVirt v1.9.0 applies to an outdated VMI (next-capabilities §3.2), and the cluster gates
 * (§3.3). Pure: one read of the cluster in, the report out.
 */
public final class Preflight {
    private Preflight() {}

    /** What KubeVirt's updater will do to a VM once its launcher is outdated. */
    public enum Outcome {
        MIGRATES, EVICTED_MIGRATES, EVICTED_RESTARTS, EVICTED_STAYS_DOWN, NEVER_UPDATED, EXTERNAL;

        /** The VM goes down, stays outdated, or its fate is another controller's. */
        public boolean needsAttention() {
            return this != MIGRATES && this != EVICTED_MIGRATES;
        }
    }

    public enum Flag { BLOCKS_DRAINS, NO_TARGET_NODE, HOST_MODEL_NO_MATCH, SINGLE_KVM_NODE, RECENT_FAILURES, PAUSED,
        RESTART_REQUIRED, SYSTEMIC_SIGNATURE }

    /** virt-handler's node labeller: the node's host CPU model, and the features it requires (node_labeller.go). */
    static final String HOST_MODEL_CPU_LABEL = "host-model-cpu.node.kubevirt.io/";
    static final String HOST_MODEL_FEATURES_LABEL = "host-model-required-features.node.kubevirt.io/";
    /** What a host-model migration target must carry: the source's model as a migration target, and each feature. */
    static final String MIGRATION_CPU_LABEL = "cpu-model-migration.node.kubevirt.io/";
    static final String CPU_FEATURE_LABEL = "cpu-feature.node.kubevirt.io/";

    public enum Result { PASS, WARN, FAIL, INFO }

    public record Gate(String gate, Result result, String evidence) {}

    public record Vm(String name, Outcome outcome, Set<Flag> flags, String why, String vm, String node,
                     String runStrategy, String evictionStrategy) {}

    public record Namespace(String namespace, Map<Outcome, Integer> counts, List<Vm> vms) {}

    /**
     * @param exitCode 0 ready, 2 ready with warnings (VMs disrupted or never updated, or a WARN gate), 3 not ready
     */
    public record Report(Instant generatedAt, Map<String, Object> kubevirt, List<Gate> gates, List<Namespace> namespaces,
                         int exitCode, String cannotPredict) {}

    static final String MACHINE_TYPE_LABEL = "machine-type.node.kubevirt.io/";
    static final String CANNOT_PREDICT = "Whether a live migration across KubeVirt versions succeeds (a CPU feature"
            + " QEMU now reports differently, device state the new QEMU cannot load) cannot be predicted from the API;"
            + " the rollout watch and its failure signatures (docs/migration-failures.md) are the safety net.";

    public static Report assess(OneShotRead read, Instant now, KnownSignatures known) {
        KubeVirtInstallation kv = KubeVirtInstallation.effective(read.kubeVirts());
        List<String> methods = kv == null || kv.workloadUpdateStrategy() == null
                || kv.workloadUpdateStrategy().methods() == null ? List.of()
                : kv.workloadUpdateStrategy().methods();
        String defaultEviction = kv == null || kv.defaultEvictionStrategy() == null ? "None" : kv.defaultEvictionStrategy();
        List<ClusterNode> kvmNodes = read.nodes().stream().filter(ClusterNode::takesVms).toList();
        boolean labelled = read.nodes().stream().anyMatch(n -> n.labels().keySet().stream()
                .anyMatch(k -> k.startsWith(MACHINE_TYPE_LABEL)));
        Map<String, VirtualMachine> vms = new HashMap<>();
        read.vms().forEach(v -> vms.put(v.namespace() + "/" + v.name(), v));
        Map<String, List<VirtualMachineInstanceMigration>> migrations = new HashMap<>();
        read.migrations().stream().filter(m -> m.vmiName() != null)
                .forEach(m -> migrations.computeIfAbsent(m.namespace() + "/" + m.vmiName(), k -> new ArrayList<>()).add(m));

        Map<String, List<Vm>> byNamespace = new TreeMap<>();
        int leftovers = 0;
        for (VirtualMachineInstance vmi : read.vmis()) {
            if (vmi.outdated()) {
                leftovers++;
            }
            if (!"Running".equals(vmi.phase()) || vmi.deleting()) {
                continue;
            }
            VirtualMachine vm = vmi.vm() == null ? null : vms.get(vmi.namespace() + "/" + vmi.vm());
            byNamespace.computeIfAbsent(vmi.namespace(), k -> new ArrayList<>()).add(vm(vmi, vm, methods, defaultEviction,
                    kvmNodes, labelled, read.machineTypes().get(vmi.uid()),
                    migrations.getOrDefault(vmi.namespace() + "/" + vmi.name(), List.of()), known,
                    read.cpuModels().get(vmi.uid()), read.nodes()));
        }
        List<Namespace> namespaces = new ArrayList<>();
        byNamespace.forEach((ns, list) -> {
            list.sort(Comparator.comparing(Vm::name));
            Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
            list.forEach(v -> counts.merge(v.outcome(), 1, Integer::sum));
            namespaces.add(new Namespace(ns, counts, List.copyOf(list)));
        });
        List<Vm> all = namespaces.stream().flatMap(n -> n.vms().stream()).toList();
        List<Gate> gates = new ArrayList<>(gates(kv, methods, defaultEviction, read, kvmNodes, all, leftovers));
        gates.add(disruptionBudgets(read, namespaces));
        gates.add(machineTypes(read, kvmNodes, labelled));
        boolean fail = gates.stream().anyMatch(g -> g.result() == Result.FAIL);
        boolean warn = gates.stream().anyMatch(g -> g.result() == Result.WARN)
                || all.stream().anyMatch(v -> v.outcome().needsAttention() || v.flags().contains(Flag.BLOCKS_DRAINS)
                || v.flags().contains(Flag.HOST_MODEL_NO_MATCH));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("kubevirt", kv == null ? null : kv.namespace() + "/" + kv.name());
        summary.put("version", kv == null ? null : kv.observedKubeVirtVersion());
        summary.put("methods", methods);
        summary.put("defaultEvictionStrategy", defaultEviction);
        summary.put("kvmNodes", kvmNodes.size());
        return new Report(now, summary, gates, namespaces, fail ? 3 : warn ? 2 : 0, CANNOT_PREDICT);
    }

    static Vm vm(VirtualMachineInstance vmi, VirtualMachine vm, List<String> methods, String defaultEviction,
                 List<ClusterNode> kvmNodes, boolean labelled, String machineType,
                 List<VirtualMachineInstanceMigration> migrations, KnownSignatures known) {
        return vm(vmi, vm, methods, defaultEviction, kvmNodes, labelled, machineType, migrations, known, null, List.of());
    }

    /**
     * @param cpuModel the VMI's CPU model (null: not known)
     * @param nodes    every node (its source node's labels name its host-model CPU)
     */
    static Vm vm(VirtualMachineInstance vmi, VirtualMachine vm, List<String> methods, String defaultEviction,
                 List<ClusterNode> kvmNodes, boolean labelled, String machineType,
                 List<VirtualMachineInstanceMigration> migrations, KnownSignatures known, String cpuModel,
                 List<ClusterNode> nodes) {
        boolean liveMigrate = methods.contains("LiveMigrate");
        boolean evict = methods.contains("Evict");
        var condition = vmi.condition("LiveMigratable");
        boolean migratable = condition.map(c -> "True".equals(c.status())).orElse(false);
        String eviction = vmi.evictionStrategy() != null ? vmi.evictionStrategy() : defaultEviction;
        String runStrategy = vm == null ? null : vm.effectiveRunStrategy();
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        Outcome outcome;
        String why;
        if (liveMigrate && migratable) {
            outcome = Outcome.MIGRATES;
            why = "LiveMigrate is on and it can live-migrate: KubeVirt's updater migrates it";
        } else if (evict && "External".equals(eviction)) {
            outcome = Outcome.EXTERNAL;
            why = "its eviction strategy is External: KubeVirt marks it for evacuation and an external controller decides";
        } else if (evict && ("LiveMigrate".equals(eviction) || "LiveMigrateIfPossible".equals(eviction)) && migratable) {
            outcome = Outcome.EVICTED_MIGRATES;
            why = "only Evict is on, and its eviction strategy " + eviction + " turns the eviction into a migration";
        } else if (evict && "LiveMigrate".equals(eviction)) {
            outcome = Outcome.NEVER_UPDATED;
            why = "Evict is on but its eviction strategy is LiveMigrate and it cannot migrate: KubeVirt's eviction"
                    + " webhook refuses every eviction (429), so it stays outdated";
        } else if (evict) {
            boolean restarts = "Always".equals(runStrategy);
            outcome = restarts ? Outcome.EVICTED_RESTARTS : Outcome.EVICTED_STAYS_DOWN;
            why = "Evict with eviction strategy " + eviction + " shuts it down; " + (vm == null ? "it has no VM: it is gone"
                    : restarts ? "its VM (Always) starts it again: a restart"
                    : "its VM (" + runStrategy + ") does not start it again: down until someone starts it");
        } else {
            outcome = Outcome.NEVER_UPDATED;
            why = methods.isEmpty() ? "KubeVirt's workload updates are off (no workloadUpdateMethods): it stays outdated"
                    : "it cannot live-migrate and Evict is not on: KubeVirt never updates it (the alert fires after 24 h)";
        }
        if ("LiveMigrate".equals(eviction) && !migratable) {
            flags.add(Flag.BLOCKS_DRAINS);
        }
        if (outcome == Outcome.MIGRATES || outcome == Outcome.EVICTED_MIGRATES) {
            if (kvmNodes.size() <= 1) {
                flags.add(Flag.SINGLE_KVM_NODE);
            }
            if (labelled && machineType != null && kvmNodes.stream().filter(n -> !n.name().equals(vmi.nodeName()))
                    .noneMatch(n -> "true".equals(n.labels().get(MACHINE_TYPE_LABEL + machineType)))) {
                flags.add(Flag.NO_TARGET_NODE);
            }
            String hostModel = hostModelNoMatch(vmi, cpuModel, nodes, kvmNodes);
            if (hostModel != null) {
                flags.add(Flag.HOST_MODEL_NO_MATCH);
                why += "; " + hostModel;
            }
        }
        List<VirtualMachineInstanceMigration> finished = migrations.stream().filter(m -> !m.inFlight())
                .sorted(Comparator.comparing(VirtualMachineInstanceMigration::createdAt,
                        Comparator.nullsFirst(Comparator.naturalOrder())).reversed()).toList();
        int recentFailures = 0;
        for (VirtualMachineInstanceMigration m : finished) {
            if (!m.failed()) {
                break;
            }
            recentFailures++;
        }
        if (recentFailures >= 2) {
            flags.add(Flag.RECENT_FAILURES);
            why += "; its last " + recentFailures + " migrations failed";
        }
        if (!finished.isEmpty() && finished.get(0).failed() && finished.get(0).failureReason() != null
                && known.of(FailureSignature.of(finished.get(0).failureReason(), false, null).key()).isPresent()) {
            flags.add(Flag.SYSTEMIC_SIGNATURE);
        }
        if (vmi.paused()) {
            flags.add(Flag.PAUSED);
        }
        if (vm != null && vm.restartRequired()) {
            flags.add(Flag.RESTART_REQUIRED);
        }
        return new Vm(vmi.name(), outcome, Set.copyOf(flags), why, vmi.vm(), vmi.nodeName(), runStrategy, eviction);
    }

    /**
     * Best effort (next-capabilities §3.2): a host-model VMI's migration target gets its source node's
     * host CPU model and required features as node selectors, so a target must be labelled
     * `cpu-model-migration.node.kubevirt.io/<model>` and `cpu-feature.node.kubevirt.io/<feature>` for
     * each. The sentence when no other schedulable KVM node is; null when one is, or when the source
     * node carries no labeller labels (nothing to check by).
     */
    static String hostModelNoMatch(VirtualMachineInstance vmi, String cpuModel, List<ClusterNode> nodes,
                                   List<ClusterNode> kvmNodes) {
        if (!io.remediator.kubevirt.OneShotRead.HOST_MODEL.equals(cpuModel) || vmi.nodeName() == null) {
            return null;
        }
        ClusterNode source = nodes.stream().filter(n -> n.name().equals(vmi.nodeName())).findFirst().orElse(null);
        if (source == null) {
            return null;
        }
        String model = source.labels().keySet().stream().filter(k -> k.startsWith(HOST_MODEL_CPU_LABEL))
                .map(k -> k.substring(HOST_MODEL_CPU_LABEL.length())).findFirst().orElse(null);
        if (model == null) {
            return null;
        }
        List<String> features = source.labels().keySet().stream().filter(k -> k.startsWith(HOST_MODEL_FEATURES_LABEL))
                .map(k -> k.substring(HOST_MODEL_FEATURES_LABEL.length())).sorted().toList();
        boolean target = kvmNodes.stream().filter(n -> !n.name().equals(source.name()))
                .anyMatch(n -> "true".equals(n.labels().get(MIGRATION_CPU_LABEL + model))
                        && features.stream().allMatch(f -> "true".equals(n.labels().get(CPU_FEATURE_LABEL + f))));
        return target ? null : "its CPU is host-model (" + model + " on " + source.name() + (features.isEmpty() ? ""
                : ", requiring " + String.join(", ", features)) + ") and no other schedulable KVM node offers that"
                + " model for migration" + (features.isEmpty() ? "" : " with those features")
                + ": its migration cannot be scheduled";
    }

    private static List<Gate> gates(KubeVirtInstallation kv, List<String> methods, String defaultEviction, OneShotRead read,
                                    List<ClusterNode> kvmNodes, List<Vm> vms, int leftovers) {
        List<Gate> gates = new ArrayList<>();
        int kubeVirtCount = kv == null || kv.outdatedWorkloads() == null ? 0 : kv.outdatedWorkloads();
        gates.add(leftovers > 0 || kubeVirtCount > 0
                ? new Gate("PREVIOUS_ROLLOUT_COMPLETE", Result.FAIL, leftovers + " VMI(s) still carry "
                        + KubeVirtResources.OUTDATED_LABEL + " (KubeVirt counts " + kubeVirtCount
                        + "): finish the last update first")
                : new Gate("PREVIOUS_ROLLOUT_COMPLETE", Result.PASS, "no outdated VMI"));
        if (kv == null) {
            gates.add(new Gate("CONTROL_PLANE_HEALTHY", Result.FAIL, "no KubeVirt CR found"));
        } else if (!"Deployed".equals(kv.phase()) || !kv.controlPlaneUpdateComplete()) {
            gates.add(new Gate("CONTROL_PLANE_HEALTHY", Result.FAIL, "KubeVirt " + kv.namespace() + "/" + kv.name()
                    + " is not at its target (phase " + kv.phase() + ", deployed " + kv.observedKubeVirtVersion()
                    + ", target " + kv.targetKubeVirtVersion() + ")"));
        } else {
            gates.add(new Gate("CONTROL_PLANE_HEALTHY", Result.PASS, "KubeVirt " + kv.observedKubeVirtVersion() + " deployed"));
        }
        long migrating = vms.stream().filter(v -> v.outcome() == Outcome.MIGRATES || v.outcome() == Outcome.EVICTED_MIGRATES)
                .count();
        gates.add(kvmNodes.isEmpty() ? new Gate("KVM_NODES", Result.FAIL, "no schedulable node advertises "
                + ClusterNode.KVM_RESOURCE)
                : kvmNodes.size() == 1 ? new Gate("KVM_NODES", migrating > 0 ? Result.FAIL : Result.WARN, "one schedulable"
                + " KVM node: no migration has a target (" + migrating + " VM(s) would migrate)")
                : new Gate("KVM_NODES", Result.PASS, kvmNodes.size() + " schedulable KVM nodes"));
        long never = vms.stream().filter(v -> v.outcome() == Outcome.NEVER_UPDATED).count();
        List<String> evicted = vms.stream().filter(v -> v.outcome() == Outcome.EVICTED_RESTARTS
                || v.outcome() == Outcome.EVICTED_STAYS_DOWN).map(Vm::name).toList();
        gates.add(methods.isEmpty() ? new Gate("UPDATE_METHODS", Result.WARN, "workloadUpdateMethods is empty: "
                + never + " VM(s) will stay outdated")
                : methods.contains("Evict") && !evicted.isEmpty() ? new Gate("UPDATE_METHODS", Result.WARN, "Evict is on: "
                + evicted.size() + " VM(s) will be shut down: " + String.join(", ", evicted.stream().limit(10).toList()))
                : new Gate("UPDATE_METHODS", Result.PASS, "workloadUpdateMethods " + methods));
        long blocks = vms.stream().filter(v -> v.flags().contains(Flag.BLOCKS_DRAINS)).count();
        gates.add("LiveMigrate".equals(defaultEviction) && blocks > 0
                ? new Gate("EVICTION_DEFAULT", Result.WARN, "the cluster's default eviction strategy is LiveMigrate and "
                + blocks + " VM(s) cannot migrate: they block node drains (a change affects new VMIs only)")
                : new Gate("EVICTION_DEFAULT", Result.PASS, "default eviction strategy " + defaultEviction));
        // Harvester's pre-check (check_nodes) looks at the same: a node a VM cannot move to, or off.
        List<String> unavailable = read.nodes().stream().map(ClusterNode::unavailable).filter(java.util.Objects::nonNull)
                .toList();
        gates.add(unavailable.isEmpty() ? new Gate("NODES", Result.PASS, "every KVM node is Ready, uncordoned and"
                + " untainted") : new Gate("NODES", Result.WARN, "KVM node(s) that take no VMs now: "
                + String.join("; ", unavailable)));
        long restartRequired = vms.stream().filter(v -> v.flags().contains(Flag.RESTART_REQUIRED)).count();
        gates.add(new Gate("RESTART_BACKLOG", Result.INFO, restartRequired + " VM(s) with RestartRequired: fold them"
                + " into the planned restarts (one restart per VM)"));
        gates.add(new Gate("EXPECTED_DURATION", Result.INFO, duration(kv, read.migrations(), kvmNodes.size(), migrating,
                evicted.size())));
        return gates;
    }

    /**
     * A budget with `disruptionsAllowed: 0` over a VM's launcher pod refuses the evictions that pass
     * KubeVirt's webhook (a None or LiveMigrateIfPossible shutdown) and node drains; KubeVirt creates
     * none of its own since v1.6.0, and one it made for a migration is not counted.
     */
    static Gate disruptionBudgets(OneShotRead read, List<Namespace> namespaces) {
        if (!read.problems().isEmpty()) {
            return new Gate("PDB_BLOCKERS", Result.INFO, "not checked: " + String.join("; ", read.problems()));
        }
        List<String> blocking = new ArrayList<>();
        for (var budget : read.disruptionBudgets()) {
            if (budget.kubeVirts() || budget.disruptionsAllowed() == null || budget.disruptionsAllowed() > 0) {
                continue;
            }
            List<String> vms = namespaces.stream().filter(ns -> ns.namespace().equals(budget.namespace()))
                    .flatMap(ns -> ns.vms().stream()).filter(v -> {
                        Map<String, String> labels = read.launcherLabels().get(budget.namespace() + "/" + v.name());
                        return labels != null && budget.selects(labels);
                    }).map(Vm::name).toList();
            if (!vms.isEmpty()) {
                blocking.add(budget.namespace() + "/" + budget.name() + " (disruptionsAllowed 0) over "
                        + String.join(", ", vms));
            }
        }
        return blocking.isEmpty() ? new Gate("PDB_BLOCKERS", Result.PASS, "no PodDisruptionBudget at 0 selects a VM's launcher")
                : new Gate("PDB_BLOCKERS", Result.WARN, "refuses evictions and node drains: " + String.join("; ", blocking));
    }

    /** Every launcher gets its machine type as a node selector: a type on fewer than 2 KVM nodes has no migration target. */
    static Gate machineTypes(OneShotRead read, List<ClusterNode> kvmNodes, boolean labelled) {
        if (!labelled) {
            return new Gate("MACHINE_TYPES", Result.INFO, "no node carries " + MACHINE_TYPE_LABEL + "* (KubeVirt's node"
                    + " labeller): not checked");
        }
        Set<String> running = new java.util.TreeSet<>();
        read.vmis().stream().filter(v -> "Running".equals(v.phase()) && v.uid() != null && read.machineTypes().get(v.uid()) != null)
                .forEach(v -> running.add(read.machineTypes().get(v.uid())));
        List<String> scarce = new ArrayList<>();
        for (String type : running) {
            long nodes = kvmNodes.stream().filter(n -> "true".equals(n.labels().get(MACHINE_TYPE_LABEL + type))).count();
            if (nodes < 2) {
                scarce.add(type + " on " + nodes + " schedulable KVM node(s)");
            }
        }
        return scarce.isEmpty() ? new Gate("MACHINE_TYPES", Result.PASS, "every machine type in use is on 2 or more KVM nodes")
                : new Gate("MACHINE_TYPES", Result.WARN, String.join("; ", scarce));
    }

    /** ceil(M / c) × the median of the last 50 succeeded migrations + ceil(E / batch) × interval. */
    static String duration(KubeVirtInstallation kv, List<VirtualMachineInstanceMigration> migrations, int kvmNodes,
                           long migrating, long evicted) {
        List<Duration> took = migrations.stream().filter(m -> m.succeededAt() != null)
                .sorted(Comparator.comparing(VirtualMachineInstanceMigration::succeededAt).reversed()).limit(50)
                .map(m -> Duration.between(m.schedulingAt() != null ? m.schedulingAt() : m.createdAt(), m.succeededAt()))
                .filter(d -> !d.isNegative()).sorted().toList();
        if (took.isEmpty()) {
            return "unknown: no succeeded migration to measure by (" + migrating + " to migrate, " + evicted + " to evict)";
        }
        Duration median = took.get(took.size() / 2);
        int perCluster = kv == null || kv.migrations() == null || kv.migrations().parallelMigrationsPerCluster() == null
                ? 5 : kv.migrations().parallelMigrationsPerCluster();
        int perNode = kv == null || kv.migrations() == null || kv.migrations().parallelOutboundMigrationsPerNode() == null
                ? 2 : kv.migrations().parallelOutboundMigrationsPerNode();
        int c = io.remediator.rollout.RolloutEta.concurrency(perCluster, perNode, kvmNodes);
        long seconds = ((migrating + c - 1) / c) * median.toSeconds();
        var s = kv == null ? null : kv.workloadUpdateStrategy();
        int batch = s == null || s.batchEvictionSize() == null ? 10 : s.batchEvictionSize();
        Duration interval = s == null || s.batchEvictionInterval() == null ? Duration.ofMinutes(1)
                : io.remediator.config.GoDuration.parse(s.batchEvictionInterval());
        seconds += ((evicted + batch - 1) / Math.max(1, batch)) * interval.toSeconds();
        return "about " + Duration.ofSeconds(seconds).toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + " (" + migrating + " migration(s), " + c + " at once, median " + median.toSeconds() + " s over "
                + took.size() + " recent; " + evicted + " eviction(s) in batches of " + batch + ")";
    }
}

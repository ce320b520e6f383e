package io.remediator.runbook;

import io.remediator.kubevirt.EvictionFailure;
import io.remediator.kubevirt.LauncherPod;
import io.remediator.kubevirt.VirtualMachine;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Puts one outdated VMI into its runbook branch, as the runbook's mitigation section reads: a
 * running migration first, then migrations that keep failing, then whether KubeVirt's own
 * workload updater will handle it, then what is left to the operator. Pure.
 */
final class VmiClassifier {
    static final String LIVE_MIGRATABLE = "LiveMigratable";
    static final String REPLICA_SET = "VirtualMachineInstanceReplicaSet";

    private final ClusterFindings cluster;
    private final int failedMigrationsBeforeRestart;
    private final String optOutKey;

    VmiClassifier(ClusterFindings cluster, int failedMigrationsBeforeRestart, String optOutKey) {
        this.cluster = cluster;
        this.failedMigrationsBeforeRestart = failedMigrationsBeforeRestart;
        this.optOutKey = optOutKey;
    }

    /**
     * What else the cluster says about one VMI, read from other objects than the VMI itself.
     *
     * @param evictionFailure     KubeVirt's `FailedEvict` Events on it, or null
     * @param disruptionBudgets   PodDisruptionBudgets (not KubeVirt's) selecting its launcher pod, as
     *                            `name (disruptionsAllowed N)`
     * @param migrationMayDisrupt why a migration of it may interrupt the guest, or null
     * @param evacuationSeenSince when its evacuation mark was first seen, or null
     */
    record Surroundings(EvictionFailure evictionFailure, List<String> disruptionBudgets, String migrationMayDisrupt,
                        Instant evacuationSeenSince) {
        static final Surroundings NONE = new Surroundings(null, List.of(), null, null);
    }

    private boolean optedOut(Map<String, String> labels, Map<String, String> annotations) {
        return optOutKey != null && ("true".equals(labels.get(optOutKey)) || "true".equals(annotations.get(optOutKey)));
    }

    OutdatedVmi classify(VirtualMachineInstance vmi, VirtualMachine vm, List<LauncherPod> pods,
                         List<VirtualMachineInstanceMigration> migrations) {
        return classify(vmi, vm, pods, migrations, Surroundings.NONE);
    }

    OutdatedVmi classify(VirtualMachineInstance vmi, VirtualMachine vm, List<LauncherPod> pods,
                         List<VirtualMachineInstanceMigration> migrations, Surroundings around) {
        var condition = vmi.condition(LIVE_MIGRATABLE);
        Boolean migratable = condition.map(c -> "True".equalsIgnoreCase(c.status())).orElse(null);
        Instant outdatedSince = outdatedSince(vmi);
        OutdatedVmi.MigrationHistory history = MigrationHistories.since(migrations,
                outdatedSince != null ? outdatedSince : vmi.createdAt());
        String eviction = effectiveEvictionStrategy(vmi);
        Facts f = new Facts(vmi, vm, Boolean.TRUE.equals(migratable), eviction, history,
                cluster.failuresCountSince() != null, around);
        Decision d = decide(f);
        return new OutdatedVmi(
                vmi.namespace(), vmi.name(), vmi.uid(), vmi.nodeName(), vmi.phase(), migratable,
                condition.map(VirtualMachineInstance.Condition::reason).orElse(null),
                condition.map(VirtualMachineInstance.Condition::message).orElse(null),
                vmi.evictionStrategy(),
                eviction,
                vmi.vm(),
                vm == null ? null : vm.effectiveRunStrategy(),
                vm != null && vm.recreatesVmi(),
                vm != null && vm.restartable(),
                optedOut(vmi.labels(), vmi.annotations()) || (vm != null && optedOut(vm.labels(), vm.annotations())),
                pods.stream().sorted(Comparator.comparing(LauncherPod::name))
                        .map(p -> new OutdatedVmi.LauncherPodRef(p.name(), p.nodeName(), p.phase(), p.terminating()))
                        .toList(),
                history, outdatedSince, d.branch, d.action, d.explanation, d.mitigation,
                vmi.vm() != null ? null : vmi.ownerKind(), d.restartDeletesVmi, d.approvalRequired, vmi.paused(),
                vm != null && vm.restartRequired(), vmi.evacuationNodeName(),
                vmi.evacuationNodeName() == null ? null : around.evacuationSeenSince(),
                around.migrationMayDisrupt(), around.disruptionBudgets());
    }

    /** Everything one decision reads. */
    private record Facts(VirtualMachineInstance vmi, VirtualMachine vm, boolean migratable, String eviction,
                         OutdatedVmi.MigrationHistory history, boolean failuresDated, Surroundings around) {}

    /** The VMI's own strategy, else the cluster default, else None: migrations.go:116-122. */
    private String effectiveEvictionStrategy(VirtualMachineInstance vmi) {
        if (vmi.evictionStrategy() != null) {
            return vmi.evictionStrategy();
        }
        return cluster.defaultEvictionStrategy() != null ? cluster.defaultEvictionStrategy() : "None";
    }

    private String evictionSource(VirtualMachineInstance vmi) {
        return vmi.evictionStrategy() != null ? "its own" : "the cluster default";
    }

    private record Decision(Branch branch, RecommendedAction action, String explanation, String mitigation,
                            boolean restartDeletesVmi, String approvalRequired) {
        Decision(Branch branch, RecommendedAction action, String explanation, String mitigation) {
            this(branch, action, explanation, mitigation, false, null);
        }

        Decision withApproval(String why) {
            return why == null || approvalRequired != null ? this
                    : new Decision(branch, action, explanation, mitigation, restartDeletesVmi, why);
        }
    }

    private Decision decide(Facts f) {
        VirtualMachineInstance vmi = f.vmi();
        OutdatedVmi.MigrationHistory history = f.history();
        if (vmi.deleting() || "Succeeded".equals(vmi.phase()) || "Failed".equals(vmi.phase())) {
            return new Decision(Branch.GOING_AWAY, RecommendedAction.NONE,
                    (vmi.deleting() ? "It is being deleted" : "It has finished (phase " + vmi.phase() + ")")
                            + ", so it leaves its outdated launcher by itself.", null);
        }
        boolean migratable = f.migratable();
        // While the control plane updates, KubeVirt's updater has not started: it will migrate a
        // migratable VMI once the update completes, whatever failed before (workload-updater.go:450-455).
        boolean updaterWillStillMigrate = migratable && cluster.liveMigrateEnabled() && cluster.controlPlaneUpdating();
        // Failures are dated from the current update; with no known time only KubeVirt's own
        // retry loop, visible now, proves that they are current.
        boolean keepsFailing = migratable && !updaterWillStillMigrate
                && history.failedCount() >= failedMigrationsBeforeRestart
                && (f.failuresDated() || history.kubeVirtRetryWaiting());
        if (history.inFlightPhase() != null && !(keepsFailing && history.kubeVirtRetryWaiting())) {
            return new Decision(Branch.MIGRATION_IN_FLIGHT, RecommendedAction.WAIT,
                    "Migration " + history.inFlightName() + " is in flight (" + history.inFlightPhase() + ")"
                            + (Boolean.TRUE.equals(history.inFlightByWorkloadUpdater())
                                    ? ", created by KubeVirt's workload updater"
                                    : Boolean.TRUE.equals(history.inFlightByEvacuation())
                                            ? ", created by KubeVirt's evacuation controller (a drain or an eviction)" : "")
                            + "; it moves the VMI to an up-to-date launcher if it succeeds.", null);
        }
        if (!"Running".equals(vmi.phase()) || vmi.condition(LIVE_MIGRATABLE).isEmpty()) {
            // workload-updater.go:395-397 skips VMIs that are not Running; types.go:537-544 reads
            // LiveMigratable on every sync. Nothing is decided about a VMI that is still starting.
            return new Decision(Branch.STARTING, RecommendedAction.WAIT, (!"Running".equals(vmi.phase())
                    ? "It is not Running yet (phase " + (vmi.phase() == null ? "unset" : vmi.phase()) + "): KubeVirt's"
                            + " workload updater ignores it until it runs"
                    : "KubeVirt has not reported yet whether it can live-migrate (no LiveMigratable condition, as right"
                            + " after a start): KubeVirt's workload updater reads it again on every pass")
                    + (cluster.workloadUpdatesEnabled() ? ", then handles it with " + String.join(" and ",
                            cluster.workloadUpdateMethods()) : "") + ". Nothing is done to it until then; the next diagnosis"
                    + " looks again.", null);
        }
        if (keepsFailing) {
            String failures = history.failedCount() + " migrations of it have failed since it became outdated"
                    + (history.lastFailureReason() == null ? "" : " (last: " + history.lastFailureReason() + ")")
                    + (history.inFlightName() != null
                            ? "; KubeVirt's " + (Boolean.TRUE.equals(history.inFlightByEvacuation())
                                    ? "evacuation controller" : "workload updater") + " has already queued the next"
                                    + " attempt (" + history.inFlightName() + ", Pending while KubeVirt's backoff, which"
                                    + " doubles after each failure, runs out) and would keep retrying forever"
                            : cluster.liveMigrateEnabled() ? "; KubeVirt's updater would keep retrying forever" : "");
            return restartOrStop(Branch.MIGRATIONS_KEEP_FAILING, f, failures);
        }
        if (migratable && cluster.liveMigrateEnabled()) {
            return new Decision(Branch.KUBEVIRT_WILL_MIGRATE, RecommendedAction.WAIT,
                    "It can live-migrate and KubeVirt's workload updater has LiveMigrate enabled, so KubeVirt will"
                            + " migrate it" + updaterCaveat()
                            + (history.failedCount() > 0 ? " (" + history.failedCount() + " earlier attempt(s) failed"
                                    + (updaterWillStillMigrate ? "; the updater's own attempt after the update starts"
                                            + " with no backoff" : "") + ")" : "")
                            + ".", null);
        }
        String batches = " (in batches of " + cluster.batchEvictionSize() + " every " + cluster.batchEvictionInterval() + ")";
        if (migratable && cluster.evictEnabled()) {
            // workload-updater.go:421-425: without LiveMigrate, migratable VMIs are evicted too.
            String head = "It can live-migrate, but KubeVirt's workload updater has only Evict enabled, so it will evict"
                    + " it" + updaterCaveat() + batches;
            return switch (f.eviction()) {
                case "LiveMigrate", "LiveMigrateIfPossible" -> new Decision(Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.WAIT,
                        head + "; its eviction strategy " + f.eviction() + " (" + evictionSource(vmi) + ") makes KubeVirt"
                                + " live-migrate it instead of shutting it down: no downtime.", null);
                case "External" -> external(f, true);
                // workload-updater.go:508-527, 547-550: the updater evicts its batch, unshuffled, every
                // interval; this service's migrations are capped by parallelMigrationsPerCluster, so at
                // scale KubeVirt shuts most of them down first.
                default -> new Decision(Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.LIVE_MIGRATE,
                        head + "; with eviction strategy " + f.eviction() + " (" + evictionSource(vmi) + ") the eviction"
                                + " shuts it down." + afterShutdown(f) + " A live migration updates it without downtime if"
                                + " it starts before KubeVirt's eviction reaches it; with many such VMIs KubeVirt shuts"
                                + " most of them down first. The fix that avoids these restarts is adding LiveMigrate to"
                                + " the workload update methods (" + enableWithLiveMigrate() + "): KubeVirt then migrates"
                                + " every migratable VMI instead of evicting it." + migrationCaveat(f), migrateCommand(vmi));
            };
        }
        if (migratable && !"External".equals(f.eviction())) {
            return new Decision(Branch.MIGRATABLE_NOT_AUTOMATED, RecommendedAction.LIVE_MIGRATE,
                    "It can live-migrate, but LiveMigrate is not enabled in the KubeVirt CR's workloadUpdateStrategy,"
                            + " so nothing will move it. "
                            + (f.around().migrationMayDisrupt() == null ? "A live migration updates it without downtime."
                                    : "A live migration updates it." + migrationCaveat(f)),
                    migrateCommand(vmi));
        }
        if (migratable) {
            return new Decision(Branch.MIGRATABLE_NOT_AUTOMATED, RecommendedAction.LIVE_MIGRATE,
                    "It can live-migrate, but LiveMigrate is not enabled in the KubeVirt CR's workloadUpdateStrategy,"
                            + " so nothing will move it. A live migration updates it without taking it off its node's"
                            + " tenant (eviction strategy External only governs evictions)." + migrationCaveat(f),
                    migrateCommand(vmi));
        }
        String why = notMigratableWhy(vmi);
        if ("External".equals(f.eviction())) {
            return external(f, false);
        }
        if (cluster.evictEnabled() && "LiveMigrate".equals(f.eviction())) {
            // pod-eviction-admitter.go:147-150: 429 "is configured with an eviction strategy but is
            // not live-migratable", every batch, forever.
            return restartOrStop(Branch.NOT_MIGRATABLE_NOT_AUTOMATED, f, why + " Evict is enabled, but its"
                    + " eviction strategy is LiveMigrate (" + evictionSource(vmi) + "), so KubeVirt's eviction webhook"
                    + " refuses every eviction of it (429 \"not live-migratable\"): KubeVirt will never update it");
        }
        if (cluster.evictEnabled()) {
            EvictionFailure failed = f.around().evictionFailure();
            if (failed != null) {
                // workload-updater.go:623-626: a refused eviction is logged as FailedEvict and tried
                // again every batch, forever.
                return restartOrStop(Branch.EVICTION_BLOCKED, f, why + " KubeVirt's workload updater keeps trying to"
                        + " evict it and fails: " + failed.count() + " FailedEvict event(s), the last" + (failed.lastAt() == null
                                ? "" : " at " + failed.lastAt()) + ": \"" + failed.message() + "\""
                        + budgets(f, "; ") + ". KubeVirt retries every batch and never gets through; a restart through"
                        + " KubeVirt deletes the VMI without an eviction, which a PodDisruptionBudget does not stop");
            }
            String evicted = why + " KubeVirt's workload updater has Evict enabled and will evict it" + updaterCaveat()
                    + batches + "; with eviction strategy " + f.eviction() + " (" + evictionSource(vmi) + ") the eviction"
                    + " shuts it down." + afterShutdown(f) + budgets(f, " ");
            Decision wait = new Decision(Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.WAIT, evicted, null);
            if (!staysDownAfterEviction(f)) {
                return wait;
            }
            // Eviction leaves Manual, RerunOnFailure (a clean shutdown ends Succeeded) and Once VMs
            // down for good (vm.go:1047-1112, 1140-1148): a restart updates it and brings it back.
            Decision restart = restartOrStop(Branch.KUBEVIRT_WILL_EVICT, f, evicted
                    + " A restart instead updates it and brings it back");
            return restart.action() == RecommendedAction.RESTART ? restart : wait;
        }
        return restartOrStop(Branch.NOT_MIGRATABLE_NOT_AUTOMATED, f,
                why + " Evict is not enabled in the KubeVirt CR, so KubeVirt will never update it");
    }

    /** After KubeVirt's eviction shut it down, nothing starts it again. */
    private static boolean staysDownAfterEviction(Facts f) {
        if (f.vm() == null) {
            return !REPLICA_SET.equals(f.vmi().ownerKind());
        }
        return !f.vm().recreatesVmi();
    }

    private String enableWithLiveMigrate() {
        return "workloadUpdateMethods [LiveMigrate, " + String.join(", ", cluster.workloadUpdateMethods()) + "]";
    }

    private static String budgets(Facts f, String lead) {
        return f.around().disruptionBudgets().isEmpty() ? ""
                : lead + "PodDisruptionBudget(s) selecting its launcher pod: " + String.join(", ", f.around().disruptionBudgets())
                        + (lead.equals(" ") ? "; one that allows no disruption refuses the eviction (429) every batch." : "");
    }

    private static String migrationCaveat(Facts f) {
        return f.around().migrationMayDisrupt() == null ? ""
                : " Its migration is not free of disruption: " + f.around().migrationMayDisrupt() + ", so a migration that"
                        + " runs past its completion timeout may interrupt the guest, and a failed post-copy migration"
                        + " leaves it Failed; it obeys the policy's windows and batches like a restart.";
    }

    private Decision external(Facts f, boolean migratable) {
        VirtualMachineInstance vmi = f.vmi();
        String mark = vmi.evacuationNodeName() == null ? "" : " KubeVirt has marked it for evacuation off "
                + vmi.evacuationNodeName() + " (status.evacuationNodeName" + (f.around().evacuationSeenSince() == null ? ""
                        : ", seen since " + f.around().evacuationSeenSince()) + "); nothing has acted on that mark yet.";
        String owner = "Its eviction strategy is External (" + evictionSource(vmi) + "): an external controller (such as"
                + " cluster-api-provider-kubevirt for a tenant cluster's node) owns its disruption, and KubeVirt's eviction"
                + " only marks it (status.evacuationNodeName) and moves nothing (pod-eviction-admitter.go:156-157).";
        String approval = "eviction strategy External: an external controller owns this VMI's disruption";
        if (cluster.evictEnabled()) {
            return new Decision(Branch.EXTERNAL_EVICTION, RecommendedAction.WAIT,
                    (migratable ? "It can live-migrate, but KubeVirt's workload updater has only Evict enabled. "
                            : notMigratableWhy(vmi) + " ") + owner + " KubeVirt's workload updater will evict it"
                            + updaterCaveat() + "; the external controller must act on that mark." + mark, null);
        }
        Decision d = restartOrStop(Branch.EXTERNAL_EVICTION, f, notMigratableWhy(vmi) + " " + owner
                + " KubeVirt will never update it" + mark + " A restart or stop bypasses that controller (for a tenant"
                + " node: no cordon or drain inside the tenant), so it runs only when a person approves it, whatever the"
                + " policy says");
        return d.withApproval(approval);
    }

    /** What happens after an eviction shut the VMI down (virt-handler vm.go:2252-2270; vm.go:970-1177). */
    private static String afterShutdown(Facts f) {
        VirtualMachine vm = f.vm();
        if (vm == null) {
            return REPLICA_SET.equals(f.vmi().ownerKind())
                    ? " Its VirtualMachineInstanceReplicaSet creates a fresh VMI in an up-to-date launcher: a restart."
                    : " It has no VirtualMachine, so it does not come back: downtime.";
        }
        String strategy = vm.effectiveRunStrategy() == null ? "unset" : vm.effectiveRunStrategy();
        return switch (strategy) {
            case "Always" -> " Its VM " + vm.name() + " (run strategy Always) starts it again in an up-to-date launcher:"
                    + " a restart.";
            case "RerunOnFailure" -> " Its VM " + vm.name() + " (run strategy RerunOnFailure) starts it again only if"
                    + " the guest did not shut down cleanly (a clean shutdown ends Succeeded, which it does not rerun):"
                    + " it may stay down until someone starts it.";
            default -> " Its VM " + vm.name() + " (run strategy " + strategy + ") does not start it again: it stays"
                    + " down until someone starts it.";
        };
    }

    private static String migrateCommand(VirtualMachineInstance vmi) {
        return vmi.vm() != null ? "virtctl migrate -n " + vmi.namespace() + " " + vmi.vm()
                : "printf 'apiVersion: kubevirt.io/v1\\nkind: VirtualMachineInstanceMigration\\nmetadata:\\n"
                        + "  generateName: " + vmi.name() + "-update-\\n  namespace: " + vmi.namespace()
                        + "\\nspec:\\n  vmiName: " + vmi.name() + "\\n' | kubectl create -f -";
    }

    /**
     * How its owner lets it be restarted, else stopped; a paused guest or a VM with pending
     * changes is said, and a paused guest is never restarted without a person.
     */
    private Decision restartOrStop(Branch branch, Facts f, String situation) {
        VirtualMachineInstance vmi = f.vmi();
        VirtualMachine vm = f.vm();
        Decision d = restartOrStopBy(branch, vmi, vm, situation);
        String also = "";
        if (vmi.paused() && d.action() != RecommendedAction.NONE) {
            also += " Its guest is paused (condition Paused): "
                    + (d.action() == RecommendedAction.RESTART ? "the restart starts a new VMI, which runs, so the guest"
                            + " someone paused resumes" : "stopping it ends the paused guest")
                    + "; it runs only when a person approves it, whatever the policy says.";
            d = d.withApproval("its guest is paused: a restart resumes it");
        }
        if (vm != null && vm.restartRequired() && d.action() == RecommendedAction.RESTART) {
            also += " Its VM " + vm.name() + " has RestartRequired: the restart also applies the VM's pending spec"
                    + " changes, not only the new launcher.";
        }
        return also.isEmpty() ? d : new Decision(d.branch(), d.action(), d.explanation() + also, d.mitigation(),
                d.restartDeletesVmi(), d.approvalRequired());
    }

    private Decision restartOrStopBy(Branch branch, VirtualMachineInstance vmi, VirtualMachine vm, String situation) {
        if (vm != null && vm.waitsAsReceiver()) {
            // rest/lifecycle.go:211-246 has no case for WaitAsReceiver: stop answers 202 and does nothing.
            return new Decision(branch, RecommendedAction.NONE, situation + ". Its VM " + vm.name() + " has run strategy"
                    + " WaitAsReceiver (the receiving end of a decentralized live migration): KubeVirt's restart and stop"
                    + " do nothing for it, so this service does not offer them; it is updated by the migration it waits"
                    + " for, or by whoever set that run strategy.", null);
        }
        if (vm != null && vm.restartable()) {
            return new Decision(branch, RecommendedAction.RESTART,
                    situation + ". Restarting it through KubeVirt updates it: KubeVirt stops this VMI and its VM "
                            + vm.name() + " (run strategy " + vm.effectiveRunStrategy() + ", which it keeps) starts a"
                            + " new one in an up-to-date launcher right away; the workload is down for the restart.",
                    "virtctl restart -n " + vmi.namespace() + " " + vm.name());
        }
        if (vm != null && vm.once()) {
            // vm.go:1140-1148: a Once VM whose VMI is deleted gets a fresh VMI; restart refuses Once
            // (lifecycle.go:438-441) and stop turns it into Halted (lifecycle.go:238-245).
            return new Decision(branch, RecommendedAction.RESTART,
                    situation + ". Its VM " + vm.name() + " has run strategy Once: KubeVirt's restart refuses Once, but"
                            + " its VM controller starts a fresh VMI, in an up-to-date launcher, when this one is deleted,"
                            + " so deleting the VMI is its restart; the workload is down for the restart. (A stop would"
                            + " turn Once into Halted, and a later start would make the VM Always.)",
                    "kubectl delete vmi -n " + vmi.namespace() + " " + vmi.name(), true, null);
        }
        if (vm == null && REPLICA_SET.equals(vmi.ownerKind())) {
            // replicaset.go:248-250: the replica set replaces a deleted VMI.
            return new Decision(branch, RecommendedAction.RESTART,
                    situation + ". It belongs to a VirtualMachineInstanceReplicaSet, which replaces a deleted VMI with a"
                            + " fresh one in an up-to-date launcher: deleting it is its restart; the workload is down for"
                            + " the restart.",
                    "kubectl delete vmi -n " + vmi.namespace() + " " + vmi.name(), true, null);
        }
        String stop;
        String command;
        if (vm == null) {
            stop = vmi.ownerKind() == null
                    ? " It has no VirtualMachine or other owner: stopping it deletes the VMI object, its only definition,"
                            + " so it cannot be started again; recreating it takes its original manifest."
                    : " It has no VirtualMachine (its owner is a " + vmi.ownerKind() + "): stopping it deletes the VMI,"
                            + " and nothing this service knows of recreates it.";
            command = "kubectl delete vmi -n " + vmi.namespace() + " " + vmi.name();
            return new Decision(branch, RecommendedAction.STOP, situation + "." + stop + " That is real downtime.",
                    command);
        }
        String strategy = vm.effectiveRunStrategy() == null ? "unset" : vm.effectiveRunStrategy();
        stop = " Its VM " + vm.name() + " (run strategy " + strategy + ") cannot be restarted by KubeVirt"
                + " (its restart refuses Halted) and will not start it again by itself.";
        command = "virtctl stop -n " + vmi.namespace() + " " + vm.name();
        return new Decision(branch, RecommendedAction.STOP,
                situation + "." + stop + " Stopping it is real downtime: the workload stays down until someone"
                        + " starts it again, which then runs in an up-to-date launcher.", command);
    }

    private String updaterCaveat() {
        return Boolean.TRUE.equals(cluster.controlPlaneUpdateComplete()) ? ""
                : " once the KubeVirt control-plane update completes";
    }

    private static String notMigratableWhy(VirtualMachineInstance vmi) {
        return vmi.condition(LIVE_MIGRATABLE)
                .map(c -> "It cannot live-migrate (" + (c.reason() == null ? "no reason given" : c.reason()) + ").")
                .orElse("KubeVirt has not reported whether it can live-migrate.");
    }

    /**
     * Since when its migration failures count: the start of the current control-plane update (or
     * its completion, if the start is unknown). KubeVirt labels a VMI outdated as soon as the new
     * virt-controller leads (vmi/lifecycle.go:846-859), during the update. Null when the update
     * times are unknown, or for a VMI created since (its failures then count from its creation).
     */
    private Instant outdatedSince(VirtualMachineInstance vmi) {
        Instant since = cluster.failuresCountSince();
        if (since == null || vmi.createdAt() == null || vmi.createdAt().isAfter(since)) {
            return null;
        }
        return since;
    }
}

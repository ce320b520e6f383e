package io.remediator.runbook;

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
 * workload updater will handle it, then what is left to the operator.
 */
final class VmiClassifier {
    static final String LIVE_MIGRATABLE = "LiveMigratable";

    private final ClusterFindings cluster;
    private final int failedMigrationsBeforeRestart;
    private final String optOutKey;

    VmiClassifier(ClusterFindings cluster, int failedMigrationsBeforeRestart, String optOutKey) {
        this.cluster = cluster;
        this.failedMigrationsBeforeRestart = failedMigrationsBeforeRestart;
        this.optOutKey = optOutKey;
    }

    private boolean optedOut(Map<String, String> labels, Map<String, String> annotations) {
        return optOutKey != null && ("true".equals(labels.get(optOutKey)) || "true".equals(annotations.get(optOutKey)));
    }

    OutdatedVmi classify(VirtualMachineInstance vmi, VirtualMachine vm, List<LauncherPod> pods,
                         List<VirtualMachineInstanceMigration> migrations) {
        var condition = vmi.condition(LIVE_MIGRATABLE);
        Boolean migratable = condition.map(c -> "True".equalsIgnoreCase(c.status())).orElse(null);
        Instant outdatedSince = outdatedSince(vmi);
        OutdatedVmi.MigrationHistory history = MigrationHistories.since(migrations, outdatedSince != null ? outdatedSince : vmi.createdAt());
        String eviction = effectiveEvictionStrategy(vmi);
        Decision d = decide(vmi, vm, Boolean.TRUE.equals(migratable), eviction, history);
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
                history, outdatedSince, d.branch, d.action, d.explanation, d.mitigation);
    }

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

    private record Decision(Branch branch, RecommendedAction action, String explanation, String mitigation) {}

    private Decision decide(VirtualMachineInstance vmi, VirtualMachine vm, boolean migratable, String eviction,
                            OutdatedVmi.MigrationHistory history) {
        if (vmi.deleting() || "Succeeded".equals(vmi.phase()) || "Failed".equals(vmi.phase())) {
            return new Decision(Branch.GOING_AWAY, RecommendedAction.NONE,
                    (vmi.deleting() ? "It is being deleted" : "It has finished (phase " + vmi.phase() + ")")
                            + ", so it leaves its outdated launcher by itself.", null);
        }
        boolean keepsFailing = migratable && history.failedCount() >= failedMigrationsBeforeRestart;
        if (history.inFlightPhase() != null && !(keepsFailing && updaterRetryWaiting(history))) {
            return new Decision(Branch.MIGRATION_IN_FLIGHT, RecommendedAction.WAIT,
                    "Migration " + history.inFlightName() + " is in flight (" + history.inFlightPhase() + ")"
                            + (Boolean.TRUE.equals(history.inFlightByWorkloadUpdater())
                                    ? ", created by KubeVirt's workload updater" : "")
                            + "; it moves the VMI to an up-to-date launcher if it succeeds.", null);
        }
        if (keepsFailing) {
            String failures = history.failedCount() + " migrations of it have failed since it became outdated"
                    + (history.lastFailureReason() == null ? "" : " (last: " + history.lastFailureReason() + ")")
                    + (history.inFlightName() != null
                            ? "; KubeVirt's workload updater has already queued the next attempt (" + history.inFlightName()
                                    + ", Pending while KubeVirt's backoff, which doubles after each failure, runs out)"
                                    + " and would keep retrying forever"
                            : cluster.liveMigrateEnabled() ? "; KubeVirt's updater would keep retrying forever" : "");
            return restartOrStop(Branch.MIGRATIONS_KEEP_FAILING, vmi, vm, failures);
        }
        if (migratable && cluster.liveMigrateEnabled()) {
            return new Decision(Branch.KUBEVIRT_WILL_MIGRATE, RecommendedAction.WAIT,
                    "It can live-migrate and KubeVirt's workload updater has LiveMigrate enabled, so KubeVirt will"
                            + " migrate it" + updaterCaveat()
                            + (history.failedCount() > 0 ? " (" + history.failedCount() + " earlier attempt(s) failed)" : "")
                            + ".", null);
        }
        if (migratable && cluster.evictEnabled()) {
            // workload-updater.go:421-425: without LiveMigrate, migratable VMIs are evicted too.
            String head = "It can live-migrate, but KubeVirt's workload updater has only Evict enabled, so it will evict"
                    + " it" + updaterCaveat() + " (in batches of " + cluster.batchEvictionSize() + " every "
                    + cluster.batchEvictionInterval() + ")";
            return switch (eviction) {
                case "LiveMigrate", "LiveMigrateIfPossible" -> new Decision(Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.WAIT,
                        head + "; its eviction strategy " + eviction + " (" + evictionSource(vmi) + ") makes KubeVirt"
                                + " live-migrate it instead of shutting it down: no downtime.", null);
                case "External" -> external(vmi, true);
                default -> new Decision(Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.LIVE_MIGRATE,
                        head + "; with eviction strategy " + eviction + " (" + evictionSource(vmi) + ") the eviction shuts"
                                + " it down." + afterShutdown(vm) + " A live migration first updates it without downtime,"
                                + " and KubeVirt's updater then has nothing left to evict.", migrateCommand(vmi));
            };
        }
        if (migratable) {
            return new Decision(Branch.MIGRATABLE_NOT_AUTOMATED, RecommendedAction.LIVE_MIGRATE,
                    "It can live-migrate, but LiveMigrate is not enabled in the KubeVirt CR's workloadUpdateStrategy,"
                            + " so nothing will move it. A live migration updates it without downtime.",
                    migrateCommand(vmi));
        }
        String why = notMigratableWhy(vmi);
        if ("External".equals(eviction) && cluster.evictEnabled()) {
            return external(vmi, false);
        }
        if (cluster.evictEnabled() && "LiveMigrate".equals(eviction)) {
            // pod-eviction-admitter.go:147-150: 429 "is configured with an eviction strategy but is
            // not live-migratable", every batch, forever.
            return restartOrStop(Branch.NOT_MIGRATABLE_NOT_AUTOMATED, vmi, vm, why + " Evict is enabled, but its"
                    + " eviction strategy is LiveMigrate (" + evictionSource(vmi) + "), so KubeVirt's eviction webhook"
                    + " refuses every eviction of it (429 \"not live-migratable\"): KubeVirt will never update it");
        }
        if (cluster.evictEnabled()) {
            return new Decision(Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.WAIT,
                    why + " KubeVirt's workload updater has Evict enabled and will evict it" + updaterCaveat()
                            + " (in batches of " + cluster.batchEvictionSize() + " every " + cluster.batchEvictionInterval()
                            + "); with eviction strategy " + eviction + " (" + evictionSource(vmi) + ") the eviction shuts"
                            + " it down." + afterShutdown(vm), null);
        }
        return restartOrStop(Branch.NOT_MIGRATABLE_NOT_AUTOMATED, vmi, vm,
                why + " Evict is not enabled in the KubeVirt CR, so KubeVirt will never update it");
    }

    /** The updater's own next attempt, held Pending by KubeVirt's migration backoff (migration.go:1047-1112). */
    private static boolean updaterRetryWaiting(OutdatedVmi.MigrationHistory history) {
        return Boolean.TRUE.equals(history.inFlightByWorkloadUpdater()) && "Pending".equals(history.inFlightPhase());
    }

    private Decision external(VirtualMachineInstance vmi, boolean migratable) {
        return new Decision(Branch.EXTERNAL_EVICTION, RecommendedAction.WAIT,
                (migratable ? "It can live-migrate, but its" : notMigratableWhy(vmi) + " Its") + " eviction strategy is"
                        + " External (" + evictionSource(vmi) + "): KubeVirt's workload updater will evict it"
                        + updaterCaveat() + ", which only marks it (status.evacuationNodeName) and moves nothing; an"
                        + " external controller (such as cluster-api-provider-kubevirt) must act on that mark.", null);
    }

    /** What happens after an eviction shut the VMI down (virt-handler vm.go:2252-2270; vm.go:970-1177). */
    private static String afterShutdown(VirtualMachine vm) {
        if (vm == null) {
            return " It has no VirtualMachine, so it does not come back: downtime.";
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

    private Decision restartOrStop(Branch branch, VirtualMachineInstance vmi, VirtualMachine vm, String situation) {
        if (vm != null && vm.restartable()) {
            return new Decision(branch, RecommendedAction.RESTART,
                    situation + ". Restarting it through KubeVirt updates it: KubeVirt stops this VMI and its VM "
                            + vm.name() + " (run strategy " + vm.effectiveRunStrategy() + ", which it keeps) starts a"
                            + " new one in an up-to-date launcher right away; the workload is down for the restart.",
                    "virtctl restart -n " + vmi.namespace() + " " + vm.name());
        }
        String stop;
        String command;
        if (vm == null) {
            stop = " It has no VirtualMachine: stopping means deleting the VMI, and nothing recreates it.";
            command = "kubectl delete vmi -n " + vmi.namespace() + " " + vmi.name();
        } else {
            String strategy = vm.effectiveRunStrategy() == null ? "unset" : vm.effectiveRunStrategy();
            stop = " Its VM " + vm.name() + " (run strategy " + strategy + ") cannot be restarted by KubeVirt"
                    + " (its restart refuses Halted and Once) and will not start it again by itself.";
            command = "virtctl stop -n " + vmi.namespace() + " " + vm.name();
        }
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
                .orElse("KubeVirt has not reported whether it can live-migrate, so it is treated as not"
                        + " migratable, as KubeVirt's own updater does.");
    }

    /**
     * A lower bound: KubeVirt labels a VMI outdated as soon as the running virt-controller's
     * launcher image differs from its pod's (vmi/lifecycle.go:846-859), which happens during the
     * rollout; the update's completion is the latest such moment for a VMI created before it. For
     * a younger VMI the moment is unknown.
     */
    private Instant outdatedSince(VirtualMachineInstance vmi) {
        Instant completed = cluster.updateCompletedAt();
        if (completed == null || vmi.createdAt() == null || vmi.createdAt().isAfter(completed)) {
            return null;
        }
        return completed;
    }
}

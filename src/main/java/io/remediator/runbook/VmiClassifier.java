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
        OutdatedVmi.MigrationHistory history = history(migrations, outdatedSince != null ? outdatedSince : vmi.createdAt());
        boolean recreated = vm != null && vm.recreatesVmi();
        Decision d = decide(vmi, vm, Boolean.TRUE.equals(migratable), history);
        return new OutdatedVmi(
                vmi.namespace(), vmi.name(), vmi.nodeName(), vmi.phase(), migratable,
                condition.map(VirtualMachineInstance.Condition::reason).orElse(null),
                condition.map(VirtualMachineInstance.Condition::message).orElse(null),
                vmi.evictionStrategy(),
                vmi.vm(),
                vm == null ? null : vm.effectiveRunStrategy(),
                recreated,
                optedOut(vmi.labels(), vmi.annotations()) || (vm != null && optedOut(vm.labels(), vm.annotations())),
                pods.stream().sorted(Comparator.comparing(LauncherPod::name))
                        .map(p -> new OutdatedVmi.LauncherPodRef(p.name(), p.nodeName(), p.phase())).toList(),
                history, outdatedSince, d.branch, d.action, d.explanation, d.mitigation);
    }

    private record Decision(Branch branch, RecommendedAction action, String explanation, String mitigation) {}

    private Decision decide(VirtualMachineInstance vmi, VirtualMachine vm, boolean migratable,
                            OutdatedVmi.MigrationHistory history) {
        if (vmi.deleting() || "Succeeded".equals(vmi.phase()) || "Failed".equals(vmi.phase())) {
            return new Decision(Branch.GOING_AWAY, RecommendedAction.NONE,
                    (vmi.deleting() ? "It is being deleted" : "It has finished (phase " + vmi.phase() + ")")
                            + ", so it leaves its outdated launcher by itself.", null);
        }
        if (history.inFlightPhase() != null) {
            return new Decision(Branch.MIGRATION_IN_FLIGHT, RecommendedAction.WAIT,
                    "Migration " + history.inFlightName() + " is in flight (" + history.inFlightPhase() + ")"
                            + (Boolean.TRUE.equals(history.inFlightByWorkloadUpdater())
                                    ? ", created by KubeVirt's workload updater" : "")
                            + "; it moves the VMI to an up-to-date launcher if it succeeds.", null);
        }
        if (migratable && history.failedCount() >= failedMigrationsBeforeRestart) {
            String failures = history.failedCount() + " migrations of it have failed since it became outdated"
                    + (history.lastFailureReason() == null ? "" : " (last: " + history.lastFailureReason() + ")")
                    + (cluster.liveMigrateEnabled() ? "; KubeVirt's updater would keep retrying forever" : "");
            return restartOrStop(Branch.MIGRATIONS_KEEP_FAILING, vmi, vm, failures);
        }
        if (migratable && cluster.liveMigrateEnabled()) {
            return new Decision(Branch.KUBEVIRT_WILL_MIGRATE, RecommendedAction.WAIT,
                    "It can live-migrate and KubeVirt's workload updater has LiveMigrate enabled, so KubeVirt will"
                            + " migrate it" + updaterCaveat()
                            + (history.failedCount() > 0 ? " (" + history.failedCount() + " earlier attempt(s) failed)" : "")
                            + ".", null);
        }
        if (migratable) {
            return new Decision(Branch.MIGRATABLE_NOT_AUTOMATED, RecommendedAction.LIVE_MIGRATE,
                    "It can live-migrate, but LiveMigrate is not enabled in the KubeVirt CR's workloadUpdateStrategy,"
                            + " so nothing will move it. A live migration updates it without downtime.",
                    "printf 'apiVersion: kubevirt.io/v1\\nkind: VirtualMachineInstanceMigration\\nmetadata:\\n"
                            + "  generateName: " + vmi.name() + "-update-\\n  namespace: " + vmi.namespace()
                            + "\\nspec:\\n  vmiName: " + vmi.name() + "\\n' | kubectl create -f -");
        }
        String why = notMigratableWhy(vmi);
        if (cluster.evictEnabled()) {
            String after = vm == null ? " It has no VirtualMachine, so once evicted it does not come back: downtime."
                    : vm.recreatesVmi()
                            ? " Its VM " + vm.name() + " (run strategy " + vm.effectiveRunStrategy()
                                    + ") starts it again in an up-to-date launcher: a restart."
                            : " Its VM " + vm.name() + " (run strategy " + vm.effectiveRunStrategy()
                                    + ") does not start it again: it stays down until someone starts it.";
            return new Decision(Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.WAIT,
                    why + " KubeVirt's workload updater has Evict enabled and will evict it" + updaterCaveat() + "."
                            + after, null);
        }
        return restartOrStop(Branch.NOT_MIGRATABLE_NOT_AUTOMATED, vmi, vm,
                why + " Evict is not enabled in the KubeVirt CR, so KubeVirt will never update it");
    }

    private Decision restartOrStop(Branch branch, VirtualMachineInstance vmi, VirtualMachine vm, String situation) {
        if (vm != null && vm.recreatesVmi()) {
            return new Decision(branch, RecommendedAction.RESTART,
                    situation + ". Restarting it updates it: its VM " + vm.name() + " (run strategy "
                            + vm.effectiveRunStrategy() + ") starts a new VMI in an up-to-date launcher right away;"
                            + " the workload is down for the restart.",
                    "virtctl restart -n " + vmi.namespace() + " " + vm.name()
                            + "   # or: kubectl delete vmi -n " + vmi.namespace() + " " + vmi.name());
        }
        String stop;
        String command;
        if (vm == null) {
            stop = " It has no VirtualMachine: stopping means deleting the VMI, and nothing recreates it.";
            command = "kubectl delete vmi -n " + vmi.namespace() + " " + vmi.name();
        } else {
            stop = " Its VM " + vm.name() + " (run strategy " + (vm.effectiveRunStrategy() == null ? "unset"
                    : vm.effectiveRunStrategy()) + ") will not start it again by itself.";
            command = "virtctl stop -n " + vmi.namespace() + " " + vm.name() + "   # or: kubectl patch vm -n "
                    + vmi.namespace() + " " + vm.name() + " --type merge -p '"
                    + (vm.usesDeprecatedRunning() ? "{\"spec\":{\"running\":false}}" : "{\"spec\":{\"runStrategy\":\"Halted\"}}")
                    + "'";
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
     * KubeVirt marks VMIs outdated when its control-plane update completes; a VMI created before
     * that moment has been outdated since then. For a younger VMI the moment is unknown.
     */
    private Instant outdatedSince(VirtualMachineInstance vmi) {
        Instant completed = cluster.updateCompletedAt();
        if (completed == null || vmi.createdAt() == null || vmi.createdAt().isAfter(completed)) {
            return null;
        }
        return completed;
    }

    /**
     * Counts only migrations created since {@code since}: a VMI of the same name that existed
     * before, or failures from before the update, say nothing about this VMI now.
     */
    static OutdatedVmi.MigrationHistory history(List<VirtualMachineInstanceMigration> all, Instant since) {
        if (all.isEmpty()) {
            return OutdatedVmi.MigrationHistory.NONE;
        }
        VirtualMachineInstanceMigration inFlight = null;
        VirtualMachineInstanceMigration lastFailed = null;
        int failed = 0;
        int succeeded = 0;
        int byUpdater = 0;
        int failedByUs = 0;
        for (VirtualMachineInstanceMigration m : all) {
            if (m.inFlight()) {
                // An unfinished migration blocks new ones whatever its age.
                if (inFlight == null || newer(m, inFlight)) {
                    inFlight = m;
                }
            }
            if (since != null && m.createdAt() != null && m.createdAt().isBefore(since)) {
                continue;
            }
            if (m.createdByWorkloadUpdater()) {
                byUpdater++;
            }
            if (m.failed()) {
                failed++;
                if (m.createdByRemediator()) {
                    failedByUs++;
                }
                if (lastFailed == null || compareFailure(m, lastFailed) > 0) {
                    lastFailed = m;
                }
            } else if ("Succeeded".equals(m.phase())) {
                succeeded++;
            }
        }
        return new OutdatedVmi.MigrationHistory(
                // KubeVirt has not set a phase yet on a migration it has only just accepted.
                inFlight == null ? null : inFlight.phase() == null ? "Pending" : inFlight.phase(),
                inFlight == null ? null : inFlight.name(),
                inFlight == null ? null : inFlight.createdByWorkloadUpdater(),
                inFlight == null ? null : inFlight.createdByRemediator(),
                failed,
                lastFailed == null ? null : lastFailed.failedAt(),
                lastFailed == null ? null : lastFailed.failureReason(),
                succeeded,
                byUpdater,
                failedByUs);
    }

    private static boolean newer(VirtualMachineInstanceMigration a, VirtualMachineInstanceMigration b) {
        return a.createdAt() != null && (b.createdAt() == null || a.createdAt().isAfter(b.createdAt()));
    }

    private static int compareFailure(VirtualMachineInstanceMigration a, VirtualMachineInstanceMigration b) {
        Comparator<Instant> c = Comparator.nullsFirst(Comparator.naturalOrder());
        int byTime = c.compare(a.failedAt(), b.failedAt());
        return byTime != 0 ? byTime : a.name().compareTo(b.name());
    }
}

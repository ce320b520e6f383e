package io.remediator.remediation;

import io.remediator.config.GoDuration;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.Findings;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.VmiFinding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, without touching anything, what the policy allows for each outdated VMI: records in,
 * planned actions out. The executor then only carries out what this returns.
 */
public final class RemediationPlanner {
    private final RemediationPolicy policy;

    public RemediationPlanner(RemediationPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param policyNamespaces namespaces matching `policy.namespaces.selector`, null when none is set
     * @param recent           what this service executed lately: the circuit breaker's and the
     *                         batch limit's share already used
     * @param approved         {@link Approval#entry() approval entries}: action, attempt and target UID
     * @param episode          identifies the alert's firing episode; part of deterministic names
     */
    public List<PlannedAction> plan(Findings d, Set<String> policyNamespaces,
                                    ActionLedger.RecentActions recent, Set<String> approved, String episode,
                                    Instant now) {
        return plan(d, policyNamespaces, recent, approved, episode, now, false);
    }

    /**
     * @param enableRefused the API server refused the dry run of this pass's ENABLE_WORKLOAD_UPDATES:
     *                      KubeVirt's updater stays as it is, so nothing is handed to it
     */
    public List<PlannedAction> plan(Findings d, Set<String> policyNamespaces,
                                    ActionLedger.RecentActions recent, Set<String> approved, String episode,
                                    Instant now, boolean enableRefused) {
        return plan(d, policyNamespaces, recent, approved, episode, now, enableRefused,
                new OwnerRules(policy, OwnerAnnotations.NONE));
    }

    /** @param owners what the namespaces' and VMs' annotations add (docs/owners.md) */
    public List<PlannedAction> plan(Findings d, Set<String> policyNamespaces,
                                    ActionLedger.RecentActions recent, Set<String> approved, String episode,
                                    Instant now, boolean enableRefused, OwnerRules owners) {
        ClusterFindings cluster = d.cluster();
        Budget budget = new Budget(policy, cluster, recent, d.kubeVirtDisruptionsThisBatch());
        budget.owners = owners;
        budget.recent = recent;
        List<PlannedAction> out = new ArrayList<>();

        boolean kubeVirtTakesLiveMigrate = false;
        if (d.enablingWorkloadUpdatesHelps()) {
            // Under HCO the setting lives in the HyperConverged: HCO reverts an edit of the KubeVirt CR.
            Target target = updaterSetting(cluster);
            String ns = target.namespace();
            PlannedAction enable = PlannedAction.proposed("ENABLE_WORKLOAD_UPDATES " + ns + "/" + target.name(),
                    Action.ENABLE_WORKLOAD_UPDATES, ns, null, null, null, target, 1,
                    policy.rule(Action.ENABLE_WORKLOAD_UPDATES), now);
            enable = cluster.controlPlaneUpdating() ? controlPlaneUpdating(enable, cluster) : decide(enable, approved, budget, now);
            // Handed over only once the enable is proven: a refused dry run (RBAC, a webhook, an
            // unreachable API server) leaves KubeVirt's updater as it was.
            kubeVirtTakesLiveMigrate = enable.decision().executes() && !enableRefused
                    && policy.enableWorkloadUpdatesMethods().contains("LiveMigrate");
            out.add(enable);
        }
        for (VmiFinding v : d.vmis()) {
            if (someoneElsesMigrationInFlight(v, cluster)) {
                out.add(PlannedAction.proposed(Action.LIVE_MIGRATE + " " + v.namespace() + "/" + v.name(),
                        Action.LIVE_MIGRATE, v.namespace(), v.name(), v.vm(), v.uid(),
                        new Target("VirtualMachineInstanceMigration", v.namespace(), v.migrations().inFlightName()), 1,
                        policy.rule(Action.LIVE_MIGRATE), now)
                        .decided(Decision.IN_FLIGHT, "migration " + v.migrations().inFlightName() + " is in flight ("
                                + v.migrations().inFlightPhase() + "); a second one is never created"));
                continue;
            }
            Action action = Action.carrying(v.recommendedAction());
            if (action == null) {
                continue;
            }
            int attempt = action == Action.LIVE_MIGRATE ? v.migrations().failedByRemediator() + 1 : 1;
            PlannedAction p = PlannedAction.proposed(action + " " + v.namespace() + "/" + v.name(), action, v.namespace(),
                    v.name(), v.vm(), v.uid(), object(action, v, episode, attempt), attempt, policy.rule(action), now)
                    .withChange(action == Action.PATCH_EVICTION_STRATEGY || action == Action.EVACUATE_CANCEL
                            ? v.change() : null)
                    .withAnyLauncher(!v.actsOnlyWhileOutdated());
            // A VMI without a VM is looked up by its own name: its skip-until is all it may say.
            OwnerRules.Effective owner = owners.of(v.namespace(), v.vm() != null ? v.vm() : v.name());
            if (!policy.scope().covers(v.namespace(), policyNamespaces)) {
                p = p.decided(Decision.OUT_OF_SCOPE, "namespace " + v.namespace() + " is outside policy.namespaces");
            } else if (v.optedOut()) {
                p = p.decided(Decision.OPTED_OUT, "the VM or VMI carries " + policy.optOutKey() + "=true");
            } else if (owner.skipUntil() != null && now.isBefore(owner.skipUntil())) {
                // Expires by itself: the first pass after that time plans it again.
                p = p.decided(Decision.OPTED_OUT, "the VM or VMI carries " + OwnerAnnotations.SKIP_UNTIL + "="
                        + owner.skipUntil() + ": left alone until then");
            } else if (cluster.controlPlaneUpdating()) {
                p = controlPlaneUpdating(p, cluster);
            } else if (action == Action.LIVE_MIGRATE && kubeVirtTakesLiveMigrate) {
                p = p.decided(Decision.HANDED_TO_KUBEVIRT,
                        "this pass enables LiveMigrate in KubeVirt's workload updater, which will migrate it");
            } else if (action == Action.LIVE_MIGRATE && attempt > policy.maxRetries() + 1) {
                p = p.decided(Decision.GAVE_UP, v.migrations().failedByRemediator() + " migrations this service created"
                        + " failed (policy.maxRetries=" + policy.maxRetries() + "); left to the operator: "
                        + (v.vmRestartable() ? "restart it (virtctl restart -n " + v.namespace() + " " + v.vm()
                                + "): its VM starts it again in an up-to-date launcher"
                                : "stop it when its workload allows; nothing starts it again by itself"));
            } else if (attempt > 1 && v.migrations().lastFailedAt() != null
                    && now.isBefore(retryDue(v.migrations().lastFailedAt(), attempt, cluster))) {
                p = p.decided(Decision.RETRY_BACKOFF, "attempt " + attempt + " waits until "
                        + retryDue(v.migrations().lastFailedAt(), attempt, cluster) + " (the wait doubles per failure)");
            } else {
                p = decide(p, approved, budget, now, v.approvalRequired(),
                        action == Action.LIVE_MIGRATE ? v.migrationMayDisrupt() : null, owner);
            }
            out.add(p);
        }
        return out;
    }

    /** Where KubeVirt's updater is set: the HyperConverged under HCO (HCO reverts the KubeVirt CR), else the KubeVirt CR. */
    static Target updaterSetting(ClusterFindings cluster) {
        var hco = cluster.hyperConverged();
        return hco != null ? new Target("HyperConverged", hco.namespace(), hco.name())
                : new Target("KubeVirt", cluster.kubeVirt().namespace(), cluster.kubeVirt().name());
    }

    /**
     * Pausing KubeVirt's updater while a failure signature is systemic, cancelling its queued
     * migrations with the pause, and resuming (next-capabilities §2.4). All `report` unless the
     * policy names them; a resume is approval-only.
     *
     * @param systemic    the open rollout's systemic signature keys
     * @param pausedFrom  the methods a pause recorded on the setting's object (its annotation), or
     *                    null when it carries none
     * @param queued      the updater's migrations a cancel would delete now (ns/name)
     * @param waitingLive VMIs waiting for a hot-plug or volume-update migration (a pause stops those too)
     */
    public List<PlannedAction> updaterControl(OutdatedWorkloadsDiagnosis d, Set<String> systemic, List<String> pausedFrom,
                                              List<String> queued, int waitingLive, Set<String> approved, Instant now) {
        ClusterFindings cluster = d.cluster();
        if (cluster == null || cluster.kubeVirt() == null || cluster.controlPlaneUpdating()) {
            return List.of();
        }
        Target target = updaterSetting(cluster);
        List<String> methods = settingMethods(cluster);
        List<PlannedAction> out = new ArrayList<>();
        List<String> dual = d.dualLaunchers().stream().map(x -> x.namespace() + "/" + x.vmi()).toList();
        if ((!systemic.isEmpty() || !dual.isEmpty()) && !methods.isEmpty()) {
            List<String> because = new ArrayList<>();
            if (!systemic.isEmpty()) {
                because.add(String.join(", ", systemic) + " is systemic");
            }
            if (!dual.isEmpty()) {
                // kubevirt/kubevirt#15373, #16622: after the updater's migrations; more of them may do it again.
                because.add(String.join(", ", dual.stream().limit(5).toList()) + (dual.size() > 5 ? " and "
                        + (dual.size() - 5) + " more" : "") + (dual.size() == 1 ? " runs" : " run")
                        + " in two launchers (kubevirt/kubevirt#15373, #16622: after the updater's migrations)");
            }
            String what = "patch " + target + " " + (target.kind().equals("HyperConverged")
                    ? "(hco.kubevirt.io/v1beta1) spec.workloadUpdateStrategy.workloadUpdateMethods: []"
                    : "spec.workloadUpdateStrategy.workloadUpdateMethods: []") + " (now " + methods + "; the annotation "
                    + PAUSED_ANNOTATION + " keeps " + methods + " for the resume), because " + String.join("; and ", because)
                    + ". Side effects: " + UpdaterPause.sideEffects(target.kind(), waitingLive);
            PlannedAction pause = PlannedAction.proposed("PAUSE_WORKLOAD_UPDATES " + target.namespace() + "/" + target.name(),
                    Action.PAUSE_WORKLOAD_UPDATES, target.namespace(), null, null, null, target, 1,
                    policy.rule(Action.PAUSE_WORKLOAD_UPDATES), now);
            pause = setting(pause, approved, what);
            out.add(pause);
            if (!queued.isEmpty()) {
                PlannedAction cancel = PlannedAction.proposed("CANCEL_UPDATER_MIGRATIONS " + target.namespace() + "/"
                                + target.name(), Action.CANCEL_UPDATER_MIGRATIONS, target.namespace(), null, null, null,
                        target, 1, policy.rule(Action.CANCEL_UPDATER_MIGRATIONS), now);
                // Approved together: an approval of the pause approves the cancel that goes with it.
                Set<String> withPause = new java.util.HashSet<>(approved);
                if (approved.contains(Approval.of(pause).entry())) {
                    withPause.add(Approval.of(cancel).entry());
                }
                out.add(setting(cancel, withPause, "delete the " + queued.size() + " migration(s) KubeVirt's updater queued"
                        + " that have not reached a target (phase unset, Pending, Scheduling, Scheduled): " + String.join(", ",
                        queued.stream().limit(10).toList()) + (queued.size() > 10 ? ", …" : "") + "; never this service's,"
                        + " an evacuation's or a user's migration, never one past hand-off"));
            }
        }
        if (pausedFrom != null && methods.isEmpty()) {
            // Offered while paused, whatever the signatures say: a person decides when to resume.
            PlannedAction resume = PlannedAction.proposed("RESUME_WORKLOAD_UPDATES " + target.namespace() + "/" + target.name(),
                    Action.RESUME_WORKLOAD_UPDATES, target.namespace(), null, null, null, target, 1,
                    policy.rule(Action.RESUME_WORKLOAD_UPDATES), now);
            out.add(setting(resume, approved, "restore " + target + " workloadUpdateMethods to " + pausedFrom
                    + " (recorded by the pause in " + PAUSED_ANNOTATION + "); " + (systemic.isEmpty()
                    ? "no failure signature is systemic now" : "still systemic: " + String.join(", ", systemic)
                    + " — resume once KubeVirt is fixed") + "; refused if someone changed the methods meanwhile"));
        }
        return out;
    }

    /**
     * The methods on the object that sets them: the HyperConverged's own under HCO (what a pause
     * patched; HCO copies it to the KubeVirt CR), else the KubeVirt CR's.
     */
    public static List<String> settingMethods(ClusterFindings cluster) {
        var hco = cluster.hyperConverged();
        return hco != null && hco.workloadUpdateMethods() != null ? hco.workloadUpdateMethods()
                : cluster.workloadUpdateMethods();
    }

    /** The annotation a pause leaves on the patched object: the methods it found, as JSON. */
    public static final String PAUSED_ANNOTATION = "kubevirt-remediator/paused-workload-update-methods";

    /** The policy's word on a cluster setting: no window, batch or migration budget applies to it. */
    private PlannedAction setting(PlannedAction p, Set<String> approved, String what) {
        Setting setting = policy.effective(p.action());
        if (setting == Setting.NEVER) {
            return p.decided(Decision.NEVER, p.rule());
        }
        if (setting == Setting.REPORT) {
            return p.decided(Decision.REPORT_ONLY, p.rule() + ": would " + what);
        }
        if (setting == Setting.APPROVE && !approved.contains(Approval.of(p).entry())) {
            return p.decided(Decision.AWAITING_APPROVAL, p.rule() + (p.action() == Action.RESUME_WORKLOAD_UPDATES
                    ? " (a resume always waits for a person)" : "") + ": once approved, will " + what);
        }
        return p.decided(setting == Setting.APPROVE ? Decision.APPROVED : Decision.RUN, p.rule() + ": " + what);
    }

    private static PlannedAction controlPlaneUpdating(PlannedAction p, ClusterFindings cluster) {
        String state = cluster.observedKubeVirtVersion() == null && cluster.targetKubeVirtVersion() == null
                ? "KubeVirt's control plane is not deployed (phase " + (cluster.phase() == null ? "unset" : cluster.phase()) + ")"
                : "KubeVirt's control plane is updating (deployed " + (cluster.observedKubeVirtVersion() == null ? "unknown"
                        : cluster.observedKubeVirtVersion()) + ", target " + (cluster.targetKubeVirtVersion() == null
                        ? "unknown" : cluster.targetKubeVirtVersion()) + ")";
        return p.decided(Decision.CONTROL_PLANE_UPDATING, state + ": KubeVirt's own workload updater waits until it is"
                + " deployed (workload-updater.go:450-455), and so does this service; the next pass looks again");
    }

    /**
     * A migration this service did not create is moving the VMI. (This service's own shows as the
     * follow-up of its action; the workload updater's, while its LiveMigrate is on, is KubeVirt's
     * business: the service would not have acted either way.)
     */
    private static boolean someoneElsesMigrationInFlight(VmiFinding v, ClusterFindings cluster) {
        var m = v.migrations();
        return m.inFlightName() != null && !Boolean.TRUE.equals(m.inFlightByRemediator())
                && !(Boolean.TRUE.equals(m.inFlightByWorkloadUpdater()) && cluster.liveMigrateEnabled());
    }

    /** Attempt 2 waits one pass interval after the last failure, attempt 3 two, attempt 4 four... */
    private Instant retryDue(Instant lastFailure, int attempt, ClusterFindings cluster) {
        return lastFailure.plus(policy.passInterval(cluster.batchEvictionInterval()).multipliedBy(1L << Math.min(attempt - 2, 10)));
    }

    private PlannedAction decide(PlannedAction p, Set<String> approved, Budget budget, Instant now) {
        return decide(p, approved, budget, now, null, null, null);
    }

    /**
     * An approval counts only for the action's target VMI (UID) and this attempt.
     *
     * @param approvalRequired why this action waits for a person whatever the policy says, or null
     * @param mayDisrupt       why a live migration may interrupt the guest (it then obeys windows and
     *                         batches like a disruptive action), or null
     * @param owner            what its namespace and VM add (docs/owners.md), or null for a cluster setting
     */
    private PlannedAction decide(PlannedAction p, Set<String> approved, Budget budget, Instant now,
                                 String approvalRequired, String mayDisrupt, OwnerRules.Effective owner) {
        Action a = p.action();
        Setting setting = policy.effective(a);
        String rule = p.rule();
        if (owner != null && owner.ceiling().compareTo(setting) < 0) {
            // A namespace or VM may only tighten the policy, never loosen it.
            setting = owner.ceiling();
            rule = owner.ceilingRule();
        }
        if (setting == Setting.NEVER) {
            return p.decided(Decision.NEVER, rule);
        }
        if (setting == Setting.REPORT) {
            return p.decided(Decision.REPORT_ONLY, rule + ": planned and dry-run, not executed");
        }
        boolean isApproved = approved.contains(Approval.of(p).entry());
        if (setting == Setting.AUTO && approvalRequired != null && !isApproved) {
            return p.decided(Decision.AWAITING_APPROVAL, "needs a person's approval whatever the policy says ("
                    + rule + "): " + approvalRequired);
        }
        if (setting == Setting.APPROVE && !isApproved) {
            return p.decided(Decision.AWAITING_APPROVAL, rule + ": runs once approved"
                    + (approvalRequired == null ? "" : " (" + approvalRequired + ")"));
        }
        boolean disruptive = a.disruptive() || mayDisrupt != null;
        String what = (a.disruptive() ? "disruptive actions" : "this migration may"
                + " interrupt the guest (" + mayDisrupt + "), so it") + " run" + (a.disruptive() ? "" : "s");
        boolean ownWindows = owner != null && owner.windows().layers().stream()
                .anyMatch(l -> !l.source().equals("policy.windows"));
        if (disruptive && ownWindows) {
            java.util.Optional<Instant> next = budget.nextOpening(owner.windows(), now);
            if (next.isEmpty()) {
                return p.decided(Decision.NO_COMMON_WINDOW, "no time is in every window that applies: "
                        + owner.windows() + "; it is deferred until one of them changes");
            }
            if (next.get().isAfter(now)) {
                return p.decided(Decision.OUTSIDE_WINDOW, what + " only in " + owner.windows() + "; next: "
                        + NEXT.format(next.get().atZone(owner.zone())) + " " + owner.zone());
            }
        } else if (disruptive && !policy.windowOpen(now)) {
            return p.decided(Decision.OUTSIDE_WINDOW, what + " only in policy.windows " + policy.windows() + " ("
                    + policy.timeZone() + ")");
        }
        if (budget.used.getOrDefault(a, 0) >= policy.maxActionsPerHour()) {
            return p.decided(Decision.CIRCUIT_BREAKER, "policy.limits.maxActionsPerHour=" + policy.maxActionsPerHour()
                    + " " + a + " actions already ran in the last hour");
        }
        if (a == Action.LIVE_MIGRATE) {
            if (budget.migrationSlots == 0) {
                return p.decided(Decision.MIGRATION_LIMIT, "as many migrations are in flight as allowed"
                        + " (policy.limits.maxMigrationsInFlight, at most KubeVirt's parallelMigrationsPerCluster)");
            }
            budget.migrationSlots--;
        }
        if (disruptive) {
            if (budget.disruptiveSlots == 0) {
                return p.decided(Decision.BATCH_LIMIT, "this batch is full (" + budget.batch
                        + "); the next batch follows without a new alert");
            }
            if (owner != null && owner.batchSize() > 0) {
                Duration interval = owner.batchInterval() != null ? owner.batchInterval() : budget.interval;
                int left = budget.namespaceSlots.computeIfAbsent(p.namespace(), ns -> Math.max(0,
                        owner.batchSize() - budget.recent.disruptiveIn(ns, now.minus(interval))));
                if (left == 0) {
                    return p.decided(Decision.BATCH_LIMIT, "namespace " + p.namespace() + "'s batch is full ("
                            + owner.batchSize() + " disruptive action(s) per " + GoDuration.format(interval) + ": "
                            + OwnerAnnotations.BATCH_SIZE + (owner.batchInterval() != null ? ", "
                            + OwnerAnnotations.BATCH_INTERVAL : "") + "); its next batch follows without a new alert");
                }
                budget.namespaceSlots.put(p.namespace(), left - 1);
            }
            budget.disruptiveSlots--;
        }
        budget.used.merge(a, 1, Integer::sum);
        return isApproved ? p.decided(Decision.APPROVED, p.rule() + ", approved")
                : p.decided(Decision.RUN, p.rule());
    }

    /** How the next opening of a window is said: `Sat 02:00`. */
    private static final java.time.format.DateTimeFormatter NEXT = java.time.format.DateTimeFormatter.ofPattern("EEE HH:mm",
            java.util.Locale.ROOT);

    /** What one plan may still use: counts down as the plan hands out actions. */
    private static final class Budget {
        final Map<Action, Integer> used = new EnumMap<>(Action.class);
        int migrationSlots;
        int disruptiveSlots;
        final String batch;
        final Duration interval;
        OwnerRules owners;
        ActionLedger.RecentActions recent;
        final Map<String, Integer> namespaceSlots = new java.util.HashMap<>();
        private final Map<OwnerRules.Windows, java.util.Optional<Instant>> openings = new java.util.HashMap<>();

        /** Each distinct set of windows is looked ahead once per plan. */
        java.util.Optional<Instant> nextOpening(OwnerRules.Windows w, Instant now) {
            return openings.computeIfAbsent(w, x -> x.nextOpening(now));
        }

        Budget(RemediationPolicy policy, ClusterFindings cluster, ActionLedger.RecentActions recent, int kubeVirtShare) {
            used.putAll(recent.lastHour());
            int cap = policy.maxMigrationsInFlight() > 0
                    ? Math.min(policy.maxMigrationsInFlight(), cluster.parallelMigrationsPerCluster())
                    : cluster.parallelMigrationsPerCluster();
            migrationSlots = Math.max(0, cap - cluster.migrationsInFlight());
            interval = policy.passInterval(cluster.batchEvictionInterval());
            // A batch is a sliding batchInterval, shared by every pass: an approval or a repeated
            // alert right after a batch must not start a second one early.
            int batchSize = policy.batchSize() > 0 ? policy.batchSize() : cluster.batchEvictionSize();
            disruptiveSlots = Math.max(0, batchSize - recent.disruptiveThisBatch() - kubeVirtShare);
            batch = batchSize + " disruptive action(s) per " + GoDuration.format(policy.passInterval(cluster.batchEvictionInterval())) + ": "
                    + (policy.batchSize() > 0 ? "policy.limits.batchSize" : "KubeVirt's batchEvictionSize") + ", "
                    + (policy.batchInterval() != null ? "policy.limits.batchInterval" : "KubeVirt's batchEvictionInterval")
                    + (recent.disruptiveThisBatch() > 0 ? "; " + recent.disruptiveThisBatch() + " ran in this batch already" : "")
                    + (kubeVirtShare > 0 ? "; KubeVirt's own updater shuts down " + kubeVirtShare + " VMI(s) by eviction in"
                            + " the same interval, which count against it" : "");
        }
    }

    private static Target object(Action action, VmiFinding v, String episode, int attempt) {
        return switch (action) {
            case LIVE_MIGRATE -> new Target("VirtualMachineInstanceMigration", v.namespace(),
                    migrationName(v.namespace(), v.name(), episode, attempt));
            // The pod KubeVirt would evict: on the VMI's node, not terminating (not a migration target).
            case EVICT -> new Target("Pod", v.namespace(), v.currentLauncherPod() == null ? "?" : v.currentLauncherPod().name());
            // KubeVirt's restart acts on the VM (its VMI is stopped and a new one started); a VMI whose
            // owner replaces it when deleted (a replica set, a Once VM) is restarted by its deletion.
            case RESTART -> v.vm() == null || v.restartDeletesVmi()
                    ? new Target("VirtualMachineInstance", v.namespace(), v.name())
                    : new Target("VirtualMachine", v.namespace(), v.vm());
            case STOP -> v.vm() == null ? new Target("VirtualMachineInstance", v.namespace(), v.name())
                    : new Target("VirtualMachine", v.namespace(), v.vm());
            // The VM's template: a running VMI's spec cannot be changed ("update of VMI object is restricted").
            case PATCH_EVICTION_STRATEGY -> new Target("VirtualMachine", v.namespace(), v.vm());
            // KubeVirt's subresource of the VMI; virt-api, not this service, patches its status.
            case EVACUATE_CANCEL -> new Target("VirtualMachineInstance", v.namespace(), v.name());
            case ENABLE_WORKLOAD_UPDATES, PAUSE_WORKLOAD_UPDATES, CANCEL_UPDATER_MIGRATIONS, RESUME_WORKLOAD_UPDATES ->
                    throw new IllegalArgumentException(action.name());
        };
    }

    /**
     * The same VMI, alert episode and attempt always give the same name, so a repeated pass or a
     * retried request gets 409 instead of a second migration.
     */
    static String migrationName(String namespace, String vmi, String episode, int attempt) {
        String prefix = "kvr-" + (vmi.length() > 40 ? vmi.substring(0, 40) : vmi);
        if (prefix.endsWith("-") || prefix.endsWith(".")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((namespace + "/" + vmi + "/" + episode + "/" + attempt).getBytes(StandardCharsets.UTF_8));
            return prefix + "-" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.remediator.remediation;

import io.remediator.metrics.RemediatorMetrics;
import io.remediator.runbook.Findings;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One pass: plan (pure), prove every planned write with a dry run, then execute what the plan allows. */
public final class Remediation {
    /** In report mode at 10,000 VMIs, proving every action each pass would cost minutes of API calls. */
    static final int MAX_DRY_RUNS_PER_PASS = 100;
    private static final Logger log = LoggerFactory.getLogger(Remediation.class);

    private final RemediationPolicy policy;
    private final RemediationPlanner planner;
    private final ActionExecutor executor;
    private final ActionLedger ledger;
    private final RemediatorMetrics metrics;
    private final Clock clock;

    public Remediation(RemediationPolicy policy, ActionExecutor executor, ActionLedger ledger, RemediatorMetrics metrics,
                       Clock clock) {
        this.policy = policy;
        this.planner = new RemediationPlanner(policy);
        this.executor = executor;
        this.ledger = ledger;
        this.metrics = metrics;
        this.clock = clock;
    }

    private volatile java.util.function.Supplier<OwnerAnnotations> owners = () -> OwnerAnnotations.NONE;
    /** Invalid namespace values already told in an Event by this process: each once. */
    private final Set<String> toldNamespaces = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<String> toldDualLaunchers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Found by a proof (which writes nothing), told by the execution that follows it. */
    private final java.util.Queue<OwnerRules.Invalid> untold = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** The namespaces' and VMs' annotations (docs/owners.md), read at each pass from the caches. */
    public Remediation readingOwners(java.util.function.Supplier<OwnerAnnotations> owners) {
        this.owners = owners;
        return this;
    }

    /**
     * The pass up to its first write: the plan (pure: policy, limits, ledger) with every planned
     * write proven by a dry run. Writes nothing.
     *
     * @param approvers who approved each action key: the report, the Event and the message name them
     * @param previous  the result of the previous pass, or null: what it executed is carried on, with
     *                  what became of it
     */
    public PassResult prove(int pass, Findings d, Set<String> policyNamespaces, Set<String> approved,
                            Map<String, String> approvers, String episode, PassResult previous) {
        return prove(pass, d, policyNamespaces, approved, approvers, episode, previous, RolloutScope.NONE);
    }

    public PassResult prove(int pass, Findings d, Set<String> policyNamespaces, Set<String> approved,
                            Map<String, String> approvers, String episode, PassResult previous, RolloutScope scope) {
        return prove(pass, d, policyNamespaces, approved, approvers, episode, previous, scope, SystemicFailures.NONE);
    }

    public PassResult prove(int pass, Findings d, Set<String> policyNamespaces, Set<String> approved,
                            Map<String, String> approvers, String episode, PassResult previous, RolloutScope scope,
                            SystemicFailures systemic) {
        return prove(pass, d, policyNamespaces, approved, approvers, episode, previous, scope, systemic,
                PlannedElsewhere.NONE);
    }

    /**
     * @param scope    who plans the outdated VMIs while a rollout acts ({@link RolloutScope})
     * @param systemic the open rollout's systemic failure signatures ({@link SystemicFailures})
     * @param elsewhere the VMIs another open report plans ({@link PlannedElsewhere})
     */
    public PassResult prove(int pass, Findings d, Set<String> policyNamespaces, Set<String> approved,
                            Map<String, String> approvers, String episode, PassResult previous, RolloutScope scope,
                            SystemicFailures systemic, PlannedElsewhere elsewhere) {
        Instant now = clock.instant();
        // KubeVirt's updater, its rollouts and its systemic failures are the outdated-workloads
        // runbook's business: another runbook's findings are planned by the policy alone.
        OutdatedWorkloadsDiagnosis outdated = d instanceof OutdatedWorkloadsDiagnosis o ? o : null;
        // The updater's state is read once (a GET, a LIST) and every plan of this pass is decided alike.
        UpdaterState updater = outdated == null ? UpdaterState.NONE : updaterState(outdated, systemic);
        java.util.function.UnaryOperator<List<PlannedAction>> decided = outdated == null
                ? plan -> elsewhere.apply(withApprovers(plan, approvers))
                : plan -> elsewhere.apply(quarantined(RolloutScope.apply(scope, systemic.apply(withApprovers(
                        withUpdaterControl(plan, outdated, systemic, updater, approved, now), approvers), outdated),
                        outdated, now), outdated));
        OwnerRules ownerRules = new OwnerRules(policy, owners.get());
        List<PlannedAction> planned = decided.apply(planner.plan(d, policyNamespaces, ledger.recent(now, interval(d)),
                approved, episode, now, false, ownerRules));
        // The enable is proven before anything is handed to KubeVirt: when its dry run is refused,
        // the VMIs are planned again as if KubeVirt's updater stays as it is.
        PlannedAction enable = planned.stream().filter(a -> a.action() == Action.ENABLE_WORKLOAD_UPDATES
                && a.decision().executes()).findFirst().orElse(null);
        if (enable != null) {
            PlannedAction.DryRun proof = executor.dryRun(enable).asDryRun();
            PlannedAction provenEnable = enable.withDryRun(proof);
            List<PlannedAction> again = proof.accepted() ? planned : decided.apply(planner.plan(d, policyNamespaces,
                    ledger.recent(now, interval(d)), approved, episode, now, true, ownerRules));
            PlannedAction enableResult = proof.accepted() ? provenEnable
                    : provenEnable.decided(Decision.DRY_RUN_REFUSED, "the API server refused the dry run: " + proof.message()
                            + "; KubeVirt's workload updater stays as it is, so the VMIs are planned without it and the"
                            + " next pass tries again");
            planned = again.stream().map(a -> a.action() == Action.ENABLE_WORKLOAD_UPDATES ? enableResult : a).toList();
        }
        List<PlannedAction> proven = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int dryRuns = 0;
        int skippedDryRuns = 0;
        for (PlannedAction p : planned) {
            if (!worthProving(p.decision()) || p.dryRun() != null) {
                proven.add(p);
                continue;
            }
            if (dryRuns >= MAX_DRY_RUNS_PER_PASS) {
                skippedDryRuns++;
                proven.add(p.decision().executes() ? p.decided(Decision.BATCH_LIMIT, "more than "
                        + MAX_DRY_RUNS_PER_PASS + " actions in one pass; the next pass takes it up") : p);
                continue;
            }
            dryRuns++;
            PlannedAction p2 = p.withDryRun(executor.dryRun(p).asDryRun());
            if (p2.decision().executes() && !p2.dryRun().accepted()) {
                p2 = p2.decided(Decision.DRY_RUN_REFUSED, "the API server refused the dry run: " + p2.dryRun().message());
            }
            proven.add(p2);
        }
        if (skippedDryRuns > 0) {
            notes.add(skippedDryRuns + " planned action(s) were not dry-run in this pass (at most "
                    + MAX_DRY_RUNS_PER_PASS + " per pass).");
        }
        for (OwnerRules.Invalid i : ownerRules.invalid()) {
            notes.add(i.finding());
            if (i.onNamespace()) {
                untold.add(i);
            }
        }
        return assemble(pass, now, proven, previous, d, notes);
    }

    /**
     * What a pass knows of KubeVirt's updater beyond the diagnosis: the methods a pause of this
     * service recorded (null: none), and the updater's queued migrations.
     */
    private record UpdaterState(List<String> pausedFrom, List<String> queued, boolean mayPause, boolean paused) {
        static final UpdaterState NONE = new UpdaterState(null, List.of(), false, false);
    }

    /**
     * Reads whether a pause is recorded (one GET) only while the methods are empty, and the queue
     * (one LIST) only while a signature is systemic.
     */
    private UpdaterState updaterState(OutdatedWorkloadsDiagnosis d, SystemicFailures systemic) {
        var cluster = d.cluster();
        if (cluster == null || cluster.kubeVirt() == null || cluster.controlPlaneUpdating()) {
            return UpdaterState.NONE;
        }
        List<String> methods = RemediationPlanner.settingMethods(cluster);
        // A VMI running in two launchers during a rollout is reason enough too (next-capabilities §2.5).
        boolean mayPause = (!systemic.keys().isEmpty() || !d.dualLaunchers().isEmpty()) && !methods.isEmpty();
        boolean paused = methods.isEmpty();
        if (!mayPause && !paused) {
            return UpdaterState.NONE;
        }
        List<String> pausedFrom = null;
        List<String> queued = List.of();
        try {
            pausedFrom = paused ? executor.pausedFrom(RemediationPlanner.updaterSetting(cluster)) : null;
            queued = mayPause ? executor.queuedUpdaterMigrations() : List.of();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            log.warn("reading KubeVirt's updater setting or its queue failed: {}", e.getMessage());
        }
        return new UpdaterState(pausedFrom, queued, mayPause, paused);
    }

    /** The plan with the updater's pause, cancel and resume when they apply (docs/migration-failures.md). */
    private List<PlannedAction> withUpdaterControl(List<PlannedAction> planned, OutdatedWorkloadsDiagnosis d,
                                                   SystemicFailures systemic, UpdaterState updater, Set<String> approved,
                                                   Instant now) {
        if (!updater.mayPause() && !updater.paused()) {
            return planned;
        }
        if (updater.pausedFrom() != null) {
            // Paused by this service: enabling would undo the pause behind the operator's back.
            planned = planned.stream().map(a -> a.action() == Action.ENABLE_WORKLOAD_UPDATES
                    ? a.decided(Decision.UPDATER_PAUSED, "KubeVirt's updater was paused by this service ("
                            + RemediationPlanner.PAUSED_ANNOTATION + " records " + updater.pausedFrom() + "): only an"
                            + " approved RESUME_WORKLOAD_UPDATES restores it") : a).toList();
        }
        List<PlannedAction> control = planner.updaterControl(d, systemic.keys(), updater.pausedFrom(), updater.queued(),
                d.pendingLiveUpdateVmis().size(), approved, now);
        if (control.isEmpty()) {
            return planned;
        }
        List<PlannedAction> all = new ArrayList<>(control);
        all.addAll(planned);
        return all;
    }

    /**
     * Every action on a VMI running in two launchers is QUARANTINED, whatever the policy or an
     * approval says: a migration or restart could corrupt its guest (kubevirt/kubevirt#15373, #16622).
     */
    static List<PlannedAction> quarantined(List<PlannedAction> planned, OutdatedWorkloadsDiagnosis d) {
        if (d.dualLaunchers().isEmpty()) {
            return planned;
        }
        Set<String> dual = new HashSet<>();
        d.dualLaunchers().forEach(x -> dual.add(x.namespace() + "/" + x.vmi()));
        return planned.stream().map(a -> a.vmi() != null && dual.contains(a.namespace() + "/" + a.vmi())
                ? a.decided(Decision.QUARANTINED, "it runs in two active launchers outside a migration"
                        + " (kubevirt/kubevirt#15373, #16622 report guest corruption): nothing automated touches it")
                : a).toList();
    }

    private static List<PlannedAction> withApprovers(List<PlannedAction> planned, Map<String, String> approvers) {
        return planned.stream().map(a -> a.decision() == Decision.APPROVED && approvers.containsKey(a.key())
                ? a.decided(Decision.APPROVED, a.why() + " by " + approvers.get(a.key())) : a).toList();
    }

    /** True when the proven pass writes anything: then it is stored before the first write. */
    public static boolean writes(PassResult proven) {
        return proven.actions().stream().anyMatch(PlannedAction::pending);
    }

    /**
     * Executes what the proven pass says to, in order, and returns it with each result. Stops
     * before the next write once {@code mayWrite} says no (this replica stopped leading): the
     * actions not written keep no result, and the answer says it stopped.
     */
    public Executed execute(PassResult proven, Findings d, String reportId, BooleanSupplier mayWrite) {
        // A Namespace's invalid value is told its owners where they look: an Event on the Namespace, once.
        for (OwnerRules.Invalid i; mayWrite.getAsBoolean() && (i = untold.poll()) != null; ) {
            if (toldNamespaces.add(i.namespace() + "\u0000" + i.finding())) {
                executor.namespaceWarning(i.namespace(), "InvalidAnnotation", i.finding());
            }
        }
        // Two running launchers (DUAL_LAUNCHER): a Warning Event on the VMI, once per episode of it per leader.
        if (d instanceof io.remediator.runbook.OutdatedWorkloadsDiagnosis o) {
            for (io.remediator.runbook.DualLaunchers.DualLauncher dl : o.dualLaunchers()) {
                if (mayWrite.getAsBoolean() && toldDualLaunchers.add(dl.vmiUid() + "\u0000" + dl.since())) {
                    executor.vmiWarning(dl.namespace(), dl.vmi(), "DualLauncher", dl.finding() + " (kubevirt-remediator,"
                            + " report " + reportId + ")");
                }
            }
        }
        List<PlannedAction> done = new ArrayList<>();
        for (PlannedAction p : proven.actions()) {
            if (!p.pending()) {
                done.add(p);
                continue;
            }
            if (!mayWrite.getAsBoolean()) {
                return new Executed.Stopped(done.size());
            }
            WriteOutcome outcome = executor.execute(p, reportId);
            PlannedAction executed = p.withResult(outcome.asResult(), clock.instant());
            // Only a write that happened now counts against the limits: an AlreadyDone was
            // counted when it happened, or never happened (the VMI was left alone).
            if (outcome instanceof WriteOutcome.Done) {
                ledger.record(executed.action(), executed.action().onKubeVirt() ? null : executed.namespace(),
                        proven.at());
            }
            log.info("{} {}: {} ({})", executed.action(), executed.object(), executed.result().outcome().wire(),
                    executed.rule());
            done.add(executed);
        }
        // Written actions now await their outcome: the next pass follows them up.
        PassResult result = scheduled(proven.withActions(done), d);
        result.actions().stream().filter(a -> a.followUp() == null).forEach(a -> metrics.actionPlanned(a.action().name(),
                a.decision().name(), a.result() == null ? null : a.result().outcome().wire(), !a.decision().executes()));
        metrics.remediationPass(d.cluster().migrationsInFlight() + (int) result.actions().stream()
                        .filter(a -> a.action() == Action.LIVE_MIGRATE && a.result() != null
                                && a.result().outcome() == PlannedAction.Outcome.DONE && a.followUp() == null).count(),
                result.actions().stream().filter(a -> a.decision().deferred()).count());
        return new Executed.Complete(result);
    }

    /** What became of a pass's writes. */
    public sealed interface Executed {
        /** Every write the pass planned was made (or answered). */
        record Complete(PassResult result) implements Executed {}

        /** This replica stopped leading after {@code written} of them; nothing more was written. */
        record Stopped(int written) implements Executed {}
    }

    /** This pass's actions, then what earlier passes executed and this one did not, with what became of it. */
    private PassResult assemble(int pass, Instant now, List<PlannedAction> thisPass, PassResult previous,
                                       Findings d, List<String> notes) {
        List<PlannedAction> all = new ArrayList<>(thisPass);
        Set<Target> executedNow = new HashSet<>();
        thisPass.stream().filter(a -> a.executed() || a.decision().executes()).forEach(a -> executedNow.add(a.object()));
        if (previous != null) {
            previous.actions().stream().filter(PlannedAction::executed)
                    .filter(a -> !executedNow.contains(a.object()))
                    .forEach(a -> all.add(a.withFollowUp(followUp(a, d, now))));
        }
        Map<Decision, Integer> decisions = new EnumMap<>(Decision.class);
        thisPass.forEach(a -> decisions.merge(a.decision(), 1, Integer::sum));
        PassResult report = new PassResult(policy.mode().configValue(), pass, now, decisions,
                List.copyOf(all), null, List.copyOf(notes), null).awaitingSinceAfter(previous);
        return scheduled(report, d);
    }

    private PassResult scheduled(PassResult r, Findings d) {
        if (!r.needsFollowUp()) {
            return r;
        }
        Instant next = r.at().plus(interval(d));
        // A pause is verified 30 s after it at the latest, whatever the pass interval.
        for (PlannedAction a : r.actions()) {
            if (a.action() == Action.PAUSE_WORKLOAD_UPDATES && a.executedAt() != null
                    && (a.followUp() == null || a.followUp().pending())) {
                Instant due = a.executedAt().plus(PAUSE_VERIFIED_WITHIN).plusSeconds(1);
                next = due.isBefore(next) ? (due.isAfter(r.at()) ? due : r.at().plusSeconds(1)) : next;
            }
        }
        return r.withNextPass(next, null);
    }

    /** Every write the stored reports say was made (or was about to be), so the limits survive a restart. */
    public void rememberExecuted(List<PassResult> stored) {
        ledger.replace(stored.stream().flatMap(r -> r.actions().stream())
                .filter(a -> a.executedAt() != null ? a.result().outcome() == PlannedAction.Outcome.DONE
                        : a.interruptedOrPending())
                .map(a -> new ActionLedger.Entry(a.action(), a.action().onKubeVirt() ? null : a.namespace(),
                        a.executedAt() != null ? a.executedAt() : a.plannedAt()))
                .toList());
    }

    /**
     * The same pass, with what became of each executed action according to a newer diagnosis:
     * nothing is planned, proven or written. Runs as the watch sees the acted-on objects change.
     */
    public static PassResult followUp(PassResult report, Findings d, Instant now) {
        return report.withActions(report.actions().stream()
                .map(a -> a.executed() ? a.withFollowUp(followUp(a, d, now)) : a).toList());
    }

    /** How long HCO may take to copy a pause from the HyperConverged into the KubeVirt CR before it counts as reverted. */
    static final java.time.Duration PAUSE_VERIFIED_WITHIN = java.time.Duration.ofSeconds(30);

    /** What a later diagnosis says about an action executed earlier. */
    static FollowUp followUp(PlannedAction a, Findings d, Instant now) {
        if (a.action() == Action.PAUSE_WORKLOAD_UPDATES) {
            if (d.cluster().workloadUpdateMethods().isEmpty()) {
                return new FollowUp(FollowUp.State.DONE, "KubeVirt's updater is paused: the KubeVirt CR has no workload"
                        + " update methods");
            }
            // The KubeVirt CR is what KubeVirt's updater reads: a pause it does not show within 30 s
            // was undone (HCO reconciles the KubeVirt CR from the HyperConverged) or never took.
            boolean late = a.executedAt() != null && !now.isBefore(a.executedAt().plus(PAUSE_VERIFIED_WITHIN));
            return late ? new FollowUp(FollowUp.State.FAILED, (d.cluster().hyperConverged() != null
                    ? "HCO reverted the pause: " : "the pause did not take: ") + PAUSE_VERIFIED_WITHIN.toSeconds()
                    + " s after it the KubeVirt CR still has " + d.cluster().workloadUpdateMethods())
                    : new FollowUp(FollowUp.State.IN_PROGRESS, "the KubeVirt CR still has "
                    + d.cluster().workloadUpdateMethods() + "; checked again until " + PAUSE_VERIFIED_WITHIN.toSeconds()
                    + " s after the pause" + (d.cluster().hyperConverged() != null ? " (HCO copies it from the HyperConverged)"
                    : ""));
        }
        if (a.action() == Action.RESUME_WORKLOAD_UPDATES) {
            return d.cluster().workloadUpdateMethods().isEmpty()
                    ? new FollowUp(FollowUp.State.NOT_IN_EFFECT, "the KubeVirt CR has no workload update methods yet"
                            + (d.cluster().hyperConverged() != null ? " (HCO copies them from the HyperConverged)" : ""))
                    : new FollowUp(FollowUp.State.DONE, "KubeVirt's updater runs with " + d.cluster().workloadUpdateMethods());
        }
        if (a.action() == Action.CANCEL_UPDATER_MIGRATIONS) {
            return new FollowUp(FollowUp.State.DONE, "the queued migrations were deleted");
        }
        if (a.action() == Action.ENABLE_WORKLOAD_UPDATES) {
            return d.cluster().workloadUpdatesEnabled()
                    ? new FollowUp(FollowUp.State.DONE, "KubeVirt's workload updater runs with "
                            + String.join(" and ", d.cluster().workloadUpdateMethods()))
                    : new FollowUp(FollowUp.State.NOT_IN_EFFECT, "the KubeVirt CR has no workload update methods"
                            + (d.cluster().hyperConverged() != null ? " yet (HCO copies them from the HyperConverged)" : ""));
        }
        var vmi = d.vmis().stream()
                .filter(v -> v.namespace().equals(a.namespace()) && v.name().equals(a.vmi())).findFirst();
        if (vmi.isEmpty()) {
            return new FollowUp(FollowUp.State.DONE, d.noLongerListed(a.namespace(), a.vmi()));
        }
        if (a.action() == Action.PATCH_EVICTION_STRATEGY && vmi.get().recommendedAction()
                != io.remediator.runbook.RecommendedAction.PATCH_EVICTION_STRATEGY) {
            return new FollowUp(FollowUp.State.DONE, "the VM's template has the new eviction strategy; it takes effect"
                    + " when the VM restarts (KubeVirt sets RestartRequired)");
        }
        if (a.action() == Action.EVACUATE_CANCEL && vmi.get().recommendedAction()
                != io.remediator.runbook.RecommendedAction.EVACUATE_CANCEL) {
            return new FollowUp(FollowUp.State.DONE, "the VMI no longer carries the abandoned evacuation mark");
        }
        var m = vmi.get().migrations();
        if (a.action() == Action.LIVE_MIGRATE) {
            if (a.objectName().equals(m.inFlightName())) {
                return new FollowUp(FollowUp.State.IN_PROGRESS, "migration " + m.inFlightPhase());
            }
            if (m.failedByRemediator() >= a.attempt()) {
                return new FollowUp(FollowUp.State.FAILED, m.lastFailureReason());
            }
        }
        return new FollowUp(FollowUp.State.IN_PROGRESS, d.stillListed());
    }

    private Duration interval(Findings d) {
        return policy.passInterval(d.cluster().batchEvictionInterval());
    }

    private static boolean worthProving(Decision d) {
        return d.executes() || d == Decision.REPORT_ONLY || d == Decision.AWAITING_APPROVAL;
    }
}

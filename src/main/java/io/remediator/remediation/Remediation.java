package io.remediator.remediation;

import io.remediator.leader.LeadershipLostException;
import io.remediator.metrics.RemediatorMetrics;
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
import java.util.function.Consumer;
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

    /**
     * @param previous     the report of the previous pass, or null: what it executed is carried on,
     *                     with what became of it
     * @param beforeWrites gets the proven plan before the first write, so that it is stored: a
     *                     process killed while executing leaves a record of what it was about to do
     * @param mayWrite     checked before every write: a replica that stopped leading writes nothing more
     * @throws LeadershipLostException when mayWrite turned false; nothing after that was written
     */
    public RemediationReport pass(String reportId, int pass, OutdatedWorkloadsDiagnosis d, Set<String> policyNamespaces,
                                  Set<String> approved, String episode, RemediationReport previous,
                                  Consumer<RemediationReport> beforeWrites, BooleanSupplier mayWrite) {
        Instant now = clock.instant();
        List<PlannedAction> planned = planner.plan(d, policyNamespaces, ledger.recent(now, interval(d)), approved, episode, now);
        List<PlannedAction> proven = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int dryRuns = 0;
        int skippedDryRuns = 0;
        for (PlannedAction p : planned) {
            if (!worthProving(p.decision())) {
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
            PlannedAction p2 = p.withDryRun(executor.dryRun(p));
            if (p2.decision().executes() && !p2.dryRun().accepted()) {
                p2 = p2.decided(Decision.DRY_RUN_REFUSED, "the API server refused the dry run: " + p2.dryRun().message());
            }
            proven.add(p2);
        }
        if (skippedDryRuns > 0) {
            notes.add(skippedDryRuns + " planned action(s) were not dry-run in this pass (at most "
                    + MAX_DRY_RUNS_PER_PASS + " per pass).");
        }
        if (proven.stream().anyMatch(p -> p.decision().executes())) {
            beforeWrites.accept(assemble(pass, now, proven, previous, d, notes));
        }
        List<PlannedAction> done = new ArrayList<>();
        for (PlannedAction p : proven) {
            if (!p.decision().executes()) {
                done.add(p);
                continue;
            }
            if (!mayWrite.getAsBoolean()) {
                throw new LeadershipLostException();
            }
            PlannedAction executed = p.withResult(executor.execute(p, reportId), clock.instant());
            // Only a write that happened now counts against the limits: `already-done` was
            // counted when it happened, or never happened (the VMI was left alone).
            if ("done".equals(executed.result().outcome())) {
                ledger.record(executed.action(), now);
            }
            log.info("{} {}: {} ({})", executed.action(), executed.object(), executed.result().outcome(), executed.rule());
            done.add(executed);
        }
        RemediationReport report = assemble(pass, now, done, previous, d, notes);
        report.actions().stream().filter(a -> a.followUp() == null).forEach(a -> metrics.actionPlanned(a.action().name(),
                a.decision().name(), a.result() == null ? null : a.result().outcome(), !a.decision().executes()));
        metrics.remediationPass(d.cluster().migrationsInFlight() + (int) done.stream()
                        .filter(a -> a.action() == Action.LIVE_MIGRATE && a.result() != null
                                && "done".equals(a.result().outcome())).count(),
                done.stream().filter(a -> a.decision().deferred()).count());
        return report;
    }

    /** This pass's actions, then what earlier passes executed and this one did not, with what became of it. */
    private RemediationReport assemble(int pass, Instant now, List<PlannedAction> thisPass, RemediationReport previous,
                                       OutdatedWorkloadsDiagnosis d, List<String> notes) {
        List<PlannedAction> all = new ArrayList<>(thisPass);
        Set<String> executedNow = new HashSet<>();
        thisPass.stream().filter(a -> a.executed() || a.decision().executes()).forEach(a -> executedNow.add(a.object()));
        if (previous != null) {
            previous.actions().stream().filter(PlannedAction::executed)
                    .filter(a -> !executedNow.contains(a.object()))
                    .forEach(a -> all.add(a.withFollowUp(followUp(a, d))));
        }
        Map<Decision, Integer> decisions = new EnumMap<>(Decision.class);
        thisPass.forEach(a -> decisions.merge(a.decision(), 1, Integer::sum));
        RemediationReport report = new RemediationReport(policy.mode().configValue(), pass, now, decisions,
                List.copyOf(all), null, List.copyOf(notes));
        return report.needsFollowUp() ? report.withNextPass(now.plus(interval(d)), null) : report;
    }

    /** Every write the stored reports say was made (or was about to be), so the limits survive a restart. */
    public void rememberExecuted(List<RemediationReport> stored) {
        ledger.replace(stored.stream().flatMap(r -> r.actions().stream())
                .filter(a -> a.executedAt() != null ? "done".equals(a.result().outcome()) : a.interruptedOrPending())
                .map(a -> new ActionLedger.Entry(a.action(), a.executedAt() != null ? a.executedAt() : a.plannedAt()))
                .toList());
    }

    /**
     * The same pass, with what became of each executed action according to a newer diagnosis:
     * nothing is planned, proven or written. Runs as the watch sees the acted-on objects change.
     */
    public RemediationReport followUp(RemediationReport report, OutdatedWorkloadsDiagnosis d) {
        return report.withActions(report.actions().stream()
                .map(a -> a.executed() ? a.withFollowUp(followUp(a, d)) : a).toList());
    }

    static final String IN_PROGRESS = "in progress";

    /** What a later diagnosis says about an action executed earlier. */
    static String followUp(PlannedAction a, OutdatedWorkloadsDiagnosis d) {
        if (a.action() == Action.ENABLE_WORKLOAD_UPDATES) {
            return d.cluster().workloadUpdatesEnabled()
                    ? "done: KubeVirt's workload updater runs with " + String.join(" and ", d.cluster().workloadUpdateMethods())
                    : "not in effect: the KubeVirt CR has no workload update methods"
                            + (d.cluster().hyperConverged() != null ? " yet (HCO copies them from the HyperConverged)" : "");
        }
        var vmi = d.outdatedVmis().stream()
                .filter(v -> v.namespace().equals(a.namespace()) && v.name().equals(a.vmi())).findFirst();
        if (vmi.isEmpty()) {
            return "done: " + a.namespace() + "/" + a.vmi() + " no longer runs an outdated launcher";
        }
        var m = vmi.get().migrations();
        if (a.action() == Action.LIVE_MIGRATE) {
            if (a.objectName().equals(m.inFlightName())) {
                return IN_PROGRESS + ": migration " + m.inFlightPhase();
            }
            if (m.failedByRemediator() >= a.attempt()) {
                return "failed" + (m.lastFailureReason() == null ? "" : ": " + m.lastFailureReason());
            }
        }
        return IN_PROGRESS + ": the VMI still runs an outdated launcher";
    }

    private Duration interval(OutdatedWorkloadsDiagnosis d) {
        return policy.passInterval(d.cluster().batchEvictionInterval());
    }

    private static boolean worthProving(Decision d) {
        return d.executes() || d == Decision.REPORT_ONLY || d == Decision.AWAITING_APPROVAL;
    }
}

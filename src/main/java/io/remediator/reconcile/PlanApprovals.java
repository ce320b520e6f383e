package io.remediator.reconcile;

import io.remediator.logging.LogSafe;
import io.remediator.remediation.Approval;
import io.remediator.remediation.PlannedAction;
import io.remediator.report.ApprovalOutcome;
import io.remediator.report.PlanRef;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportStore;
import io.remediator.report.StoredReport;
import io.remediator.report.ReportSpec;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approves the named actions of a report's current plan, if that plan is the one the operator
 * reviewed. Any replica takes an approval: it is stored in the report's spec, and the leader's loop
 * sees the change and runs a pass for it at once.
 */
public final class PlanApprovals {
    private static final Logger log = LoggerFactory.getLogger(PlanApprovals.class);

    private final ReportStore store;
    private final Clock clock;
    private final java.util.function.Function<ReportSpec, Optional<String>> newerEpisode;

    public PlanApprovals(ReportStore store, Clock clock) {
        this(store, clock, item -> Optional.empty());
    }

    /**
     * @param newerEpisode the report of a newer firing episode of the same alert group, if one exists:
     *                     it replaces this report, whose plan is not to be approved any more
     */
    public PlanApprovals(ReportStore store, Clock clock, java.util.function.Function<ReportSpec, Optional<String>> newerEpisode) {
        this.store = store;
        this.clock = clock;
        this.newerEpisode = newerEpisode;
    }

    /** @param pass the pass whose plan the operator reviewed */
    public ApprovalOutcome approve(String reportId, int pass, List<String> keys, String by) {
        return approve(reportId, new PlanRef.Pass(pass), keys, by, "api", null);
    }

    /**
     * The one approval function every path shares (the API, the approval link, later Slack).
     *
     * @param via    api or link
     * @param linkId the approval link used (it works once), or null
     */
    public ApprovalOutcome approve(String reportId, PlanRef plan, List<String> keys, String by, String via, String linkId) {
        Optional<StoredReport> found = store.read(reportId);
        if (found.isEmpty() || found.get().status() == null || found.get().status().remediation() == null) {
            return new ApprovalOutcome.NotOpen("this report has no plan (yet) to approve");
        }
        StoredReport r = found.get();
        if (r.phase() == ReportPhase.Closed || !r.spec().firing()) {
            return new ApprovalOutcome.NotOpen("this report is closed: its alert resolved, or a newer episode of its"
                    + " alert group replaced it");
        }
        Optional<String> newer = newerEpisode.apply(r.spec());
        if (newer.isPresent()) {
            // redteam-2 D16: replaced, though the leader has not closed it yet.
            return new ApprovalOutcome.NotOpen("this report is closed: a newer episode of its alert group (report "
                    + newer.get() + ") replaced it");
        }
        Map<String, PlannedAction> awaiting = new TreeMap<>();
        r.status().remediation().awaitingApproval().forEach(a -> awaiting.put(a.key(), a));
        List<String> awaitingKeys = List.copyOf(awaiting.keySet());
        int pass = r.status().remediation().pass();
        if (!plan.matches(r.status().remediation())) {
            return new ApprovalOutcome.Stale(r.status().remediation().pass(), awaitingKeys);
        }
        List<String> notAwaiting = keys.stream().filter(k -> !awaiting.containsKey(k)).sorted().toList();
        if (!notAwaiting.isEmpty() || keys.isEmpty()) {
            return new ApprovalOutcome.NotAwaiting(notAwaiting, awaitingKeys);
        }
        // Bound to the VMI the plan named: its UID travels with the action, also for a VMI left out of
        // a stored report too large to list every VMI.
        Set<String> entries = keys.stream().map(awaiting::get).map(a -> Approval.of(a).entry())
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> approved = keys.stream().sorted().toList();
        if (r.spec().approvedActions().containsAll(entries)) {
            // A repeated click or request: approved already, nothing more is written.
            return new ApprovalOutcome.Approved(approved);
        }
        if (store.approve(reportId, entries, new ReportSpec.ApprovalGiven(clock.instant(), by, pass, approved, via), linkId)
                .isEmpty()) {
            return new ApprovalOutcome.LinkUsed();
        }
        log.info("report {}: {} action(s) of pass {} approved by {}", reportId, keys.size(), pass, LogSafe.of(by));
        return new ApprovalOutcome.Approved(approved);
    }
}

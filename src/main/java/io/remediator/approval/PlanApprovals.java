package io.remediator.approval;

import io.remediator.logging.LogSafe;
import io.remediator.remediation.Approval;
import io.remediator.remediation.PassResult;
import io.remediator.remediation.PlannedAction;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportSpec;
import io.remediator.report.ReportStore;
import io.remediator.report.StoredReport;
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
 * Approves the chosen actions of a report's current plan, if that plan is the one the operator
 * reviewed: the {@link Approver} of every path. Any replica takes an approval; it is stored in the
 * report's spec, and the leader's loop sees the change and runs a pass for it at once.
 *
 * <p>One read and one write: the checks (open, the plan reviewed, the actions awaiting, the link
 * unused, the Slack message the report's own) run on the report as read for the write, inside its
 * compare-and-swap. When the leader writes a new pass in between, the write conflicts, the report is
 * read again and checked again: an approval is never recorded against a plan that moved on.
 */
public final class PlanApprovals implements Approver {
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
        return approve(reportId, new PlanRef.Pass(pass), new Selection.Named(keys), by, "api", null);
    }

    @Override
    public ApprovalOutcome approve(String reportId, PlanRef plan, Selection which, String by, String via, String linkId) {
        ApprovalOutcome[] outcome = {new ApprovalOutcome.NoReport()};
        List<String>[] approved = new List[] {List.of()};
        store.changeExistingSpec(reportId, r -> {
            Decided d = decide(r, plan, which, linkId);
            outcome[0] = d.outcome();
            if (d.entries() == null) {
                return null;
            }
            approved[0] = ((ApprovalOutcome.Approved) d.outcome()).actions();
            StoredReport read = r.orElseThrow();
            return read.spec().withApproved(d.entries(), new ReportSpec.ApprovalGiven(clock.instant(), by,
                    read.status().remediation().pass(), approved[0], via), linkId);
        });
        if (outcome[0] instanceof ApprovalOutcome.Approved a && !a.actions().isEmpty()) {
            log.info("report {}: {} action(s) approved by {} via {}", reportId, a.actions().size(), LogSafe.of(by), via);
        }
        return outcome[0];
    }

    /** The click came from the report's own message: the platform's, or (with namespaces) an owner channel's. */
    private static boolean fromItsMessage(StoredReport r, Selection.Offered o) {
        if (o.namespaces() == null) {
            return r.status().slack() != null && java.util.Objects.equals(o.from().channel(), r.status().slack().channel())
                    && java.util.Objects.equals(o.from().ts(), r.status().slack().ts());
        }
        var post = r.status().ownerSlack().get(o.from().channel());
        return post != null && java.util.Objects.equals(o.from().ts(), post.ts());
    }

    /** @param entries what to add to the spec, or null to write nothing */
    private record Decided(ApprovalOutcome outcome, Set<String> entries) {}

    /** The checks, on one version of the report. Pure. */
    private Decided decide(Optional<StoredReport> found, PlanRef plan, Selection which, String linkId) {
        if (found.isEmpty()) {
            return new Decided(new ApprovalOutcome.NoReport(), null);
        }
        if (found.get().status() == null || found.get().status().remediation() == null) {
            return new Decided(new ApprovalOutcome.NotOpen("this report has no plan (yet) to approve"), null);
        }
        StoredReport r = found.get();
        if (r.phase() == ReportPhase.Closed || !r.spec().firing()) {
            return new Decided(new ApprovalOutcome.NotOpen("this report is closed: its alert resolved, or a newer"
                    + " episode of its alert group replaced it"), null);
        }
        Optional<String> newer = newerEpisode.apply(r.spec());
        if (newer.isPresent()) {
            // redteam-2 D16: replaced, though the leader has not closed it yet.
            return new Decided(new ApprovalOutcome.NotOpen("this report is closed: a newer episode of its alert group"
                    + " (report " + newer.get() + ") replaced it"), null);
        }
        if (linkId != null && r.spec().usedLinks().contains(linkId)) {
            return new Decided(new ApprovalOutcome.LinkUsed(), null);
        }
        PassResult current = r.status().remediation();
        if (which instanceof Selection.Offered o && o.from() != null && !fromItsMessage(r, o)) {
            return new Decided(new ApprovalOutcome.OtherMessage(), null);
        }
        Map<String, PlannedAction> awaiting = new TreeMap<>();
        current.awaitingApproval().forEach(a -> awaiting.put(a.key(), a));
        List<String> awaitingKeys = List.copyOf(awaiting.keySet());
        if (!plan.matches(current)) {
            return new Decided(new ApprovalOutcome.Stale(current.pass(), awaitingKeys), null);
        }
        List<String> keys = which instanceof Selection.Named n ? n.keys()
                : ApprovalRules.approvableFromSlack(current, ((Selection.Offered) which).maxAction()).stream()
                // From an owner channel: only the actions of the namespaces the clicker approves for.
                .filter(a -> ((Selection.Offered) which).namespaces() == null
                        || ((Selection.Offered) which).namespaces().contains(a.namespace()))
                .map(PlannedAction::key).toList();
        List<String> notAwaiting = keys.stream().filter(k -> !awaiting.containsKey(k)).sorted().toList();
        if (!notAwaiting.isEmpty() || keys.isEmpty()) {
            return new Decided(new ApprovalOutcome.NotAwaiting(notAwaiting, awaitingKeys), null);
        }
        // Bound to the VMI the plan named: its UID travels with the action, also for a VMI left out of
        // a stored report too large to list every VMI.
        Set<String> entries = keys.stream().map(awaiting::get).map(a -> Approval.of(a).entry())
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> approved = keys.stream().sorted().toList();
        if (r.spec().approvedActions().containsAll(entries) && linkId == null) {
            // A repeated click or request: approved already, nothing more is written.
            return new Decided(new ApprovalOutcome.Approved(approved), null);
        }
        return new Decided(new ApprovalOutcome.Approved(approved), entries);
    }
}

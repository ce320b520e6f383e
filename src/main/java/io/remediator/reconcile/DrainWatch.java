package io.remediator.reconcile;

import io.remediator.kubevirt.DrainBlockers;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.remediation.PlannedElsewhere;
import io.remediator.report.DrainBlockedReports;
import io.remediator.report.ReportSpec;
import io.remediator.report.ReportStore;
import io.remediator.report.StoredReport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's drain-blocker watch (vce.watchNodes, docs/runbooks/vm-cannot-be-evicted.md): a node
 * being drained with a VMI on it that KubeVirt refuses to evict gets a report at once, seconds
 * after the cordon, not after the alert's `for: 1m` and Alertmanager's waits. It reads only the
 * caches (nodes, the kept VMIs) and, once per drain, the node (when the drain began); it writes
 * only those reports, as deliveries: nothing of KubeVirt's and nothing of a node.
 *
 * <p>A report's entries follow the VMIs still holding the drain up; it resolves when the node is
 * no longer drained or none is left. The alert's own report, when it comes, leaves these VMIs to
 * it ({@link #plannedElsewhere}).
 */
final class DrainWatch {
    private static final Logger log = LoggerFactory.getLogger(DrainWatch.class);

    /** What the watch reads. */
    interface Cluster {
        /** The VMIs holding up a drain now, by node; a read problem is added to {@code problems}. */
        List<DrainBlockers> drainBlockers(List<String> problems);

        /** When the node's drain began, from the node's own times; empty when they do not tell. */
        Optional<Instant> drainStarted(String node);
    }

    private record Drain(Instant since, boolean approximate) {}

    private final String alertname;
    private final ReportStore store;
    private final Cluster cluster;
    private final Supplier<List<StoredReport>> openReports;
    private final Clock clock;
    private final Map<String, Drain> drains = new HashMap<>();
    /** Report id → the digest of the entries last delivered to it by this leader. */
    private final Map<String, String> delivered = new HashMap<>();
    private volatile Map<String, String> owners = Map.of();
    private String lastProblem;

    /**
     * @param alertname   the runbook's alert, whose reports these are (VMCannotBeEvicted)
     * @param openReports the reports as the leader's watch keeps them (without their alerts)
     */
    DrainWatch(String alertname, ReportStore store, Cluster cluster, Supplier<List<StoredReport>> openReports, Clock clock) {
        this.alertname = alertname;
        this.store = store;
        this.cluster = cluster;
        this.openReports = openReports;
        this.clock = clock;
    }

    /** A new leader: what this one delivered is re-learned from the stored reports. */
    void forget() {
        delivered.clear();
        drains.clear();
        owners = Map.of();
    }

    /** One look: creates, updates or resolves the drain reports; true while any drain is held up. */
    boolean look(StatusWrites writes) {
        List<String> problems = new ArrayList<>();
        List<DrainBlockers> now = cluster.drainBlockers(problems);
        if (!problems.isEmpty()) {
            // Without the nodes it cannot tell a drain that ended from one it cannot see: it resolves nothing.
            String problem = String.join("; ", problems);
            if (!problem.equals(lastProblem)) {
                log.warn("drain-blocker watch: {}", problem);
                lastProblem = problem;
            }
            return !drains.isEmpty();
        }
        lastProblem = null;
        Instant at = clock.instant();
        Map<String, ReportSpec> wanted = new HashMap<>();
        Map<String, String> vmiOwners = new HashMap<>();
        for (DrainBlockers b : now) {
            Drain d = drains.computeIfAbsent(b.node(), n -> cluster.drainStarted(n).map(t -> new Drain(t, false))
                    .orElseGet(() -> new Drain(at, true)));
            List<DrainBlockedReports.Blocker> blockers = b.vmis().stream()
                    .map(v -> new DrainBlockedReports.Blocker(v.namespace(), v.name(), v.uid())).toList();
            ReportSpec spec = DrainBlockedReports.firing(alertname, b.node(), b.mark(), d.since(), d.approximate(),
                    blockers, at);
            wanted.put(spec.id(), spec);
            for (VirtualMachineInstance v : b.vmis()) {
                vmiOwners.put(v.namespace() + "/" + v.name(), spec.id());
            }
        }
        drains.keySet().retainAll(now.stream().map(DrainBlockers::node).toList());
        owners = Map.copyOf(vmiOwners);
        if (!writes.mayWrite()) {
            return !wanted.isEmpty();
        }
        for (ReportSpec spec : wanted.values()) {
            if (!spec.alertsDigest().equals(delivered.get(spec.id()))) {
                var recorded = store.recordDelivery(spec, () -> true, null, true);
                recorded.ifPresent(r -> {
                    if (r.created()) {
                        log.info("drain-blocker report {}: {} VMI(s) hold up the drain of node {}", spec.id(),
                                spec.alertCount(), DrainBlockedReports.node(spec).orElse("?"));
                    }
                });
                delivered.put(spec.id(), spec.alertsDigest());
            }
        }
        for (StoredReport r : openReports.get()) {
            ReportSpec kept = r.spec();
            if (kept.firing() && DrainBlockedReports.node(kept).isPresent() && !wanted.containsKey(kept.id())) {
                store.get(kept.id()).filter(full -> full.spec().firing()).ifPresent(full -> {
                    store.recordDelivery(DrainBlockedReports.resolved(full.spec(), at));
                    log.info("drain-blocker report {} resolved: node {} is no longer drained or nothing holds it up",
                            kept.id(), DrainBlockedReports.node(kept).orElse("?"));
                });
                delivered.remove(kept.id());
            }
        }
        return !wanted.isEmpty();
    }

    /**
     * The VMIs the drain reports plan, for any other report of the alert: it links to them and plans
     * nothing for those VMIs. A drain report itself plans its own.
     */
    Function<ReportSpec, PlannedElsewhere> plannedElsewhere() {
        return spec -> {
            if (!alertname.equals(spec.alertname()) || DrainBlockedReports.node(spec).isPresent()) {
                return PlannedElsewhere.NONE;
            }
            return new PlannedElsewhere(owners);
        };
    }
}

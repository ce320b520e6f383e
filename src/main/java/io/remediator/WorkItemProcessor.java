package io.remediator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.Remediation;
import io.remediator.remediation.RemediationReport;
import io.remediator.report.Report;
import io.remediator.report.ReportStore;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.Runbook;
import io.remediator.webhook.AlertmanagerPayload;
import io.remediator.webhook.WorkItem;
import io.remediator.webhook.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one worker: takes accepted work, runs its runbook, lets the policy act on the diagnosis and
 * stores the report. While a firing alert has deferred work or actions to follow up, further
 * passes run on a schedule and update the same report, and between passes the watch's news of the
 * acted-on objects updates what became of executed actions; a resolved alert ends them. A failing
 * diagnosis becomes a report that says why, never a silent drop. Every pass runs under one lock,
 * so two passes never act at once.
 */
public final class WorkItemProcessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkItemProcessor.class);
    private static final Duration FAILED_PASS_RETRY = Duration.ofMinutes(1);
    private static final Duration OUTCOME_REFRESH_DELAY = Duration.ofSeconds(2);

    private final WorkQueue queue;
    private final Map<String, Runbook> runbooks;
    private final ReportStore reports;
    private final Remediation remediation;
    private final Supplier<Set<String>> policyNamespaces;
    private final RemediatorMetrics metrics;
    private final Clock clock;
    private final Thread worker;
    private final ScheduledExecutorService followUps = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "remediation-follow-up");
        t.setDaemon(true);
        return t;
    });
    /** The newest firing report of each alert group: only it gets further passes or approvals. */
    private final Map<String, String> activeReportByGroup = new ConcurrentHashMap<>();
    private final Map<String, WorkItem> itemsByReport = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> approvals = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private volatile boolean running = true;

    public WorkItemProcessor(WorkQueue queue, Map<String, Runbook> runbooks, ReportStore reports, Remediation remediation,
                             Supplier<Set<String>> policyNamespaces, RemediatorMetrics metrics, Clock clock) {
        this.queue = queue;
        this.runbooks = Map.copyOf(runbooks);
        this.reports = reports;
        this.remediation = remediation;
        this.policyNamespaces = policyNamespaces;
        this.metrics = metrics;
        this.clock = clock;
        this.worker = new Thread(this::loop, "work-item-processor");
    }

    public void start() {
        worker.start();
    }

    private void loop() {
        while (running) {
            try {
                WorkItem item = queue.take(200, TimeUnit.MILLISECONDS);
                if (item != null) {
                    handle(item);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("unexpected failure in the work loop", e);
            }
        }
    }

    private synchronized void handle(WorkItem item) {
        if (!item.firing()) {
            // A resolved notification never acts; it ends follow-up passes of the group's report.
            String active = activeReportByGroup.remove(item.groupKey());
            if (active != null) {
                forget(active);
                reports.find(active).filter(r -> r.remediation() != null).ifPresent(r -> reports.save(r.withRemediation(
                        r.remediation().withNextPass(null, "Closed: the alert resolved (report " + item.id()
                                + "); no further passes."))));
            }
            log.info("{} resolved (group {}); nothing to diagnose, no action", item.alertname(), item.groupKey());
            reports.save(report(item, null, null, null, null));
            return;
        }
        String replaced = activeReportByGroup.put(item.groupKey(), item.id());
        if (replaced != null) {
            // A repeat of the alert supersedes the group's earlier report: it gets no more passes.
            forget(replaced);
        }
        itemsByReport.put(item.id(), item);
        runPass(item, 1);
    }

    /** Diagnose, then let the policy act; schedules the next pass when there is more to do. */
    private void runPass(WorkItem item, int pass) {
        Diagnosed d;
        try {
            d = diagnose(item);
            log.info("{}: {} outdated VMI(s), diagnosed in {} ms (report {}, pass {})", item.alertname(),
                    d.diagnosis().outdatedVmis().size(), d.millis(), item.id(), pass);
        } catch (KubernetesClientException e) {
            String why = (ApiErrors.answered(e) ? "" : "Kubernetes API call failed: ") + ApiErrors.describe(e);
            log.warn("diagnosis of {} failed: {}", item.id(), why);
            diagnosisFailed(item, pass, why);
            return;
        } catch (RuntimeException e) {
            log.error("diagnosis of {} failed", item.id(), e);
            diagnosisFailed(item, pass, "diagnosis failed: " + e);
            return;
        }
        RemediationReport acted;
        try {
            RemediationReport previous = reports.find(item.id()).map(Report::remediation).orElse(null);
            acted = remediation.pass(item.id(), pass, d.diagnosis(), policyNamespaces.get(),
                    approvals.getOrDefault(item.id(), Set.of()), episode(item), previous);
        } catch (RuntimeException e) {
            log.error("remediation pass {} of {} failed", pass, item.id(), e);
            reports.save(report(item, d.diagnosis(), d.millis(), null, "remediation failed: " + e));
            return;
        }
        reports.save(report(item, d.diagnosis(), d.millis(), acted, null));
        scheduleFollowUp(item.id(), pass + 1, acted.nextPassAt());
    }

    private record Diagnosed(OutdatedWorkloadsDiagnosis diagnosis, long millis) {}

    private Diagnosed diagnose(WorkItem item) {
        long started = System.nanoTime();
        OutdatedWorkloadsDiagnosis diagnosis = metrics.timeDiagnosis(item.alertname(), runbooks.get(item.alertname())::diagnose);
        long millis = (System.nanoTime() - started) / 1_000_000;
        Map<String, Integer> byAction = new LinkedHashMap<>();
        diagnosis.recommendedActionCounts().forEach((a, n) -> byAction.put(a.name(), n));
        metrics.outdatedVmisFound(diagnosis.outdatedVmis().size(), byAction);
        return new Diagnosed(diagnosis, millis);
    }

    /**
     * A migration this service created, or an outdated VMI, changed: soon (coalescing a burst of
     * watch events into one) the active reports show what became of their executed actions,
     * without waiting for the next pass.
     */
    public void actedOnObjectsChanged() {
        if (running && refreshPending.compareAndSet(false, true)) {
            followUps.schedule(this::refreshOutcomes, OUTCOME_REFRESH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void refreshOutcomes() {
        refreshPending.set(false);
        // Diagnosis is cluster-wide: reports of several groups of one alert share one.
        Map<String, Diagnosed> byAlert = new HashMap<>();
        for (String id : List.copyOf(activeReportByGroup.values())) {
            WorkItem item = itemsByReport.get(id);
            Optional<Report> report = reports.find(id).filter(r -> r.remediation() != null
                    && r.remediation().awaitsOutcome());
            if (item == null || report.isEmpty()) {
                continue;
            }
            try {
                Diagnosed d = byAlert.computeIfAbsent(item.alertname(), a -> diagnose(item));
                RemediationReport now = remediation.followUp(report.get().remediation(), d.diagnosis());
                if (!now.equals(report.get().remediation())) {
                    reports.save(report(item, d.diagnosis(), d.millis(), now, null));
                }
            } catch (RuntimeException e) {
                // The next pass diagnoses again and says so if it fails; nothing is lost here.
                log.warn("report {}: could not refresh the outcome of its actions: {}", id, e.toString());
            }
        }
    }

    private void scheduleFollowUp(String reportId, int pass, Instant at) {
        if (at != null && running) {
            long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
            followUps.schedule(() -> followUp(reportId, pass), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Only the newest firing report of its group, not resolved, gets passes and approvals. */
    private boolean isActive(String reportId) {
        WorkItem item = itemsByReport.get(reportId);
        return item != null && reportId.equals(activeReportByGroup.get(item.groupKey()));
    }

    /**
     * The first pass's failure is the report's error. A later pass's failure keeps what earlier
     * passes did, says what failed, and tries again: deferred work must not be dropped silently.
     */
    private void diagnosisFailed(WorkItem item, int pass, String why) {
        Optional<Report> earlier = reports.find(item.id()).filter(r -> r.remediation() != null);
        if (pass == 1 || earlier.isEmpty()) {
            reports.save(report(item, null, null, null, why));
            return;
        }
        Instant retryAt = clock.instant().plus(FAILED_PASS_RETRY);
        reports.save(earlier.get().withRemediation(earlier.get().remediation().withNextPass(retryAt,
                "Pass " + pass + " failed: " + why + "; retrying at " + retryAt + ".")));
        scheduleFollowUp(item.id(), pass + 1, retryAt);
    }

    private synchronized void followUp(String reportId, int pass) {
        if (!isActive(reportId)) {
            log.info("report {}: no further passes (its alert resolved or a newer report replaced it)", reportId);
            forget(reportId);
            return;
        }
        try {
            runPass(itemsByReport.get(reportId), pass);
        } catch (RuntimeException e) {
            log.error("follow-up pass {} of {} failed", pass, reportId, e);
        }
    }

    /**
     * An operator approves every action of the report that awaits approval; they run in a pass
     * started at once. Empty when the report is unknown, replaced, or has nothing awaiting.
     */
    public synchronized Optional<Set<String>> approve(String reportId) {
        Optional<Report> report = reports.find(reportId);
        if (report.isEmpty() || report.get().remediation() == null || !isActive(reportId)) {
            return Optional.empty();
        }
        Set<String> keys = report.get().remediation().actions().stream()
                .filter(a -> a.decision() == Decision.AWAITING_APPROVAL)
                .map(PlannedAction::key).collect(Collectors.toUnmodifiableSet());
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        approvals.merge(reportId, keys, (a, b) -> Stream.concat(a.stream(), b.stream())
                .collect(Collectors.toUnmodifiableSet()));
        int pass = report.get().remediation().pass() + 1;
        followUps.execute(() -> followUp(reportId, pass));
        log.info("report {}: {} action(s) approved", reportId, keys.size());
        return Optional.of(keys);
    }

    private void forget(String reportId) {
        itemsByReport.remove(reportId);
        approvals.remove(reportId);
    }

    /** One firing episode of the group: a repeat of the same alert shares it, a new firing does not. */
    static String episode(WorkItem item) {
        Instant first = item.alerts().stream().map(AlertmanagerPayload.Alert::startsAt)
                .filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(item.receivedAt());
        return item.groupKey() + "@" + first.getEpochSecond();
    }

    private Report report(WorkItem item, OutdatedWorkloadsDiagnosis d, Long diagnosisMillis, RemediationReport acted,
                          String error) {
        return new Report(
                item.id(), item.alertname(), item.status(), item.receivedAt(), clock.instant(), diagnosisMillis,
                item.groupKey(), item.receiver(), item.externalURL(), item.alerts().size(), item.truncatedAlerts(),
                d != null, error,
                d == null ? null : d.cluster(),
                d == null ? null : d.recommendedActionCounts(),
                d == null ? List.of() : d.findings(),
                d == null ? 0 : d.outOfScopeVmis(),
                d == null ? List.of() : d.outdatedVmis(),
                acted);
    }

    @Override
    public void close() {
        running = false;
        followUps.shutdownNow();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (queue.size() > 0) {
            // Intake is in memory until durable intake lands; say so rather than lose work silently.
            log.warn("stopping with {} accepted alert group(s) not yet diagnosed; Alertmanager re-sends firing"
                    + " alerts at its repeat_interval", queue.size());
        }
    }
}

package io.remediator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.kubevirt.InformerSync;
import io.remediator.logging.LogSafe;
import io.remediator.leader.LeadershipLostException;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.remediation.Approval;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.Remediation;
import io.remediator.remediation.RemediationReport;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportRetention;
import io.remediator.report.ReportStatus;
import io.remediator.reconcile.NextStep;
import io.remediator.reconcile.Triage;
import io.remediator.report.ApprovalOutcome;
import io.remediator.report.LightReportCache;
import io.remediator.report.ReportStore;
import io.remediator.report.StoredReport;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.Runbook;
import io.remediator.webhook.WorkItem;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's work. It watches the stored RemediationReports and decides from each what it needs:
 * a first pass (just received), a fresh pass (a repeat delivery or an approval arrived, or a pass
 * was cut off by a crash), a scheduled next pass, or closing (resolved, or superseded by a newer
 * episode of its group). Everything runs on one thread, so two passes never act at once, and the
 * stored report is the only state: a new leader (after a restart or a failover) picks the work up
 * where the stored reports say it stands.
 */
public final class WorkItemProcessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkItemProcessor.class);
    private static final Duration FAILED_PASS_RETRY = Duration.ofMinutes(1);
    private static final Duration API_RETRY = Duration.ofSeconds(5);
    private static final Duration OUTCOME_REFRESH_DELAY = Duration.ofSeconds(2);
    private static final Duration RETENTION_SWEEP = Duration.ofMinutes(10);

    private final KubernetesClient client;
    private final ReportStore store;
    private final Map<String, Runbook> runbooks;
    private final Remediation remediation;
    private final Supplier<Set<String>> policyNamespaces;
    private final ReportRetention retention;
    private final RemediatorMetrics metrics;
    private final Clock clock;
    private final String identity;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "report-worker");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Map<String, ScheduledFuture<?>> nextPasses = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    /** Bumped on every change of leadership: work queued in an earlier term does not run. */
    private volatile long term;
    private volatile boolean acting;
    private volatile SharedIndexInformer<GenericKubernetesResource> informer;
    private static final long REPORT_LIST_PAGE = 2;
    /** A new leader that cannot list its reports in this time steps back and tries again. */
    private static final Duration TAKE_OVER_TIMEOUT = Duration.ofSeconds(60);
    private volatile ScheduledFuture<?> sweeps;

    public WorkItemProcessor(KubernetesClient client, ReportStore store, Map<String, Runbook> runbooks,
                             Remediation remediation, Supplier<Set<String>> policyNamespaces, ReportRetention retention,
                             RemediatorMetrics metrics, Clock clock, String identity) {
        this.client = client;
        this.store = store;
        this.runbooks = Map.copyOf(runbooks);
        this.remediation = remediation;
        this.policyNamespaces = policyNamespaces;
        this.retention = retention;
        this.metrics = metrics;
        this.clock = clock;
        this.identity = identity;
    }

    /** This replica became the leader: take over every stored report's unfinished work. */
    public synchronized void startActing() {
        long t = ++term;
        acting = true;
        worker.execute(() -> takeOver(t));
    }

    /** This replica stopped leading: no further write, no queued work, no timers. */
    public synchronized void stopActing() {
        acting = false;
        term++;
        nextPasses.values().forEach(f -> f.cancel(false));
        nextPasses.clear();
        queued.clear();
        Optional.ofNullable(sweeps).ifPresent(f -> f.cancel(false));
        SharedIndexInformer<GenericKubernetesResource> i = informer;
        informer = null;
        if (i != null) {
            i.close();
        }
    }

    private boolean current(long t) {
        return acting && t == term;
    }

    private void takeOver(long t) {
        if (!current(t)) {
            return;
        }
        try {
            // The limits count what earlier leaders executed: read before the first pass may act.
            remediation.rememberExecuted(store.all().stream().map(StoredReport::status).filter(Objects::nonNull)
                    .map(ReportStatus::remediation).filter(Objects::nonNull).toList());
            // Paged, and cached without the VMI lists: a new leader must be able to take over at the
            // documented limits (reports.maxReports of reports.maxObjectBytes) on a small heap.
            SharedIndexInformer<GenericKubernetesResource> i = client.genericKubernetesResources(ReportStore.KIND)
                    .inNamespace(store.namespace()).withLimit(REPORT_LIST_PAGE).runnableInformer(0);
            i.itemStore(new LightReportCache());
            i.addEventHandler(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(GenericKubernetesResource r) {
                            enqueue(t, r.getMetadata().getName());
                        }

                        @Override
                        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                            enqueue(t, after.getMetadata().getName());
                        }

                        @Override
                        public void onDelete(GenericKubernetesResource r, boolean unknownFinalState) {
                            cancelNextPass(r.getMetadata().getName());
                        }
                    });
            i.exceptionHandler((started, error) -> started);
            // A take-over that cannot list its reports in time steps back (the catch below) and retries.
            InformerSync.await(List.of(i), TAKE_OVER_TIMEOUT, "the stored reports");
            synchronized (this) {
                if (!current(t)) {
                    i.close();
                    return;
                }
                informer = i;
                // Under the same lock as stopActing(), so a step-down in between cannot miss it.
                sweeps = worker.scheduleWithFixedDelay(() -> {
                    if (current(t)) {
                        retention.sweep(acting());
                    }
                }, 0, RETENTION_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
            }
            log.info("{} took over the stored reports in namespace {}", identity, store.namespace());
        } catch (KubernetesClientException e) {
            log.warn("could not read the stored reports ({}); trying again in {}s", ApiErrors.describe(e),
                    API_RETRY.toSeconds());
            worker.schedule(() -> takeOver(t), API_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** True while this term lasts: checked before every write. */
    private BooleanSupplier acting() {
        long t = term;
        return () -> current(t);
    }

    private void enqueue(long t, String name) {
        if (current(t) && queued.add(name)) {
            worker.execute(() -> {
                queued.remove(name);
                if (current(t)) {
                    process(name);
                }
            });
        }
    }

    /** Reads the report fresh and does what it needs now, if anything. */
    private void process(String name) {
        try {
            Optional<StoredReport> found = store.get(name);
            if (found.isEmpty() || found.get().phase() == ReportPhase.Closed) {
                return;
            }
            StoredReport r = found.get();
            WorkItem item = r.item();
            ReportStatus s = r.status();
            NextStep step = Triage.decide(item, s, newerEpisode(item).map(WorkItem::id).orElse(null), clock.instant());
            if (step instanceof NextStep.Close c) {
                close(r, c.note());
            } else if (step instanceof NextStep.RunPass) {
                runPass(r);
            } else if (step instanceof NextStep.WaitUntil w) {
                scheduleNextPass(name, w.at());
            }
        } catch (LeadershipLostException e) {
            log.info("report {}: {}", name, e.getMessage());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 413 || String.valueOf(e.getMessage()).contains("request is too large")) {
                // Retrying the same write cannot succeed: say so once, and leave the report be.
                log.error("report {}: the API server refuses the write as too large ({}); not retried", name,
                        ApiErrors.describe(e));
                return;
            }
            log.warn("report {}: {}; trying again in {}s", name, ApiErrors.describe(e), API_RETRY.toSeconds());
            scheduleNextPass(name, clock.instant().plus(API_RETRY));
        } catch (RuntimeException e) {
            log.error("report {}: unexpected failure", name, e);
        }
    }

    private Optional<WorkItem> newerEpisode(WorkItem item) {
        SharedIndexInformer<GenericKubernetesResource> i = informer;
        if (i == null) {
            return Optional.empty();
        }
        return i.getStore().list().stream().map(store::item)
                .filter(o -> o.sameGroup(item) && !o.episode().equals(item.episode()) && o.firing()
                        && o.receivedAt().isAfter(item.receivedAt()))
                .max(Comparator.comparing(WorkItem::receivedAt));
    }

    private void close(StoredReport r, String note) {
        ReportStatus s = r.status();
        RemediationReport rem = s == null || s.remediation() == null ? null : s.remediation().withNextPass(null, note);
        ReportStatus closed = s == null
                ? emptyStatus(r.item(), 0, null).withRemediation(null, ReportPhase.Closed)
                : s.withRemediation(rem, ReportPhase.Closed);
        store.writeStatus(r, closed, acting());
        cancelNextPass(r.name());
        log.info("report {}: {}", r.name(), note);
    }

    /** Diagnose, let the policy act, store the outcome; schedules the next pass when there is more to do. */
    private void runPass(StoredReport r) {
        WorkItem item = r.item();
        ReportStatus s = r.status();
        int pass = s == null ? 1 : s.pass() + 1;
        Diagnosed d;
        try {
            d = diagnose(item);
            log.info("{}: {} outdated VMI(s), diagnosed in {} ms (report {}, pass {})", item.alertname(),
                    d.diagnosis().outdatedVmis().size(), d.millis(), item.id(), pass);
        } catch (KubernetesClientException e) {
            diagnosisFailed(r, pass, (ApiErrors.answered(e) ? "" : "Kubernetes API call failed: ") + ApiErrors.describe(e));
            return;
        } catch (RuntimeException e) {
            log.error("diagnosis of {} failed", item.id(), e);
            diagnosisFailed(r, pass, "diagnosis failed: " + e);
            return;
        }
        RemediationReport previous = s == null ? null : s.remediation();
        if (previous != null && s.phase() == ReportPhase.Acting) {
            log.warn("report {}: pass {} was cut off while executing; pass {} finds out what happened", item.id(),
                    s.pass(), pass);
            previous = previous.interrupted();
        }
        StoredReport[] latest = {r};
        RemediationReport acted;
        try {
            acted = remediation.pass(item.id(), pass, d.diagnosis(), policyNamespaces.get(),
                    Set.copyOf(item.approvedActions()), item.episode(), previous,
                    plan -> latest[0] = store.writeStatus(latest[0], status(item, pass, d, plan, null), acting()),
                    acting());
        } catch (LeadershipLostException | KubernetesClientException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("remediation pass {} of {} failed", pass, item.id(), e);
            store.writeStatus(latest[0], status(item, pass, d, null, "remediation failed: " + e), acting());
            return;
        }
        store.writeStatus(latest[0], status(item, pass, d, acted, null), acting());
        scheduleNextPass(item.id(), acted.nextPassAt());
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
     * The first pass's failure is the report's error (a repeat delivery tries again). A later
     * pass's failure keeps what earlier passes did, says what failed, and tries again: deferred
     * work must not be dropped silently.
     */
    private void diagnosisFailed(StoredReport r, int pass, String why) {
        log.warn("diagnosis of {} failed: {}", r.name(), why);
        ReportStatus s = r.status();
        if (s == null || s.remediation() == null) {
            store.writeStatus(r, emptyStatus(r.item(), pass, why).withPhase(ReportPhase.Failed), acting());
            return;
        }
        Instant retryAt = clock.instant().plus(FAILED_PASS_RETRY);
        store.writeStatus(r, s.withRemediation(s.remediation().withNextPass(retryAt,
                "Pass " + pass + " failed: " + why + "; retrying at " + retryAt + "."), ReportPhase.Waiting), acting());
        scheduleNextPass(r.name(), retryAt);
    }

    private void scheduleNextPass(String name, Instant at) {
        if (at == null || !acting) {
            return;
        }
        long t = term;
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        ScheduledFuture<?> f = worker.schedule(() -> {
            nextPasses.remove(name);
            enqueue(t, name);
        }, delay, TimeUnit.MILLISECONDS);
        Optional.ofNullable(nextPasses.put(name, f)).ifPresent(old -> old.cancel(false));
    }

    private void cancelNextPass(String name) {
        ScheduledFuture<?> f = nextPasses.remove(name);
        if (f != null) {
            f.cancel(false);
        }
    }

    /**
     * A migration this service created, or an outdated VMI, changed: soon (coalescing a burst of
     * watch events into one) the open reports show what became of their executed actions, without
     * waiting for the next pass.
     */
    public void actedOnObjectsChanged() {
        if (acting && refreshPending.compareAndSet(false, true)) {
            long t = term;
            worker.schedule(() -> refreshOutcomes(t), OUTCOME_REFRESH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void refreshOutcomes(long t) {
        refreshPending.set(false);
        SharedIndexInformer<GenericKubernetesResource> i = informer;
        if (!current(t) || i == null) {
            return;
        }
        // Diagnosis is cluster-wide: reports of several groups of one alert share one.
        Map<String, Diagnosed> byAlert = new HashMap<>();
        for (GenericKubernetesResource o : i.getStore().list()) {
            StoredReport r = store.read(o);
            ReportStatus s = r.status();
            if (s == null || s.remediation() == null || s.phase() == ReportPhase.Closed || s.phase() == ReportPhase.Acting
                    || !s.remediation().awaitsOutcome()) {
                continue;
            }
            try {
                Diagnosed d = byAlert.computeIfAbsent(r.item().alertname(), a -> diagnose(r.item()));
                RemediationReport now = remediation.followUp(s.remediation(), d.diagnosis());
                if (!now.equals(s.remediation())) {
                    // Only a pass marks deliveries and approvals handled: a refresh keeps what the
                    // last pass handled, so one that arrived since still gets its pass at once.
                    store.writeStatus(r, status(r.item(), s.pass(), d, now, null)
                            .withHandled(s.handledDeliveries(), s.handledApprovals()), acting());
                }
            } catch (RuntimeException e) {
                // The next pass diagnoses again and says so if it fails; nothing is lost here.
                log.warn("report {}: could not refresh the outcome of its actions: {}", r.name(), e.toString());
            }
        }
    }

    /**
     * Approves the named actions of the report's current plan, if that plan is the one the operator
     * reviewed (pass {@code pass}). Any replica takes it: it is stored with the report, and the
     * leader runs a pass for it at once.
     */
    public ApprovalOutcome approve(String reportId, int pass, List<String> keys, String by) {
        Optional<StoredReport> found = store.get(reportId);
        if (found.isEmpty() || found.get().status() == null || found.get().status().remediation() == null) {
            return new ApprovalOutcome.NotOpen("this report has no plan (yet) to approve");
        }
        StoredReport r = found.get();
        if (r.phase() == ReportPhase.Closed || !r.item().firing()) {
            return new ApprovalOutcome.NotOpen("this report is closed: its alert resolved, or a newer episode of its"
                    + " alert group replaced it");
        }
        Map<String, PlannedAction> awaiting = new java.util.TreeMap<>();
        r.status().remediation().actions().stream().filter(a -> a.decision() == Decision.AWAITING_APPROVAL)
                .forEach(a -> awaiting.put(a.key(), a));
        List<String> awaitingKeys = List.copyOf(awaiting.keySet());
        if (r.status().remediation().pass() != pass) {
            return new ApprovalOutcome.Stale(r.status().remediation().pass(), awaitingKeys);
        }
        List<String> notAwaiting = keys.stream().filter(k -> !awaiting.containsKey(k)).sorted().toList();
        if (!notAwaiting.isEmpty() || keys.isEmpty()) {
            return new ApprovalOutcome.NotAwaiting(notAwaiting, awaitingKeys);
        }
        // Bound to the VMI the plan named: its UID travels with the action, also for a VMI left out of
        // a stored report too large to list every VMI.
        Set<String> entries = keys.stream().map(awaiting::get).map(a -> Approval.of(a).entry())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        List<String> approved = keys.stream().sorted().toList();
        store.approve(reportId, entries, new WorkItem.ApprovalGiven(clock.instant(), by, pass, approved));
        log.info("report {}: {} action(s) of pass {} approved by {}", reportId, keys.size(), pass, LogSafe.of(by));
        return new ApprovalOutcome.Approved(approved);
    }

    private ReportStatus status(WorkItem item, int pass, Diagnosed d, RemediationReport acted, String error) {
        OutdatedWorkloadsDiagnosis dx = d.diagnosis();
        ReportPhase phase = error != null ? ReportPhase.Failed
                : acted == null ? ReportPhase.Done
                : acted.actions().stream().anyMatch(a -> a.result() == null && a.decision().executes()) ? ReportPhase.Acting
                : acted.nextPassAt() != null ? ReportPhase.Waiting : ReportPhase.Done;
        return new ReportStatus(phase, pass, item.deliveries(), item.approvedActions().size(), identity,
                clock.instant(), d.millis(), true, error, dx.cluster(), dx.recommendedActionCounts(), dx.findings(),
                dx.outOfScopeVmis(), dx.outdatedVmis().size(), dx.outdatedVmis(), 0, acted, 0,
                acted == null ? null : acted.nextPassAt(), dx.pendingLiveUpdateVmis());
    }

    private ReportStatus emptyStatus(WorkItem item, int pass, String error) {
        return new ReportStatus(ReportPhase.Done, pass, item.deliveries(), item.approvedActions().size(), identity,
                clock.instant(), null, false, error, null, null, List.of(), 0, 0, List.of(), 0, null, 0, null, List.of());
    }

    @Override
    public void close() {
        stopActing();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

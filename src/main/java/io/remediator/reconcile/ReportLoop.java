package io.remediator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.remediation.Remediation;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportRetention;
import io.remediator.report.ReportStatus;
import io.remediator.report.ReportStore;
import io.remediator.rollout.RolloutSource;
import io.remediator.report.StoredReport;
import io.remediator.runbook.Runbook;
import io.remediator.report.ReportSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's loop. Watch events only put keys into one {@link DueQueue}; one thread takes them
 * and, for a report, reads it fresh, asks {@link Triage#decide} what it needs and carries that out
 * (close, a pass, or look again later). Everything runs on that thread, so two passes never act at
 * once, and the stored reports are the only state: a new leader picks the work up where they say
 * it stands. Leadership is checked here, before every write, and nowhere else.
 */
public final class ReportLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReportLoop.class);
    private static final Duration API_RETRY = Duration.ofSeconds(5);
    private static final Duration OUTCOME_REFRESH_DELAY = Duration.ofSeconds(2);
    private static final Duration RETENTION_SWEEP = Duration.ofMinutes(10);
    private static final Duration RETENTION_AFTER_TAKE_OVER = Duration.ofMinutes(1);
    /**
     * Once more reports are stored than `reports.maxReports`, retention runs this soon (a burst of
     * new reports becomes one sweep), not at its next routine sweep (redteam-2 N5: 366 reports under
     * a limit of 100 between two sweeps).
     */
    static final Duration RETENTION_OVER_LIMIT = Duration.ofSeconds(3);
    static final Duration ROLLOUT_EVERY = Duration.ofSeconds(5);
    /**
     * A change the burn-down shows (a VMI left, the KubeVirt CR moved) is looked at this soon:
     * the changes of this moment become one look (one that only counts, a few milliseconds at
     * 10,000 VMIs, unless the KubeVirt CR moved), and the count follows within a second or so.
     */
    static final Duration ROLLOUT_AFTER_CHANGE = Duration.ofMillis(100);
    private static final Duration ROLLOUT_IDLE = Duration.ofMinutes(1);
    private volatile RolloutWatch rollouts;
    /**
     * The rollout watch's full-look diagnoses run here, one at a time, not on the worker: its looks
     * that only count (a VMI left) go on meanwhile. Its one thread ends when idle.
     */
    private final java.util.concurrent.ThreadPoolExecutor rolloutDiagnosis = new java.util.concurrent.ThreadPoolExecutor(
            0, 1, 30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "rollout-diagnosis");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean requireApprovalForSystemicRestarts = true;

    /**
     * Watches KubeVirt's updates (issue 24): the rollout records, kept by the leader.
     *
     * @param kubeVirt the effective KubeVirt CR with its update's frozen times (from the watch)
     */
    public void watchRollouts(io.remediator.rollout.RolloutRecords records, io.remediator.kubevirt.KubeVirtInformers informers,
                              io.remediator.config.RemediatorConfig.Rollout settings,
                              io.remediator.config.RemediatorConfig.Systemic systemic) {
        this.requireApprovalForSystemicRestarts = systemic.requireApprovalForRestarts();
        RolloutWatch.Cluster cluster = new InformerCluster(informers, () -> routedNamespaces.get());
        this.rollouts = new RolloutWatch(records, cluster, diagnosis, clock, new RolloutWatch.Settings(
                settings.noImpactGrace(), settings.stallAfter(), RolloutWatch.Settings.DEFAULT.foundWithin(),
                settings.act(), settings.actAfter(), new io.remediator.rollout.MigrationFailures.Rule(systemic.minFailures(),
                systemic.minVmis(), systemic.minShare())), rolloutDiagnosis).reportingTo(metrics)
                .onWritten(id -> rolloutWritten.accept(id))
                .whenDiagnosed(() -> {
                    if (acting) {
                        queue.add(Job.Chore.ROLLOUT);
                    }
                });
    }

    /** The same, and with no rollout to count from, failures counted in `systemic.window`s kept in {@code windows}. */
    public void watchRollouts(io.remediator.rollout.RolloutRecords records, io.remediator.kubevirt.KubeVirtInformers informers,
                              io.remediator.config.RemediatorConfig.Rollout settings,
                              io.remediator.config.RemediatorConfig.Systemic systemic,
                              io.remediator.rollout.FailureWindows windows) {
        watchRollouts(records, informers, settings, systemic);
        rollouts.countingWithoutRollout(windows, systemic.window());
    }

    private volatile java.util.function.Consumer<String> rolloutWritten = id -> { };
    private volatile java.util.function.Supplier<java.util.Set<String>> routedNamespaces = java.util.Set::of;

    /** The rollout records keep the shares of these namespaces (the ones with an owner channel). */
    public ReportLoop routingRolloutsTo(java.util.function.Supplier<java.util.Set<String>> namespaces) {
        this.routedNamespaces = namespaces;
        return this;
    }

    /** How often the drain-blocker watch looks: a cordon's report follows within seconds. */
    static final Duration DRAINS_EVERY = Duration.ofSeconds(2);
    private volatile DrainWatch drains;

    /**
     * Watches for VMIs holding up a node's drain (vce.watchNodes): each such drain gets its report
     * of {@code alertname} at once, before the alert.
     */
    public void watchDrains(String alertname, io.remediator.kubevirt.KubeVirtInformers informers,
                            io.remediator.kubevirt.DrainStarts starts) {
        this.drains = new DrainWatch(alertname, store, new DrainWatch.Cluster() {
            @Override
            public java.util.List<io.remediator.kubevirt.DrainBlockers> drainBlockers(java.util.List<String> problems) {
                return informers.drainBlockers(problems);
            }

            @Override
            public Optional<java.time.Instant> drainStarted(String node) {
                try {
                    return starts.of(node);
                } catch (KubernetesClientException e) {
                    log.warn("drain-blocker watch: could not read node {} ({}): the drain's start is when it was seen",
                            node, ApiErrors.describe(e));
                    return Optional.empty();
                }
            }
        }, () -> {
            OpenReports r = reports;
            return r == null ? java.util.List.of() : r.all();
        }, clock);
    }

    private void lookAtDrains(StatusWrites writes) {
        DrainWatch w = drains;
        if (w == null || reports == null) {
            return;
        }
        try {
            w.look(writes);
        } catch (KubernetesClientException e) {
            log.warn("drain-blocker watch: {}; trying again in {}s", ApiErrors.describe(e), API_RETRY.toSeconds());
            if (acting) {
                queue.addAfter(Job.Chore.DRAINS, API_RETRY);
            }
            return;
        } catch (SteppedDown e) {
            throw e;
        } catch (RuntimeException e) {
            // A chore that stopped here would never look again: it is logged and scheduled as always.
            log.error("drain-blocker watch: unexpected failure; trying again in {}s", API_RETRY.toSeconds(), e);
            if (acting) {
                queue.addAfter(Job.Chore.DRAINS, API_RETRY);
            }
            return;
        }
        if (acting) {
            queue.addAfter(Job.Chore.DRAINS, DRAINS_EVERY);
        }
    }

    /** The rollout watch wrote this record's status (Slack's living rollout message follows it). */
    public void onRolloutWritten(java.util.function.Consumer<String> listener) {
        this.rolloutWritten = listener;
    }
    /** A new leader that cannot list its reports in this time steps back and tries again. */
    private static final Duration TAKE_OVER_TIMEOUT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final ReportStore store;
    private final Remediation remediation;
    private final ReportRetention retention;
    private final Clock clock;
    private final String identity;
    private final PassRunner passes;
    private final RemediatorMetrics metrics;
    private final Duration repeatPassInterval;
    private final OutcomeRefresh refresh;
    private final RunbookDiagnosis diagnosis;
    private final DueQueue<Job> queue = new DueQueue<>();
    private final Thread worker;
    /** Bumped on every change of leadership: work started in an earlier term writes nothing. */
    private volatile long term;
    private volatile boolean acting;
    private volatile OpenReports reports;
    private volatile java.util.function.Consumer<String> statusWritten = name -> { };

    public ReportLoop(KubernetesClient client, ReportStore store, Map<String, Runbook> runbooks, Remediation remediation,
                      Supplier<Set<String>> policyNamespaces, ReportRetention retention, RemediatorMetrics metrics,
                      Clock clock, String identity, Duration repeatPassInterval) {
        this.client = client;
        this.metrics = metrics;
        this.repeatPassInterval = repeatPassInterval;
        this.store = store;
        this.remediation = remediation;
        this.retention = retention;
        this.clock = clock;
        this.identity = identity;
        this.diagnosis = new RunbookDiagnosis(runbooks, metrics);
        this.passes = new PassRunner(diagnosis, remediation, policyNamespaces, clock, identity, spec -> {
            RolloutWatch w = rollouts;
            return w == null ? io.remediator.remediation.RolloutScope.NONE : w.scopeOf(spec);
        }, spec -> {
            RolloutWatch w = rollouts;
            return w == null || !RolloutWatch.ALERTNAME.equals(spec.alertname())
                    ? io.remediator.remediation.SystemicFailures.NONE
                    : new io.remediator.remediation.SystemicFailures(w.systemicSignatures(),
                            requireApprovalForSystemicRestarts);
        }, spec -> {
            DrainWatch w = drains;
            return w == null ? io.remediator.remediation.PlannedElsewhere.NONE : w.plannedElsewhere().apply(spec);
        });
        this.refresh = new OutcomeRefresh(diagnosis, store::get, clock, identity);
        this.worker = new Thread(this::work, "report-worker");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Told the name of each report whose status this loop wrote (its Slack message may change). */
    public void onStatusWritten(java.util.function.Consumer<String> listener) {
        this.statusWritten = listener;
    }

    /** This replica became the leader: take over every stored report's unfinished work. */
    public synchronized void startActing() {
        term++;
        acting = true;
        queue.add(Job.Chore.TAKE_OVER);
    }

    /** This replica stopped leading: no further write, no queued work. */
    public synchronized void stopActing() {
        acting = false;
        term++;
        queue.clear();
        OpenReports r = reports;
        reports = null;
        if (r != null) {
            r.close();
        }
    }

    /**
     * A migration this service created, or an outdated VMI, changed: soon (a burst of watch events
     * becomes one look) the open reports show what became of their executed actions.
     */
    public void actedOnObjectsChanged() {
        if (acting) {
            queue.addAfter(Job.Chore.REFRESH_OUTCOMES, OUTCOME_REFRESH_DELAY);
        }
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            long t = term;
            if (!acting) {
                continue;
            }
            try {
                run(job, writes(t));
            } catch (SteppedDown e) {
                log.info("{}: {}", job, e.getMessage());
            } catch (RuntimeException e) {
                log.error("{}: unexpected failure", job, e);
            }
        }
    }

    private void run(Job job, StatusWrites writes) {
        if (job instanceof Job.Report r) {
            look(r.name(), writes);
        } else if (job == Job.Chore.TAKE_OVER) {
            takeOver(writes);
        } else if (job == Job.Chore.REFRESH_OUTCOMES) {
            OpenReports r = reports;
            if (r != null) {
                refresh.refresh(r.all(), writes);
            }
        } else if (job == Job.Chore.RETENTION) {
            retention.sweep(writes::mayWrite);
            queue.addAfter(Job.Chore.RETENTION, RETENTION_SWEEP);
        } else if (job == Job.Chore.ROLLOUT) {
            lookAtRollout(writes, false);
        } else if (job == Job.Chore.ROLLOUT_COUNTS) {
            lookAtRollout(writes, true);
        } else if (job == Job.Chore.DRAINS) {
            lookAtDrains(writes);
        }
    }

    /** While a rollout is open, every {@link #ROLLOUT_EVERY}; otherwise on the KubeVirt CR's changes and each minute. */
    private void lookAtRollout(StatusWrites writes, boolean countsOnly) {
        RolloutWatch w = rollouts;
        if (w == null) {
            return;
        }
        RolloutWatch.Look look;
        long started = System.nanoTime();
        try {
            look = countsOnly ? w.lookAtCounts(writes) : w.look(writes);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            log.warn("rollout watch: {}; trying again in {}s", ApiErrors.describe(e), API_RETRY.toSeconds());
            queue.addAfter(Job.Chore.ROLLOUT, API_RETRY);
            return;
        }
        if (look == RolloutWatch.Look.DIAGNOSING) {
            return; // the diagnosis's end brings the look back (whenDiagnosed)
        }
        if (!countsOnly) {
            // A counting look is not timed: remediator_rollout_look_duration stays the full looks' cost.
            metrics.rolloutLookTook(Duration.ofNanos(System.nanoTime() - started));
        }
        boolean open = look.open();
        if (acting && (open || !countsOnly)) {
            // After a counting look a full one follows within ROLLOUT_EVERY (the queue keeps an earlier one).
            queue.addAfter(Job.Chore.ROLLOUT, open ? ROLLOUT_EVERY : ROLLOUT_IDLE);
        }
    }

    /**
     * The KubeVirt CR changed (or an outdated VMI left): the rollout watch looks soon, at the counts
     * (a full look when the KubeVirt CR moved); its full looks go on every {@link #ROLLOUT_EVERY}.
     */
    public void kubeVirtChanged() {
        if (acting && rollouts != null) {
            queue.addAfter(Job.Chore.ROLLOUT_COUNTS, ROLLOUT_AFTER_CHANGE);
        }
    }

    /** The writes of a job started in term {@code t}: each only while that term lasts. */
    private StatusWrites writes(long t) {
        return new StatusWrites() {
            @Override
            public boolean mayWrite() {
                return acting && term == t;
            }

            @Override
            public StoredReport write(StoredReport current, ReportStatus status) {
                if (!mayWrite()) {
                    throw new SteppedDown();
                }
                StoredReport written = store.writeStatus(current, status);
                statusWritten.accept(written.name());
                return written;
            }
        };
    }

    private void takeOver(StatusWrites writes) {
        try {
            // Reports piled up beyond maxReports (a flood while no replica led) are deleted first,
            // on a light listing, before the watch lists what is left (redteam-2 N5).
            retention.sweepIfOverLimit(writes::mayWrite);
            // News (a new report, a delivery, an approval) is looked at before routine work: a new
            // leader taking over many reports whose passes fell due does not keep an alert waiting.
            OpenReports watch = new OpenReports(client, store, TAKE_OVER_TIMEOUT, (name, news) -> {
                if (writes.mayWrite()) {
                    if (news) {
                        queue.addFirst(new Job.Report(name));
                        OpenReports current = reports;
                        if (current != null && retention.overLimit(current.size())) {
                            queue.addAfter(Job.Chore.RETENTION, RETENTION_OVER_LIMIT);
                        }
                    } else {
                        queue.add(new Job.Report(name));
                    }
                }
            }, name -> queue.forget(new Job.Report(name)));
            // The limits count what earlier leaders executed: taken from the watch's first LIST (its
            // copies keep the plans) before the first pass may act, so a take-over lists once.
            remediation.rememberExecuted(watch.all().stream().map(StoredReport::status).filter(Objects::nonNull)
                    .map(ReportStatus::remediation).filter(Objects::nonNull).toList());
            synchronized (this) {
                if (!writes.mayWrite()) {
                    watch.close();
                    return;
                }
                reports = watch;
            }
            // Housekeeping (a LIST of every report) waits until the reports' own looks are done.
            queue.addAfter(Job.Chore.RETENTION, retention.overLimit(watch.size()) ? RETENTION_OVER_LIMIT
                    : RETENTION_AFTER_TAKE_OVER);
            log.info("{} took over the stored reports in namespace {}", identity, store.namespace());
            if (rollouts != null) {
                rollouts.forgetRecords();
                queue.addFirst(Job.Chore.ROLLOUT);
            }
            if (drains != null) {
                drains.forget();
                queue.addAfter(Job.Chore.DRAINS, DRAINS_EVERY);
            }
        } catch (KubernetesClientException e) {
            // Includes a take-over that could not list its reports in time: step back and retry.
            log.warn("could not read the stored reports ({}); trying again in {}s", ApiErrors.describe(e),
                    API_RETRY.toSeconds());
            queue.addAfter(Job.Chore.TAKE_OVER, API_RETRY);
        }
    }

    /** Reads the report fresh and does what it needs now, if anything. */
    private void look(String name, StatusWrites writes) {
        try {
            // Most looks (a take-over of many reports, a repeat within repeatPassInterval) find
            // nothing to do: decide that from the watch's copy, and read the whole report (up to
            // 1 MB) only to act. The copy is at least as new as the event that queued this look.
            OpenReports open = reports;
            Optional<StoredReport> cached = open == null ? Optional.empty() : open.cached(name, store.namespace());
            if (cached.isPresent() && RolloutSource.KIND.equals(cached.get().spec().alertname())) {
                return; // a rollout record: the rollout watch keeps it, no runbook pass
            }
            if (cached.isPresent() && cached.get().phase() != ReportPhase.Closed
                    && decide(cached.get()) instanceof NextStep.WaitUntil w) {
                lookAgainAt(name, w.at());
                return;
            }
            Optional<StoredReport> found = store.get(name);
            if (found.isEmpty() || found.get().phase() == ReportPhase.Closed
                    || RolloutSource.KIND.equals(found.get().spec().alertname())) {
                return;
            }
            StoredReport r = found.get();
            NextStep step = decide(r);
            if (step instanceof NextStep.Close c) {
                passes.close(r, c.note(), writes);
            } else if (step instanceof NextStep.RunPass run) {
                metrics.passStarted(run.reason().name());
                lookAgainAt(name, passes.run(r, writes));
            } else if (step instanceof NextStep.WaitUntil w) {
                lookAgainAt(name, w.at());
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 413 || String.valueOf(e.getMessage()).contains("request is too large")) {
                // Retrying the same write cannot succeed: say so once, and leave the report be.
                log.error("report {}: the API server refuses the write as too large ({}); not retried", name,
                        ApiErrors.describe(e));
                return;
            }
            log.warn("report {}: {}; trying again in {}s", name, ApiErrors.describe(e), API_RETRY.toSeconds());
            queue.addAfter(new Job.Report(name), API_RETRY);
        }
    }

    private NextStep decide(StoredReport r) {
        return Triage.decide(r.spec(), r.status(), newerEpisode(r.spec()).map(ReportSpec::id).orElse(null),
                clock.instant(), repeatPassInterval);
    }

    private void lookAgainAt(String name, Instant at) {
        if (at != null && acting) {
            queue.addAfter(new Job.Report(name), Duration.between(clock.instant(), at));
        }
    }

    private Optional<ReportSpec> newerEpisode(ReportSpec item) {
        OpenReports r = reports;
        return r == null ? Optional.empty() : r.newerEpisode(item);
    }

    @Override
    public void close() {
        stopActing();
        rolloutDiagnosis.shutdownNow();
        worker.interrupt();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

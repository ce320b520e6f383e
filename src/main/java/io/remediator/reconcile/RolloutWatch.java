package io.remediator.reconcile;

import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.rollout.BurnDown;
import io.remediator.rollout.RolloutEta;
import io.remediator.rollout.RolloutRecords;
import io.remediator.rollout.RolloutSource;
import io.remediator.rollout.RolloutStage;
import io.remediator.rollout.RolloutStatus;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's look at KubeVirt's update (issue 24, first slice): from the KubeVirt CR watch it
 * creates the rollout record of the current target (at the update's start, or, found already
 * updated with VMIs outdated, at once), stores T0 once when the control plane completes, keeps
 * the stage and burn-down current from the caches, and supersedes the record of an older target.
 * It writes only rollout records: nothing of KubeVirt's.
 */
final class RolloutWatch {
    private static final Logger log = LoggerFactory.getLogger(RolloutWatch.class);
    static final String ALERTNAME = "OutdatedVirtualMachineInstanceWorkloads";

    /**
     * @param noImpactGrace how long after T0 an ID change that outdated nothing stays open
     * @param foundWithin   an update found already complete (the service was down at T0) is followed
     *                      only when T0 is this recent: the alert's own `for` (24 h); older, the
     *                      alert has fired and its report follows the VMIs
     */
    record Settings(Duration noImpactGrace, Duration stallAfter, Duration foundWithin, boolean act, Duration actAfter,
                    io.remediator.rollout.MigrationFailures.Rule rule) {
        static final Settings DEFAULT = new Settings(Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(24),
                false, Duration.ofHours(1), io.remediator.rollout.MigrationFailures.Rule.DEFAULT);
    }

    private final io.remediator.runbook.KnownSignatures known = io.remediator.runbook.KnownSignatures.shipped();

    /**
     * The systemic failure signatures of the open rollout (past T0), for the planner: no own
     * migration of a VMI whose last migration failed so, and its restart needs approval.
     */
    java.util.Set<String> systemicSignatures() {
        Optional<RolloutRecords.Record> counting = countingSinceT0();
        if (counting.isPresent()) {
            return counting.get().status().migrationFailures().systemicKeys();
        }
        FailureWindowLooks w = windowLooks;
        return w == null || w.window == null ? java.util.Set.of() : w.window.systemicKeys();
    }

    /** The open rollout that counts failures since its T0, if any: then no window is counted. */
    private Optional<RolloutRecords.Record> countingSinceT0() {
        return recordsForPass().stream().filter(r -> r.source() != null && r.status() != null
                && !r.status().stage().terminal() && r.status().migrationFailures() != null).findFirst();
    }

    /** The counts with no rollout to count from, as this leader keeps them. */
    private static final class FailureWindowLooks {
        final io.remediator.rollout.FailureWindows store;
        final Duration length;
        io.remediator.rollout.FailureWindow window;
        boolean read;

        FailureWindowLooks(io.remediator.rollout.FailureWindows store, Duration length) {
            this.store = store;
            this.length = length;
        }
    }

    private volatile FailureWindowLooks windowLooks;

    /**
     * With no rollout counting since T0, failures are counted in windows of {@code length}
     * ({@link io.remediator.rollout.FailureWindow}, `systemic.window`), kept in {@code store}.
     */
    RolloutWatch countingWithoutRollout(io.remediator.rollout.FailureWindows store, Duration length) {
        this.windowLooks = new FailureWindowLooks(store, length);
        return this;
    }

    /** Counts the failure window, unless a rollout counts since its T0; writes it when it changed. */
    private void lookAtWindow(StatusWrites writes) {
        FailureWindowLooks w = windowLooks;
        if (w == null || !writes.mayWrite() || countingSinceT0().isPresent()) {
            return;
        }
        if (!w.read) {
            w.window = w.store.read().orElse(null);
            w.read = true;
        }
        io.remediator.rollout.FailureWindow next = io.remediator.rollout.FailureWindow.next(w.window, clock.instant(),
                w.length, cluster.migrations(), cluster.failedMigrationMessages(), settings.rule(), known,
                cluster.backoffVmis().size(), cluster.failedLauncherPods());
        if (!next.equals(w.window)) {
            w.store.write(next);
            if (w.window == null || !w.window.systemicKeys().equals(next.systemicKeys())) {
                log.info("migration failures with no rollout (since {}): systemic {}", next.current().since(),
                        next.systemicKeys());
            }
            w.window = next;
        }
        if (metrics != null) {
            metrics.migrationFailures(failureSeries(next.current()));
        }
    }

    /**
     * Who plans the outdated VMIs for this report now: with `rollout.act` and a rollout open past
     * T0, its own report plans them (disruptive actions from T0 + actAfter) and any other report of
     * the alert plans nothing. Reads the rollout records (a LIST of those few) only when acting.
     */
    io.remediator.remediation.RolloutScope scopeOf(io.remediator.report.ReportSpec spec) {
        if (!settings.act() || !ALERTNAME.equals(spec.alertname())) {
            return io.remediator.remediation.RolloutScope.NONE;
        }
        Optional<RolloutRecords.Record> open = recordsForPass().stream().filter(r -> r.source() != null
                && r.source().controlPlaneCompletedAt() != null && (r.status() == null || !r.status().stage().terminal()))
                .findFirst();
        if (open.isEmpty()) {
            return io.remediator.remediation.RolloutScope.NONE;
        }
        String acting = RolloutRecords.actingReportName(open.get().id());
        return spec.id().equals(acting)
                ? new io.remediator.remediation.RolloutScope.ActingFor(open.get().id(),
                        open.get().source().controlPlaneCompletedAt().plus(settings.actAfter()))
                : new io.remediator.remediation.RolloutScope.OwnedBy(open.get().id(), acting);
    }

    /** What the watch reads of the cluster besides the diagnosis: all from the leader's caches. */
    interface Cluster {
        /** The KubeVirt CR KubeVirt acts on, with its update's frozen times; null without one. */
        KubeVirtInstallation kubeVirt();

        /** Every migration in the cache (the updater's successes give the ETA's samples; failures the signatures). */
        List<io.remediator.kubevirt.VirtualMachineInstanceMigration> migrations();

        /** The latest FailedMigration Event message per migration (ns/name). */
        java.util.Map<String, String> failedMigrationMessages();

        /** Launcher pods in phase Failed. */
        int failedLauncherPods();

        /** Nodes that can take a migrating VM (KVM advertised, not cordoned); 0 when unknown. */
        int kvmNodes();

        Optional<io.remediator.kubevirt.VirtualMachine> vm(String namespace, String name);

        /** The outdated VMIs in the cache (`ns/name`), read without classifying them; null when not known. */
        default java.util.Set<String> outdatedVmiKeys() {
            return null;
        }

        /** The VMIs KubeVirt has put in migration backoff within the hour (its MigrationBackoff Events). */
        default java.util.Set<String> backoffVmis() {
            return java.util.Set.of();
        }

        /** The namespaces routed to an owner channel (docs/owners.md): the record keeps their shares. */
        default java.util.Set<String> routedNamespaces() {
            return java.util.Set.of();
        }
    }

    private final RolloutRecords records;
    private final Cluster cluster;
    private final RunbookDiagnosis diagnosis;
    private final io.remediator.rollout.Departures departures = new io.remediator.rollout.Departures();
    private String following;
    /** The rollouts whose acting report this leader has made sure of. */
    private final java.util.Set<String> actingCreated = new java.util.HashSet<>();
    private final Clock clock;
    private final Settings settings;
    private io.remediator.metrics.RemediatorMetrics metrics;

    private java.util.function.Consumer<String> written = id -> { };

    /** Told each record whose status was written. */
    RolloutWatch onWritten(java.util.function.Consumer<String> listener) {
        this.written = listener;
        return this;
    }

    /** The rollout gauges follow each look. */
    RolloutWatch reportingTo(io.remediator.metrics.RemediatorMetrics m) {
        this.metrics = m;
        return this;
    }

    RolloutWatch(RolloutRecords records, Cluster cluster, RunbookDiagnosis diagnosis, Clock clock, Settings settings) {
        this(records, cluster, diagnosis, clock, settings, Runnable::run);
    }

    /**
     * @param diagnosing runs a full look's diagnosis; another thread than the looks' (the leader's
     *                   worker), so that the looks that only count go on meanwhile: at 10,000 VMIs
     *                   under load a diagnosis takes over a second, and a VMI leaving then would
     *                   wait for it to be counted (issue 24: the burn-down ≤ 2 s p99 behind KubeVirt)
     */
    RolloutWatch(RolloutRecords records, Cluster cluster, RunbookDiagnosis diagnosis, Clock clock, Settings settings,
                 java.util.concurrent.Executor diagnosing) {
        this.records = records;
        this.cluster = cluster;
        this.diagnosis = diagnosis;
        this.clock = clock;
        this.settings = settings;
        this.diagnosing = diagnosing;
    }

    /** What a look came to. */
    enum Look {
        /** A rollout is open: the loop looks again soon. */
        OPEN,
        /** No rollout is open. */
        CLOSED,
        /** The look needs a diagnosis, now under way off the worker: it is done when that is ({@link #whenDiagnosed}). */
        DIAGNOSING;

        boolean open() {
            return this == OPEN;
        }
    }

    /**
     * A full look's diagnosis, made on {@link #diagnosing}: the outdated keys read just before it
     * (a key the diagnosis does not have is out of scope), or what stopped it.
     */
    private record Diagnosed(long generation, java.util.Set<String> keysBefore, OutdatedWorkloadsDiagnosis diagnosis,
                             RuntimeException failure) {}

    private final java.util.concurrent.Executor diagnosing;
    private final java.util.concurrent.atomic.AtomicReference<Diagnosed> ready = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicBoolean diagnosingNow = new java.util.concurrent.atomic.AtomicBoolean();
    /** Bumped with each term ({@link #forgetRecords}): a diagnosis started in an earlier one is dropped. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private volatile Runnable diagnosed = () -> { };

    /** Told when a diagnosis a look waits for is done (on the diagnosing thread): the loop then looks again. */
    RolloutWatch whenDiagnosed(Runnable listener) {
        this.diagnosed = listener;
        return this;
    }

    /** Starts the diagnosis a look needs, unless one is under way. Only the diagnosis runs there: every write stays on the looks' thread. */
    private void startDiagnosis() {
        if (!diagnosingNow.compareAndSet(false, true)) {
            return;
        }
        long g = generation.get();
        Runnable task = () -> {
            Diagnosed out;
            try {
                java.util.Set<String> keys = cluster.outdatedVmiKeys();
                out = new Diagnosed(g, keys, (OutdatedWorkloadsDiagnosis) diagnosis.diagnose(ALERTNAME).diagnosis(), null);
            } catch (RuntimeException e) {
                out = new Diagnosed(g, null, null, e);
            }
            ready.set(out);
            diagnosingNow.set(false);
            diagnosed.run();
        };
        try {
            diagnosing.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            diagnosingNow.set(false); // the service is stopping
            throw e;
        }
    }

    /** The finished diagnosis of this term, once; what stopped it is thrown here, on the looks' thread. */
    private Diagnosed takeDiagnosis() {
        Diagnosed d = ready.getAndSet(null);
        if (d == null || d.generation() != generation.get()) {
            return null;
        }
        if (d.failure() != null) {
            throw d.failure();
        }
        return d;
    }

    /**
     * The rollout records as this leader knows them. The leader is their only writer, so what it
     * wrote is what is stored: it lists them at its first look, every {@link #RELIST_EVERY} looks
     * and whenever KubeVirt's target is one it has no record of, not at every look (at 10,000
     * VMIs a look is what keeps the burn-down within a second or two of KubeVirt).
     */
    private List<RolloutRecords.Record> known(String target) {
        if (cached == null || ++looksSinceList >= RELIST_EVERY
                || cached.stream().noneMatch(r -> r.source() != null && target.equals(r.source().toDeploymentID()))) {
            cached = new java.util.ArrayList<>(records.all());
            looksSinceList = 0;
        }
        return List.copyOf(cached);
    }

    private void remember(RolloutRecords.Record r, RolloutSource source, RolloutStatus status) {
        if (cached == null) {
            return;
        }
        RolloutRecords.Record now = new RolloutRecords.Record(r.id(), r.createdAt(), source, status);
        cached.removeIf(c -> c.id().equals(r.id()));
        cached.add(0, now);
    }

    /**
     * The records a pass consults (its rollout scope, the systemic signatures): what this leader
     * knows when it has looked this term (it writes them), else a LIST. Same worker thread as the looks.
     */
    private List<RolloutRecords.Record> recordsForPass() {
        return cached != null ? List.copyOf(cached) : records.all();
    }

    /** A new term: what another leader wrote meanwhile is read again. */
    void forgetRecords() {
        cached = null;
        basis = null;
        generation.incrementAndGet();
        FailureWindowLooks w = windowLooks;
        if (w != null) {
            w.read = false;
        }
    }

    /** Failed migrations by class label and systemic, every pair present (0 without an open rollout). */
    static java.util.Map<String, java.util.Map<Boolean, Long>> failureSeries(io.remediator.rollout.MigrationFailures f) {
        java.util.Map<String, java.util.Map<Boolean, Long>> out = new java.util.TreeMap<>();
        for (io.remediator.runbook.FailureSignature.FailureClass c : io.remediator.runbook.FailureSignature.FailureClass.values()) {
            if (c != io.remediator.runbook.FailureSignature.FailureClass.CANCELED) {
                out.put(c.label(), new java.util.HashMap<>(java.util.Map.of(true, 0L, false, 0L)));
            }
        }
        if (f != null) {
            f.signatures().forEach(s -> out.get(s.failureClass().label()).merge(s.systemic(), (long) s.failures(), Long::sum));
        }
        return out;
    }

    /**
     * The burn-down history is sent at most this often (the counts at every look): at 100 changes a
     * second each look adds a sample, and the whole array is re-sent (a merge patch replaces arrays).
     * A new leader may miss the samples of the last few seconds; the chart does not show them apart.
     */
    static final Duration HISTORY_EVERY = Duration.ofSeconds(10);
    private Instant historySentAt;
    /** The stored history lacks samples this leader has (written without it). */
    private boolean historyUnsent;

    /** Whether this look sends the history: it changed (or some is unsent), and it is due, the stage changed or nothing is left. */
    private boolean historyDue(RolloutStatus before, RolloutStatus next, Instant at) {
        if (!historyUnsent && before.history().equals(next.history())) {
            return false;
        }
        return historySentAt == null || !at.isBefore(historySentAt.plus(HISTORY_EVERY)) || before.stage() != next.stage()
                || next.outdated() == 0;
    }

    /** Writes what changed, the history when due, and notes whether the stored one now lacks samples. */
    private void writeStatus(String id, RolloutStatus before, RolloutStatus next, Instant at) {
        boolean withHistory = before == null || historyDue(before, next, at);
        records.writeStatus(id, before, next, withHistory);
        if (withHistory) {
            historySentAt = at;
            historyUnsent = false;
        } else if (!before.history().equals(next.history())) {
            historyUnsent = true;
        }
    }

    static final int RELIST_EVERY = 12;
    private List<RolloutRecords.Record> cached;
    private int looksSinceList;

    /** What the last full look classified, for the looks between full looks. */
    private record Basis(String id, List<Object> update, io.remediator.rollout.BurnDownBasis burnDown,
                         java.util.Set<String> ignored) {}

    private Basis basis;

    /** The KubeVirt CR's fields that move a rollout's stage (its workload count moves with every VMI). */
    private static List<Object> updateOf(KubeVirtInstallation kv) {
        return java.util.Arrays.asList(kv.namespace(), kv.name(), kv.targetDeploymentID(), kv.observedDeploymentID(),
                kv.updating(), kv.controlPlaneUpdateComplete());
    }

    private static java.util.Set<String> ignored(java.util.Set<String> keys, OutdatedWorkloadsDiagnosis d) {
        java.util.Set<String> in = new java.util.HashSet<>();
        d.outdatedVmis().forEach(v -> in.add(v.namespace() + "/" + v.name()));
        java.util.Set<String> out = new java.util.HashSet<>(keys);
        out.removeAll(in);
        return out;
    }

    /**
     * A look after outdated VMIs left (issue 24: the burn-down within a second or two of KubeVirt
     * at 10,000 VMIs): the counts follow from the cache's outdated keys and the last full look's
     * branches, and only they are written. Anything else — no full look yet, the KubeVirt CR moved,
     * a VMI newly outdated, none left — is a full look.
     *
     * @return whether a rollout is open, or the full look waits for its diagnosis
     */
    Look lookAtCounts(StatusWrites writes) {
        Basis b = basis;
        KubeVirtInstallation kv = b == null || cached == null || !writes.mayWrite() ? null : cluster.kubeVirt();
        java.util.Set<String> keys = kv == null || !updateOf(kv).equals(b.update()) ? null : cluster.outdatedVmiKeys();
        Optional<RolloutRecords.Record> r = keys == null ? Optional.empty()
                : cached.stream().filter(c -> c.id().equals(b.id())).findFirst();
        if (r.isEmpty() || r.get().status() == null || r.get().status().stage().terminal()) {
            return look(writes);
        }
        java.util.Set<String> counted = new java.util.HashSet<>(keys);
        counted.removeAll(b.ignored());
        Optional<BurnDown> counts = b.burnDown().counts(counted);
        if (counts.isEmpty() || counts.get().outdated() == 0) {
            return look(writes);
        }
        RolloutStatus before = r.get().status();
        Instant at = clock.instant();
        RolloutStatus next = before.withCounts(counts.get(), at);
        if (next.groups().equals(before.groups())) {
            return Look.OPEN;
        }
        writeStatus(r.get().id(), before, next, at);
        remember(r.get(), r.get().source(), next);
        written.accept(r.get().id());
        if (metrics != null) {
            metrics.rollout(true, next.groups(), next.etaSeconds(), r.get().source().startedAt(),
                    r.get().source().controlPlaneCompletedAt());
        }
        return Look.OPEN;
    }

    /**
     * A look at the rollout, then, with no rollout counting since T0, at the failure window.
     *
     * The look that needs a diagnosis starts it on {@link #diagnosing} and, unless that ran it at
     * once, returns {@link Look#DIAGNOSING}; the look after {@link #whenDiagnosed} uses it.
     *
     * @return whether a rollout is open (then the loop looks again soon), or the look waits for its diagnosis
     */
    Look look(StatusWrites writes) {
        Diagnosed given = takeDiagnosis();
        Look look = lookAtRollout(writes, given);
        if (look == Look.DIAGNOSING) {
            startDiagnosis();
            given = takeDiagnosis();
            if (given == null) {
                lookAtWindow(writes); // needs no diagnosis: a pass meanwhile plans with it
                return Look.DIAGNOSING;
            }
            look = lookAtRollout(writes, given);
        }
        lookAtWindow(writes);
        return look;
    }

    /** @param given the diagnosis made for this look, or null: a look that needs one then returns DIAGNOSING */
    private Look lookAtRollout(StatusWrites writes, Diagnosed given) {
        KubeVirtInstallation kv = cluster.kubeVirt();
        if (kv == null || kv.targetDeploymentID() == null || kv.targetDeploymentID().isEmpty()) {
            return Look.CLOSED;
        }
        String cr = kv.namespace() + "/" + kv.name();
        String target = kv.targetDeploymentID();
        long started = System.nanoTime();
        List<RolloutRecords.Record> all = known(target);
        long listed = System.nanoTime();
        for (RolloutRecords.Record r : all) {
            if (r.source() != null && cr.equals(r.source().kubevirt()) && !target.equals(r.source().toDeploymentID())
                    && (r.status() == null || !r.status().stage().terminal()) && writes.mayWrite()) {
                RolloutStatus s = r.status() != null ? r.status() : RolloutStatus.next(null, RolloutStage.Superseded,
                        new BurnDown(null, 0, 0), new RolloutEta(null, null, "superseded", 0, null), null, clock.instant());
                records.writeStatus(r.id(), s.withStage(RolloutStage.Superseded));
                remember(r, r.source(), s.withStage(RolloutStage.Superseded));
                if (settings.act()) {
                    records.resolveActingReport(r.id(), clock.instant());
                }
                written.accept(r.id());
                log.info("rollout {} superseded by KubeVirt's new target deployment {}", r.id(), target);
            }
        }
        KubeVirtInstallation.UpdateTimes times = kv.updateTimes();
        Optional<RolloutRecords.Record> found = all.stream().filter(r -> r.source() != null
                && cr.equals(r.source().kubevirt()) && target.equals(r.source().toDeploymentID())).findFirst();
        OutdatedWorkloadsDiagnosis d = null;
        if (found.isEmpty()) {
            if (!kv.updating()) {
                // Found already updated: a rollout only when KubeVirt still has VMIs to update.
                if (given == null) {
                    return Look.DIAGNOSING;
                }
                d = given.diagnosis();
                boolean outdated = !d.outdatedVmis().isEmpty() || Objects.requireNonNullElse(kv.outdatedWorkloads(), 0) > 0;
                boolean recent = times.completedAt() != null
                        && times.completedAt().isAfter(clock.instant().minus(settings.foundWithin()));
                if (!outdated || !kv.controlPlaneUpdateComplete() || !recent) {
                    return Look.CLOSED;
                }
            }
            if (!writes.mayWrite()) {
                return Look.CLOSED;
            }
            RolloutSource source = new RolloutSource(RolloutSource.KIND, cr,
                    kv.updating() ? kv.observedKubeVirtVersion() : null, kv.targetKubeVirtVersion(),
                    kv.updating() ? kv.observedDeploymentID() : null, target, times.startedAt(),
                    kv.controlPlaneUpdateComplete() ? times.completedAt() : null,
                    kv.controlPlaneUpdateComplete() && times.approximate());
            found = Optional.of(records.create(source));
            remember(found.get(), found.get().source(), found.get().status());
            log.info("rollout {}: KubeVirt {} updating to {} (deployment {})", found.get().id(), cr,
                    source.toVersion(), target);
        }
        RolloutRecords.Record r = found.get();
        if (r.status() != null && r.status().stage().terminal()) {
            return Look.CLOSED;
        }
        RolloutSource source = r.source();
        if (source.controlPlaneCompletedAt() == null && kv.controlPlaneUpdateComplete() && times.completedAt() != null
                && writes.mayWrite()) {
            // T0, stored once: a restart, a take-over or a Progressing flap never moves it.
            source = source.completedAt(times.completedAt(), times.approximate());
            records.storeControlPlaneCompleted(r.id(), source);
            remember(r, source, r.status());
        }
        if (given == null) {
            return Look.DIAGNOSING;
        }
        d = given.diagnosis();
        // Read before the diagnosis: a key not in it is out of scope (or left meanwhile), never a VMI to classify.
        java.util.Set<String> keysBefore = given.keysBefore();
        long diagnosed = System.nanoTime();
        io.remediator.rollout.BurnDownBasis branches = io.remediator.rollout.BurnDownBasis.of(d);
        java.util.Set<String> outOfScope = keysBefore == null ? java.util.Set.of() : ignored(keysBefore, d);
        // VMIs kept leaving while the diagnosis ran: the counts are those of now, each VMI in the
        // group the diagnosis gave it. One newly outdated needs the next diagnosis; and only a
        // diagnosis that saw none left completes the rollout (it also lists what is left).
        java.util.Set<String> keysNow = keysBefore == null ? null : cluster.outdatedVmiKeys();
        Optional<BurnDown> current = Optional.empty();
        if (keysNow != null) {
            java.util.Set<String> counted = new java.util.HashSet<>(keysNow);
            counted.removeAll(outOfScope);
            current = branches.counts(counted).filter(c -> c.outdated() > 0);
        }
        BurnDown now = current.isPresent() ? current.get() : BurnDown.of(d);
        Instant at = clock.instant();
        Instant t0 = source.controlPlaneCompletedAt();
        KubeVirtInstallation.WorkloadUpdateStrategy strategy = kv.workloadUpdateStrategy();
        KubeVirtInstallation.MigrationLimits limits = kv.migrations();
        List<io.remediator.kubevirt.VirtualMachineInstanceMigration> migrations = cluster.migrations();
        List<io.remediator.kubevirt.VirtualMachineInstanceMigration> succeeded = migrations.stream()
                .filter(m -> m.succeededAt() != null).toList();
        List<RolloutEta.Completed> done = succeeded.stream().filter(m -> m.createdByWorkloadUpdater())
                .map(m -> new RolloutEta.Completed(m.schedulingAt(), m.createdAt(), m.succeededAt())).toList();
        // The rate window ends at the newest completion's own stamp, never this service's clock.
        Instant newest = done.stream().map(RolloutEta.Completed::succeeded).max(Instant::compareTo).orElse(t0);
        RolloutEta eta = RolloutEta.estimate(now, done, t0, newest,
                limits == null || limits.parallelMigrationsPerCluster() == null ? 5 : limits.parallelMigrationsPerCluster(),
                limits == null || limits.parallelOutboundMigrationsPerNode() == null ? 2
                        : limits.parallelOutboundMigrationsPerNode(), cluster.kvmNodes(),
                strategy == null || strategy.batchEvictionSize() == null ? 10 : strategy.batchEvictionSize(),
                strategy == null || strategy.batchEvictionInterval() == null ? Duration.ofMinutes(1)
                        : io.remediator.config.GoDuration.parse(strategy.batchEvictionInterval()));
        RolloutStatus before = r.status();
        boolean ever = (before != null && before.everOutdated()) || now.outdated() > 0;
        Instant progress = before == null || before.lastProgressAt() == null ? t0
                : now.outdated() < before.outdated() ? at : before.lastProgressAt();
        RolloutStage stage = RolloutStage.decide(false, t0, now, ever, kv.outdatedWorkloads(), progress, at,
                settings.noImpactGrace(), settings.stallAfter());
        if (!r.id().equals(following)) {
            departures.reset(); // another rollout (or this leader's first look): a new comparison
            following = r.id();
            historySentAt = null;
            historyUnsent = false;
        }
        java.util.Set<String> migratedSince = new java.util.HashSet<>();
        succeeded.stream().filter(m -> t0 != null && m.succeededAt().isAfter(t0))
                .forEach(m -> migratedSince.add(m.namespace() + "/" + m.vmiName()));
        java.util.Map<io.remediator.rollout.CompletedHow, Integer> left = departures.update(d.outdatedVmis(),
                (ns, name) -> migratedSince.contains(ns + "/" + name), cluster::vm);
        RolloutStatus next = RolloutStatus.next(before, stage, now, eta, t0, at,
                BurnDown.listed(d, RolloutStatus.MAX_LISTED), left);
        if (t0 != null) {
            // Accumulated here, from the leader's own watch: KubeVirt keeps 5 finished migrations
            // per VMI and Events last an hour, so a later LIST would miss failures.
            io.remediator.rollout.MigrationFailures failures = before == null || before.migrationFailures() == null
                    ? io.remediator.rollout.MigrationFailures.empty(t0) : before.migrationFailures();
            next = next.withMigrationFailures(failures.with(migrations, cluster.failedMigrationMessages(), settings.rule(),
                    known).withBackoffVmis(cluster.backoffVmis().size()), cluster.failedLauncherPods());
        }
        next = next.withNamespaces(BurnDown.shares(d, cluster.routedNamespaces()));
        if (writes.mayWrite() && (before == null || before.stage() != next.stage() || !before.groups().equals(next.groups())
                || !Objects.equals(before.etaSeconds(), next.etaSeconds()) || !Objects.equals(before.etaReason(),
                next.etaReason()) || !before.vmis().equals(next.vmis()) || !before.completed().equals(next.completed())
                || before.concurrency() != next.concurrency()
                || !Objects.equals(before.migrationFailures(), next.migrationFailures())
                || before.failedLauncherPods() != next.failedLauncherPods()
                || !before.namespaces().equals(next.namespaces()) || historyDue(before, next, at))) {
            long computed = System.nanoTime();
            writeStatus(r.id(), before, next, at);
            remember(r, source, next);
            log.debug("rollout look: records {} ms, diagnosis {} ms, burn-down {} ms, write {} ms",
                    (listed - started) / 1_000_000, (diagnosed - listed) / 1_000_000, (computed - diagnosed) / 1_000_000,
                    (System.nanoTime() - computed) / 1_000_000);
            written.accept(r.id());
            if (before == null || before.stage() != next.stage()) {
                log.info("rollout {}: {}", r.id(), next.stage());
            }
        }
        basis = next.stage().terminal() || keysBefore == null ? null : new Basis(r.id(), updateOf(kv), branches, outOfScope);
        if (settings.act() && writes.mayWrite()) {
            if (next.stage().terminal()) {
                records.resolveActingReport(r.id(), at);
            } else if (t0 != null && actingCreated.add(r.id())) {
                // From T0 the rollout plans the outdated VMIs through its own report (one planner per VMI).
                records.ensureActingReport(new RolloutRecords.Record(r.id(), r.createdAt(), source, next), ALERTNAME);
                log.info("rollout {} acts (rollout.act: true) through report {}", r.id(),
                        RolloutRecords.actingReportName(r.id()));
            }
        }
        if (metrics != null) {
            metrics.rollout(!next.stage().terminal(), next.groups(), next.etaSeconds(), source.startedAt(), t0);
            for (io.remediator.rollout.CompletedHow how : io.remediator.rollout.CompletedHow.values()) {
                // Every series from the first look (rate() needs a start), then what left since the last.
                metrics.rolloutCompleted(how.label(), left.getOrDefault(how, 0));
            }
            if (!next.stage().terminal() || windowLooks == null) {
                metrics.migrationFailures(failureSeries(next.stage().terminal() ? null : next.migrationFailures()));
            }
        }
        return next.stage().terminal() ? Look.CLOSED : Look.OPEN;
    }
}

package io.remediator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Every meter the service exposes, named in one place so dashboards have one file to read. */
public final class RemediatorMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicLong lastOutdatedVmis = new AtomicLong();
    private final AtomicLong kubernetesReachable = new AtomicLong();
    private final Map<String, AtomicLong> lastByAction = new ConcurrentHashMap<>();
    private final AtomicLong migrationsInFlight = new AtomicLong();
    private final AtomicLong deferredActions = new AtomicLong();

    public RemediatorMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("remediator_outdated_vmis", lastOutdatedVmis, AtomicLong::get)
                .description("Outdated VMIs found by the most recent diagnosis")
                .register(registry);
        Gauge.builder("remediator_migrations_in_flight", migrationsInFlight, AtomicLong::get)
                .description("Unfinished VirtualMachineInstanceMigrations (anyone's) at the last pass")
                .register(registry);
        Gauge.builder("remediator_deferred_actions", deferredActions, AtomicLong::get)
                .description("Actions waiting for a window, a batch or migration capacity after the last pass")
                .register(registry);
        Gauge.builder("remediator_kubernetes_reachable", kubernetesReachable, AtomicLong::get)
                .description("1 when the last probe of the Kubernetes API succeeded")
                .register(registry);
    }

    /** Buckets of the diagnosis: from a warm cache (milliseconds) to a cold 10,000-VMI LIST. */
    private static final Duration[] DIAGNOSIS_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60)};
    /** Buckets of a webhook answer: one write to the API server, up to Alertmanager's timeout. */
    private static final Duration[] WEBHOOK_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(10)};

    /** @param outcome accepted, unauthorized, too_large, malformed, invalid, unavailable, busy */
    public void webhookRequest(String outcome) {
        Counter.builder("remediator_webhook_requests")
                .description("Webhook deliveries by outcome")
                .tag("outcome", outcome)
                .register(registry).increment();
    }

    /** How long the webhook took to answer (authenticated deliveries: read, validate, store). */
    public void webhookAnswered(String outcome, Duration took) {
        Timer.builder("remediator_webhook_request_duration")
                .description("Time to answer one webhook delivery, by outcome")
                .tag("outcome", outcome)
                .serviceLevelObjectives(WEBHOOK_BUCKETS)
                .register(registry).record(took);
    }

    /**
     * This replica stopped leading: the values only a leader measures (last diagnosis, last pass)
     * go back to 0, so a follower never reports a stale picture of the cluster.
     */
    public void stoppedLeading() {
        lastOutdatedVmis.set(0);
        lastByAction.values().forEach(v -> v.set(0));
        migrationsInFlight.set(0);
        deferredActions.set(0);
    }

    /** @param outcome posted, updated, replied, rate_limited, failed */
    public void notification(String outcome) {
        Counter.builder("remediator_notifications")
                .description("Slack calls for report messages by outcome")
                .tag("outcome", outcome)
                .register(registry).increment();
    }

    public void alertReceived(String alertname, String status, boolean hasRunbook) {
        // Label values come from the request: only runbook alertnames and the two statuses
        // Alertmanager sends are kept, so no sender can create series without bound.
        Counter.builder("remediator_alerts_received")
                .description("Alerts received, by alertname (other: no runbook), status and whether a runbook handles them")
                .tag("alertname", hasRunbook ? alertname : "other")
                .tag("status", "firing".equals(status) || "resolved".equals(status) ? status : "other")
                .tag("handled", String.valueOf(hasRunbook))
                .register(registry).increment();
    }

    public <T> T timeDiagnosis(String alertname, Supplier<T> diagnosis) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "error";
        try {
            T result = diagnosis.get();
            outcome = "success";
            return result;
        } finally {
            sample.stop(Timer.builder("remediator_diagnosis_duration")
                    .description("Time to diagnose one alert group")
                    .tag("alertname", alertname)
                    .tag("outcome", outcome)
                    .serviceLevelObjectives(DIAGNOSIS_BUCKETS)
                    .register(registry));
        }
    }

    /** @param byRecommendedAction VMIs per recommended action in this diagnosis */
    private final Map<String, AtomicLong> runbookVmis = new java.util.concurrent.ConcurrentHashMap<>();

    /** Any runbook's last diagnosis: its VMIs by recommended action (`remediator_runbook_vmis{alertname,action}`). */
    public void runbookVmis(String alertname, Map<String, Integer> byRecommendedAction) {
        byRecommendedAction.forEach((action, n) -> runbookVmis.computeIfAbsent(alertname + "\0" + action, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("remediator_runbook_vmis", value, AtomicLong::get)
                    .description("VMIs in a runbook's most recent diagnosis, by its recommended action")
                    .tag("alertname", alertname)
                    .tag("action", action)
                    .register(registry);
            return value;
        }).set(n));
    }

    public void outdatedVmisFound(int count, Map<String, Integer> byRecommendedAction) {
        lastOutdatedVmis.set(count);
        Counter.builder("remediator_outdated_vmis_found")
                .description("Outdated VMIs found, summed over all diagnoses")
                .register(registry).increment(count);
        byRecommendedAction.forEach((action, n) -> lastByAction.computeIfAbsent(action, a -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("remediator_outdated_vmis_by_action", value, AtomicLong::get)
                    .description("Outdated VMIs in the most recent diagnosis, by the runbook's recommended action")
                    .tag("action", a)
                    .register(registry);
            return value;
        }).set(n));
    }

    /**
     * Every action a remediation pass considered, by what was decided and what came of it. Plain
     * names, so metrics depend on no other package (all values come from the remediation's enums).
     *
     * @param result the write's outcome, or null when nothing was written
     * @param skipped the decision did not let it run
     */
    public void actionPlanned(String action, String decision, String result, boolean skipped) {
        Counter.builder("remediator_actions_total")
                .description("Actions considered by remediation passes, by action, decision and result")
                .tag("action", action)
                .tag("decision", decision)
                .tag("result", result == null ? "none" : result)
                .register(registry).increment();
        if (skipped) {
            Counter.builder("remediator_actions_skipped_total")
                    .description("Actions not executed, by action and reason (policy, window, limit, opt-out, ...)")
                    .tag("action", action)
                    .tag("reason", decision)
                    .register(registry).increment();
        }
    }

    public void remediationPass(int migrationsNowInFlight, long deferred) {
        migrationsInFlight.set(migrationsNowInFlight);
        deferredActions.set(deferred);
    }

    public void kubernetesReachable(boolean reachable) {
        kubernetesReachable.set(reachable ? 1 : 0);
    }

    /** @param identity this replica's name in the leader Lease */
    private final AtomicLong rolloutActive = new AtomicLong();
    private final Map<String, AtomicLong> rolloutGroups = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, io.micrometer.core.instrument.Meter> rolloutTimes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rolloutTimeValues = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What the leader's rollout watch saw at its last look (docs/rollouts.md): whether a rollout is
     * open, its six groups' counts, its ETA, and when it started and its control plane completed.
     * A value not known (no ETA yet, no T0) is absent, not 0.
     *
     * @param groups by the groups' labels (six, fixed)
     */
    public synchronized void rollout(boolean active, Map<String, Integer> groups, Long etaSeconds, java.time.Instant started,
                                     java.time.Instant controlPlaneCompleted) {
        if (rolloutGroups.isEmpty()) {
            Gauge.builder("remediator_rollout_active", rolloutActive, AtomicLong::get)
                    .description("1 while a KubeVirt rollout the service follows is open").register(registry);
        }
        rolloutActive.set(active ? 1 : 0);
        groups.forEach((group, n) -> rolloutGroups.computeIfAbsent(group, g -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("remediator_rollout_vmis", value, AtomicLong::get)
                    .description("Outdated VMIs of the open rollout, by burn-down group").tag("group", g).register(registry);
            return value;
        }).set(n));
        present("remediator_rollout_eta_seconds", "Seconds until KubeVirt is done with the VMIs it moves (absent while unknown)",
                etaSeconds);
        present("remediator_rollout_started_timestamp_seconds", "When the KubeVirt update started (its own stamp)",
                started == null ? null : started.getEpochSecond());
        present("remediator_rollout_control_plane_completed_timestamp_seconds",
                "When KubeVirt's control plane completed the update (T0)",
                controlPlaneCompleted == null ? null : controlPlaneCompleted.getEpochSecond());
    }

    private final java.util.Map<String, AtomicLong> migrationFailures = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Failed migrations of the open rollout, by failure class and whether their signature is
     * systemic: the caller gives every (class, systemic) pair, 0 included, so the series are fixed.
     */
    public synchronized void migrationFailures(Map<String, Map<Boolean, Long>> byClass) {
        byClass.forEach((cls, bySystemic) -> bySystemic.forEach((systemic, n) -> migrationFailures
                .computeIfAbsent(cls + "|" + systemic, key -> {
                    AtomicLong value = new AtomicLong();
                    Gauge.builder("remediator_migration_failures", value, AtomicLong::get)
                            .description("Failed migrations since the open rollout's T0, by failure class and whether"
                                    + " the signature is systemic")
                            .tag("class", cls).tag("systemic", String.valueOf(systemic)).register(registry);
                    return value;
                }).set(n)));
    }

    private final AtomicLong dualLauncherVmis = new AtomicLong();
    private volatile boolean dualLauncherRegistered;

    /** VMIs in two active launchers outside a migration, at the last diagnosis. */
    public synchronized void dualLauncherVmis(int n) {
        if (!dualLauncherRegistered) {
            Gauge.builder("remediator_dual_launcher_vmis", dualLauncherVmis, AtomicLong::get)
                    .description("VMIs running in two active virt-launcher pods outside a migration at the last diagnosis"
                            + " (quarantined: nothing automated touches them)").register(registry);
            dualLauncherRegistered = true;
        }
        dualLauncherVmis.set(n);
    }

    private final java.util.Map<String, AtomicLong> preflightSeries = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The last pre-flight: per gate, 1 on its result's series and 0 on the others; VMs by outcome.
     *
     * @param results every result a gate can have (so each gate has all its series)
     */
    public synchronized void preflight(Map<String, String> gates, java.util.List<String> results, Map<String, Integer> outcomes) {
        gates.forEach((gate, result) -> results.forEach(r -> series("remediator_preflight_gates",
                "A gate of the last pre-flight: 1 on its result", Map.of("gate", gate, "result", r))
                .set(r.equals(result) ? 1 : 0)));
        outcomes.forEach((outcome, n) -> series("remediator_preflight_vmis",
                "Running VMs by what the next KubeVirt update will do to them, at the last pre-flight",
                Map.of("outcome", outcome)).set(n));
    }

    private AtomicLong series(String name, String description, Map<String, String> tags) {
        return preflightSeries.computeIfAbsent(name + new java.util.TreeMap<>(tags), key -> {
            AtomicLong value = new AtomicLong();
            Gauge.Builder<AtomicLong> b = Gauge.builder(name, value, AtomicLong::get).description(description);
            tags.forEach(b::tag);
            b.register(registry);
            return value;
        });
    }

    /**
     * How long one full look of the rollout watch held the leader's worker: burn-down, stage, ETA
     * and the record's write. Its diagnosis runs on another thread and is timed with the others.
     */
    public void rolloutLookTook(java.time.Duration took) {
        Timer.builder("remediator_rollout_look_duration")
                .description("How long one full look of the rollout watch held the leader's worker: burn-down, stage, ETA"
                        + " and the record's write (its diagnosis runs on another thread: remediator_diagnosis_duration_seconds)")
                .publishPercentiles(0.5, 0.99).register(registry).record(took);
    }

    /** Outdated VMIs that left the open rollout's set, by how (migrated, evicted, restarted, stopped, gone). */
    public void rolloutCompleted(String how, int n) {
        io.micrometer.core.instrument.Counter.builder("remediator_rollout_completed_vmis")
                .description("Outdated VMIs that left a rollout's set, by how, as this replica saw them leave")
                .tag("how", how).register(registry).increment(n);
    }

    /** A gauge that exists only while its value is known. */
    private void present(String name, String description, Long value) {
        if (value == null) {
            io.micrometer.core.instrument.Meter m = rolloutTimes.remove(name);
            if (m != null) {
                registry.remove(m);
            }
            return;
        }
        AtomicLong v = rolloutTimeValues.computeIfAbsent(name, n -> new AtomicLong());
        v.set(value);
        rolloutTimes.computeIfAbsent(name, n -> Gauge.builder(n, v, AtomicLong::get).description(description)
                .register(registry));
    }

    public void leader(String identity, Supplier<Boolean> leading) {
        Gauge.builder("remediator_leader", () -> leading.get() ? 1 : 0)
                .description("1 on the replica that holds the leader Lease (the only one that diagnoses and acts)")
                .tag("identity", identity)
                .register(registry);
    }

    /**
     * One delivery of an alert episode: {@code new} created its report, {@code changed} stored a
     * different alert set, {@code repeat} re-sent the stored one, {@code refused} exceeded the budget
     * of new reports.
     */
    public void deliveryStored(String alertname, String episode) {
        Counter.builder("remediator_deliveries_stored")
                .description("Alert deliveries stored as RemediationReports; repeat = a retry or repeat of a known episode")
                .tag("alertname", alertname)
                .tag("episode", episode)
                .register(registry).increment();
    }

    /**
     * Stored reports by phase, as this replica's watch sees them (every replica serves the same
     * numbers): what an alert on reports that never get a pass, or whose pass never ends, reads.
     *
     * @param phases every phase name, so each has a series from the start (0 when none)
     */
    public void reports(java.util.List<String> phases, Supplier<Map<String, Long>> byPhase) {
        for (String phase : phases) {
            Gauge.builder("remediator_reports", () -> byPhase.get().getOrDefault(phase, 0L))
                    .description("Stored RemediationReports by phase (Received: no pass yet; Acting: a pass is writing)")
                    .tag("phase", phase)
                    .register(registry);
        }
    }

    /** A pass started, and why (FIRST_PASS, ALERTS_CHANGED, REPEAT, NEW_APPROVAL, SCHEDULED, CUT_OFF). */
    public void passStarted(String reason) {
        Counter.builder("remediator_passes")
                .description("Diagnosis passes the leader started, by what caused them")
                .tag("reason", reason)
                .register(registry).increment();
    }

    public String scrape() {
        return registry.scrape();
    }
}

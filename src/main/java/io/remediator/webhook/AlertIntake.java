package io.remediator.webhook;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.logging.LogSafe;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.report.Alert;
import io.remediator.report.ReportSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one delivery into durable work items, one per alertname that has a runbook, and answers
 * only once the Kubernetes API stored them: an acknowledged alert survives a crash right after.
 * Alerts without a runbook are counted and left alone; they are still a successful delivery.
 */
public final class AlertIntake {
    private static final Logger log = LoggerFactory.getLogger(AlertIntake.class);

    public sealed interface Outcome {
        /** @param newReports how many of the items started a new report (the rest were repeats) */
        record Accepted(List<ReportSpec> items, int newReports, int ignoredAlerts) implements Outcome {}
        record Unavailable(String reason) implements Outcome {}
        /** Stored, it would not fit in one report object: retrying cannot help (413). */
        record TooLarge(String reason) implements Outcome {}
    }

    /** How large a delivery is as stored, and the most a report takes. */
    public interface StoredSize {
        int bytes(ReportSpec item);

        int max();
    }

    /**
     * What storing one delivery gave: the item as stored, and whether it is a new episode; or, when
     * {@code item} is null, that a new report was refused for now (too many new reports this minute).
     */
    public record Stored(ReportSpec spec, boolean created) {
        public static final Stored REFUSED = new Stored(null, false);
    }

    private final Set<String> runbookAlertnames;
    private final Function<ReportSpec, Stored> store;
    private final BooleanSupplier reachable;
    private final RemediatorMetrics metrics;
    private final Clock clock;
    private final StoredSize size;

    /**
     * How long a delivery's writes may take in all (redteam-2 D11: a stalled API server held a
     * delivery for 30-36 s, the client's request timeout with retries, while Alertmanager's own
     * timeout is 10 s). Past it the answer is 503: nothing is acknowledged, a write still under way
     * may land, and Alertmanager's retry then finds it and counts a repeat.
     */
    static final java.time.Duration WRITE_DEADLINE = java.time.Duration.ofSeconds(8);
    /** Writes under way at once; beyond it (threads still stuck in a stalled API) a delivery gets 503 at once. */
    private static final int MAX_WRITES = 64;
    private final java.util.concurrent.ThreadPoolExecutor writes = new java.util.concurrent.ThreadPoolExecutor(0,
            MAX_WRITES, 30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "delivery-write");
                t.setDaemon(true);
                return t;
            });

    /** @param store writes one delivery durably, or throws KubernetesClientException */
    public AlertIntake(Set<String> runbookAlertnames, Function<ReportSpec, Stored> store, BooleanSupplier reachable,
                       RemediatorMetrics metrics, Clock clock) {
        this(runbookAlertnames, store, reachable, metrics, clock, new StoredSize() {
            @Override
            public int bytes(ReportSpec item) {
                return 0;
            }

            @Override
            public int max() {
                return Integer.MAX_VALUE;
            }
        });
    }

    /** @param size measures a delivery as stored: one that cannot fit is refused before any write */
    public AlertIntake(Set<String> runbookAlertnames, Function<ReportSpec, Stored> store, BooleanSupplier reachable,
                       RemediatorMetrics metrics, Clock clock, StoredSize size) {
        this.size = size;
        this.runbookAlertnames = Set.copyOf(runbookAlertnames);
        this.store = store;
        this.reachable = reachable;
        this.metrics = metrics;
        this.clock = clock;
    }

    private Stored withinDeadline(ReportSpec delivery, long deadline) {
        java.util.concurrent.Future<Stored> write;
        try {
            write = writes.submit(() -> store.apply(delivery));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new KubernetesClientException(MAX_WRITES + " writes to the Kubernetes API are still under way");
        }
        try {
            return write.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KubernetesClientException("the Kubernetes API did not store it within " + WRITE_DEADLINE.toSeconds()
                    + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while storing it");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The wire alert as a report stores it: the mapping from Alertmanager's schema to ours is here only. */
    public static Alert stored(AlertmanagerPayload.Alert a) {
        return new Alert(a.status(), a.labels(), a.annotations(), a.startsAt(), a.endsAt(), a.generatorURL(), a.fingerprint());
    }

    public Outcome accept(AlertmanagerPayload payload) {
        Map<String, List<AlertmanagerPayload.Alert>> byAlertname = new LinkedHashMap<>();
        int ignored = 0;
        for (AlertmanagerPayload.Alert alert : payload.alerts()) {
            if (runbookAlertnames.contains(alert.alertname())) {
                byAlertname.computeIfAbsent(alert.alertname(), k -> new ArrayList<>()).add(alert);
            } else {
                ignored++;
            }
        }
        if (!byAlertname.isEmpty() && !reachable.getAsBoolean()) {
            // Fail fast: the probe already knows, and each write would wait for its connect timeout.
            return new Outcome.Unavailable("the Kubernetes API is not reachable, so the alert cannot be stored; retry later");
        }
        Instant now = clock.instant();
        List<ReportSpec> deliveries = new ArrayList<>();
        for (Map.Entry<String, List<AlertmanagerPayload.Alert>> e : byAlertname.entrySet()) {
            ReportSpec delivery = ReportSpec.delivered(now, e.getKey(), e.getValue().stream().map(AlertIntake::stored).toList(),
                    payload.groupKey(),
                    payload.receiver(), payload.externalURL(),
                    payload.truncatedAlerts() == null ? 0 : payload.truncatedAlerts());
            // Measured as it would be stored (escapes, nulls), not as it arrived: the raw body
            // limit alone let through deliveries the API server then refused forever.
            int bytes = size.bytes(delivery);
            if (bytes > size.max()) {
                return new Outcome.TooLarge("stored, the " + e.getKey() + " alerts of this delivery take " + bytes
                        + " bytes; a report takes at most " + size.max() + " (reports.maxObjectBytes / 2)");
            }
            deliveries.add(delivery);
        }
        List<ReportSpec> stored = new ArrayList<>();
        int created = 0;
        long deadline = System.nanoTime() + WRITE_DEADLINE.toNanos();
        for (ReportSpec delivery : deliveries) {
            try {
                Stored s = withinDeadline(delivery, deadline);
                if (s.spec() == null) {
                    return new Outcome.Unavailable("too many new alert episodes at once (more new reports than this"
                            + " replica takes per minute); retry later");
                }
                stored.add(s.spec());
                created += s.created() ? 1 : 0;
            } catch (KubernetesClientException ex) {
                // An item stored before this one stays: Alertmanager's retry finds and counts it.
                log.warn("could not store {} for group {}: {}", delivery.alertname(), LogSafe.of(payload.groupKey()),
                        ApiErrors.describe(ex));
                return new Outcome.Unavailable("the alert could not be stored in the Kubernetes API ("
                        + ApiErrors.describe(ex) + "); retry later");
            }
        }
        for (AlertmanagerPayload.Alert alert : payload.alerts()) {
            metrics.alertReceived(alert.alertname(), alert.status(), runbookAlertnames.contains(alert.alertname()));
        }
        return new Outcome.Accepted(stored, created, ignored);
    }
}

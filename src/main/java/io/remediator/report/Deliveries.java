package io.remediator.report;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Alertmanager's deliveries in reports, as cheaply as each one allows:
 * <ul>
 * <li>a <b>repeat</b> of the alert set a report already stores (Alertmanager's retries, its
 *     re-sends each repeat_interval, the same group from each of its replicas) brings no new fact
 *     but "sent again": it is answered from {@link StoredEpisodes} at once, and its count is added
 *     to the report within {@link #FLUSH_EVERY}, all repeats of a report in one write;</li>
 * <li>a <b>changed</b> alert set is written before the answer, in one write based on the cached
 *     version (read again only if that version is stale);</li>
 * <li>a <b>new</b> episode is created before the answer, without reading first.</li>
 * </ul>
 * What a 2xx promises is that the alerts it carried are stored. A crash can lose at most the last
 * {@link #FLUSH_EVERY} of repeat counts, never an alert.
 */
public final class Deliveries implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    static final Duration FLUSH_EVERY = Duration.ofSeconds(1);

    /** What a delivery was to its report. */
    public enum Kind {
        /** It started the report. */
        NEW,
        /** It brought a different alert set, now stored. */
        CHANGED,
        /** It re-sent the stored alert set: counted within {@link #FLUSH_EVERY}. */
        REPEAT,
        /** It would start a report beyond the budget of new reports per minute: nothing stored. */
        REFUSED;

        public String metricName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** @param spec the episode as stored (for a repeat: as cached, this delivery counted); null when refused */
    public record Recorded(Kind kind, ReportSpec spec) {}

    /** Repeats answered but not yet written, per report. */
    private record Pending(int count, Instant last) {
        Pending plus(Pending other) {
            return new Pending(count + other.count, last.isAfter(other.last) ? last : other.last);
        }
    }

    private final ReportStore store;
    private final StoredEpisodes episodes;
    private final BooleanSupplier mayCreate;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    public Deliveries(ReportStore store, StoredEpisodes episodes, BooleanSupplier mayCreate) {
        this.store = store;
        this.episodes = episodes;
        this.mayCreate = mayCreate;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "repeat-delivery-flush");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when this delivery re-sends the alert set its report stores (as last seen): nothing to write now. */
    public boolean isRepeat(ReportSpec delivery) {
        ReportSpec named = named(delivery);
        return episodes.synced() && episodes.get(named.id())
                .filter(known -> known.stored().spec().sameEpisode(named) && known.stored().spec().sameAlertsAs(named))
                .isPresent();
    }

    /** The delivery under the name its report has: its second one when another episode holds the first. */
    private ReportSpec named(ReportSpec delivery) {
        return episodes.get(delivery.id()).filter(known -> !known.stored().spec().sameEpisode(delivery)).isPresent()
                ? delivery.withDistinctId() : delivery;
    }

    /**
     * Records one delivery of one alertname's alerts.
     *
     * @throws KubernetesClientException when a write it needs was not stored
     */
    public Recorded record(ReportSpec delivery) {
        if (!episodes.synced()) {
            return exact(delivery, false);
        }
        delivery = named(delivery);
        Optional<StoredEpisodes.Episode> known = episodes.get(delivery.id());
        if (known.isPresent() && known.get().stored().spec().sameEpisode(delivery)
                && known.get().stored().spec().sameAlertsAs(delivery)) {
            return repeatOf(known.get().stored().spec(), delivery);
        }
        return exact(delivery, true);
    }

    /** @param cached whether the watch has listed once: then its view is the belief to start from */
    private Recorded exact(ReportSpec delivery, boolean cached) {
        Optional<ReportStore.Recorded> r = store.recordDelivery(delivery, mayCreate, !cached ? null
                : () -> episodes.get(delivery.id()).map(StoredEpisodes.Episode::stored), true);
        if (r.isEmpty()) {
            return new Recorded(Kind.REFUSED, null);
        }
        if (!r.get().created() && !r.get().alertsChanged()) {
            // A repeat that arrived while its report was being written: the alerts are stored.
            return repeatOf(r.get().report().spec(), delivery);
        }
        // Written through to the view, so the next repeat is answered from it without waiting
        // for the watch event.
        episodes.written(r.get().report());
        return new Recorded(r.get().created() ? Kind.NEW : Kind.CHANGED, r.get().report().spec());
    }

    /** A repeat of what {@code stored} holds: counted at the next flush, answered now. */
    private Recorded repeatOf(ReportSpec stored, ReportSpec delivery) {
        pending.merge(delivery.id(), new Pending(1, delivery.lastDeliveryAt()), Pending::plus);
        return new Recorded(Kind.REPEAT, stored.withRepeats(1, delivery.lastDeliveryAt()));
    }

    /** Writes the repeat counts answered since the last flush: one write per report. */
    void flush() {
        for (String name : pending.keySet()) {
            Pending p = pending.remove(name);
            if (p == null) {
                continue;
            }
            try {
                if (!store.recordRepeats(name, p.count(), p.last())) {
                    log.info("report {} is gone; {} repeat deliveries of it not counted", name, p.count());
                }
            } catch (KubernetesClientException e) {
                // Kept for the next flush: the count is late, not lost, while this process lives.
                pending.merge(name, p, Pending::plus);
                log.warn("could not count {} repeat deliveries of report {} ({}); trying again", p.count(), name,
                        ApiErrors.describe(e));
            } catch (RuntimeException e) {
                pending.merge(name, p, Pending::plus);
                log.warn("could not count repeat deliveries of report {}", name, e);
            }
        }
    }

    /** Repeats answered but not yet written (for tests and shutdown). */
    int unflushed() {
        return pending.values().stream().mapToInt(Pending::count).sum();
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}

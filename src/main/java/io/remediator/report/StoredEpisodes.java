package io.remediator.report;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.remediator.kubevirt.PrunedList;
import io.remediator.kubevirt.ReducedItemStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * Every replica's watch of the stored reports, kept as what intake and the index need: each
 * report's spec without its alerts (their digest tells a repeat delivery without a round trip) and
 * its summary (to serve the index without listing every report). Neither the alerts, the VMI lists
 * nor the plan is ever built while the LIST is parsed, and the informer's own store keeps only
 * object metadata, so a thousand reports of up to 1 MB each cost kilobytes here, not gigabytes
 * (redteam-2 N1: whole specs of 1,200 alerts once cost 4.6 MB each).
 *
 * <p>It lags the API server by one watch event: a reader that must be exact (a pass, an approval)
 * reads the report by name instead. Until the first LIST finished, {@link #synced()} is false and
 * callers take the slow, exact path.
 */
public final class StoredEpisodes implements AutoCloseable, NewReportBudget.StoredView {
    /** @param stored spec and resourceVersion (no status), what a spec write needs */
    public record Episode(StoredReport stored, ReportSummary summary) {}

    /** A page of the index, newest first. */
    public record Page(List<ReportSummary> items, int total, int page, int pageSize) {
        public int pages() {
            return Math.max(1, (total + pageSize - 1) / pageSize);
        }
    }

    /**
     * What an episode and a summary do not need of a stored report, left out while its LIST is
     * parsed: what the leader's cache leaves out (the VMI lists) and the planned actions.
     */
    static final List<String> NOT_NEEDED = java.util.stream.Stream.concat(LightReportCache.OMITTED.stream(),
            java.util.stream.Stream.of("status.remediation.actions")).toList();

    private final Map<String, Episode> episodes = new ConcurrentHashMap<>();
    private final ExecutorService events = PrunedList.threads("stored-episodes");
    private final SharedIndexInformer<RemediationReport> informer;

    public StoredEpisodes(KubernetesClient client, String namespace) {
        this.informer = PrunedList.omitting(client.resources(RemediationReport.class).inNamespace(namespace)
                .withLimit(null), client, RemediationReport.class, NOT_NEEDED, events)
                .informer(RemediationReport.class, new MetadataOnly(), events);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(RemediationReport r) {
                keep(r);
            }

            @Override
            public void onUpdate(RemediationReport before, RemediationReport after) {
                keep(after);
            }

            @Override
            public void onDelete(RemediationReport r, boolean unknownFinalState) {
                episodes.remove(r.getMetadata().getName());
            }
        });
        // Keep watching through API outages: the informer relists on its own.
        informer.exceptionHandler((started, error) -> true);
    }

    /** Starts watching; returns at once (see {@link #synced()}). */
    public StoredEpisodes start() {
        informer.start();
        return this;
    }

    @Override
    public boolean synced() {
        return informer.hasSynced();
    }

    @Override
    public int stored() {
        return episodes.size();
    }

    @Override
    public long receivedSince(java.time.Instant since) {
        return episodes.values().stream().filter(e -> !e.stored().spec().receivedAt().isBefore(since)).count();
    }

    private void keep(RemediationReport r) {
        if (r.getSpec() == null) {
            return;
        }
        StoredReport stored = r.stored();
        // The handler sees the whole object: keep its spec without the alerts (digest and count stay).
        episodes.put(r.getMetadata().getName(), new Episode(new StoredReport(stored.resourceVersion(),
                stored.spec().withoutAlerts(), null), ReportSummary.of(stored.report())));
    }

    /**
     * What this replica just wrote, before its watch event arrives. A newer version the watch has
     * shown already is kept (versions compare as numbers, as etcd's revisions are).
     */
    void written(StoredReport report) {
        Episode mine = new Episode(new StoredReport(report.resourceVersion(), report.spec().withoutAlerts(), null),
                ReportSummary.of(report.report()));
        episodes.merge(report.name(), mine, (seen, written) -> newer(written, seen) ? written : seen);
    }

    private static boolean newer(Episode a, Episode b) {
        try {
            return Long.parseLong(a.stored().resourceVersion()) > Long.parseLong(b.stored().resourceVersion());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The report as last seen, when there is one. */
    public Optional<Episode> get(String name) {
        return Optional.ofNullable(episodes.get(name));
    }

    /**
     * The newest report of a firing episode of the same alert group that started after this one,
     * as last seen: that episode replaces this one (the leader closes it on its next look).
     */
    public Optional<String> newerFiringEpisode(ReportSpec item) {
        return episodes.values().stream().map(e -> e.stored().spec())
                .filter(o -> o.sameGroup(item) && !o.episode().equals(item.episode()) && o.firing()
                        && o.receivedAt().isAfter(item.receivedAt()))
                .max(Comparator.comparing(ReportSpec::receivedAt)).map(ReportSpec::id);
    }

    /** How many reports are in each phase, by the phase's name. */
    public Map<String, Long> countByPhase() {
        return episodes.values().stream().collect(java.util.stream.Collectors.groupingBy(
                e -> e.summary().phase().name(), java.util.stream.Collectors.counting()));
    }

    /** Every summary as last seen (see {@link #synced()}). */
    public java.util.stream.Stream<ReportSummary> summaries() {
        return episodes.values().stream().map(Episode::summary);
    }

    /** The summaries that pass {@code filter}, newest first by first delivery, page {@code page} (from 1) of them. */
    public static Page page(java.util.stream.Stream<ReportSummary> summaries, Predicate<ReportSummary> filter, int page,
                            int pageSize) {
        List<ReportSummary> matching = summaries.filter(filter)
                .sorted(Comparator.comparing(ReportSummary::receivedAt).reversed()
                        .thenComparing(ReportSummary::id))
                .toList();
        int from = (int) Math.min(matching.size(), Math.max(0L, page - 1L) * pageSize);
        return new Page(matching.subList(from, Math.min(matching.size(), from + pageSize)), matching.size(), page,
                pageSize);
    }

    @Override
    public void close() {
        informer.close();
        events.shutdown();
    }

    /** Keeps each object's metadata only: the informer needs keys and versions, the rest lives above. */
    private static final class MetadataOnly extends ReducedItemStore<RemediationReport> {
        @Override
        protected RemediationReport reduce(RemediationReport object) {
            RemediationReport kept = new RemediationReport();
            kept.setMetadata(new ObjectMetaBuilder().withName(object.getMetadata().getName())
                    .withNamespace(object.getMetadata().getNamespace())
                    .withResourceVersion(object.getMetadata().getResourceVersion()).build());
            return kept;
        }
    }
}

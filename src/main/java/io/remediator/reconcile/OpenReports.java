package io.remediator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.remediator.kubevirt.InformerSync;
import io.remediator.kubevirt.PrunedList;
import io.remediator.report.LightReportCache;
import io.remediator.report.RemediationReport;
import io.remediator.report.ReportStatus;
import io.remediator.report.ReportStore;
import io.remediator.report.StoredReport;
import io.remediator.report.ReportSpec;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The leader's watch of the stored reports: listed and cached without the VMI lists, so a new
 * leader can take over at the documented limits (reports.maxReports of reports.maxObjectBytes) on
 * a small heap. Events only name the report; the loop reads it fresh.
 */
final class OpenReports implements AutoCloseable {
    private final ExecutorService events = PrunedList.threads("open-reports");
    private final SharedIndexInformer<RemediationReport> informer;

    /**
     * Starts watching and waits for the first LIST.
     *
     * @param changed called with a report's name and whether it is news: a report with something
     *                no pass has handled (found at take-over), or a change of its spec (a delivery
     *                counted, other alerts, an approval), as opposed to the leader's own status writes
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when it cannot list them in {@code timeout}
     */
    OpenReports(KubernetesClient client, ReportStore store, Duration timeout, BiConsumer<String, Boolean> changed,
                Consumer<String> deleted) {
        // One LIST from the API server's watch cache (unpaged: resourceVersion=0, as client-go's
        // informers ask), its VMI lists left out while it is parsed (and by the cache, of every
        // watch event): 100 stored reports of 1 MB cost the heap their plans, not 100 MB.
        this.informer = PrunedList.omitting(client.resources(RemediationReport.class).inNamespace(store.namespace())
                        .withLimit(null), client, RemediationReport.class, LightReportCache.OMITTED,
                        LightReportCache::reduced, events)
                .informer(RemediationReport.class, new LightReportCache(), events);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(RemediationReport r) {
                changed.accept(r.getMetadata().getName(), unhandled(r));
            }

            @Override
            public void onUpdate(RemediationReport before, RemediationReport after) {
                changed.accept(after.getMetadata().getName(), !Objects.equals(before.getSpec(), after.getSpec()));
            }

            @Override
            public void onDelete(RemediationReport r, boolean unknownFinalState) {
                deleted.accept(r.getMetadata().getName());
            }
        });
        informer.exceptionHandler((started, error) -> started);
        try {
            InformerSync.await(List.of(informer), timeout, "the stored reports");
        } catch (RuntimeException e) {
            events.shutdown();
            throw e;
        }
    }

    /**
     * Something in the spec no pass has handled yet: the report is new, or a delivery, other alerts
     * or an approval arrived since its last pass (perhaps while no replica led).
     */
    private static boolean unhandled(RemediationReport r) {
        ReportStatus st = r.getStatus();
        ReportSpec spec = r.getSpec();
        return st == null || spec != null && (spec.deliveries() != st.handledDeliveries()
                || spec.alertSet() != st.handledAlertSet() || spec.approvedActions().size() != st.handledApprovals());
    }

    /** The report as cached (without its VMI lists), when the watch has it. */
    Optional<StoredReport> cached(String name, String namespace) {
        return Optional.ofNullable(informer.getStore().getByKey(namespace + "/" + name)).map(RemediationReport::stored);
    }

    /** Every report as cached (without its VMI lists). */
    /** How many reports the watch holds. */
    int size() {
        return informer.getStore().listKeys().size();
    }

    List<StoredReport> all() {
        return informer.getStore().list().stream().map(RemediationReport::stored).toList();
    }

    /** The newest firing episode of the same alert group that started after this one, if any. */
    Optional<ReportSpec> newerEpisode(ReportSpec item) {
        return informer.getStore().list().stream().map(RemediationReport::getSpec)
                .filter(o -> o.sameGroup(item) && !o.episode().equals(item.episode()) && o.firing()
                        && o.receivedAt().isAfter(item.receivedAt()))
                .max(Comparator.comparing(ReportSpec::receivedAt));
    }

    @Override
    public void close() {
        informer.close();
        events.shutdown();
    }
}

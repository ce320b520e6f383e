package io.remediator.reconcile;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.remediator.kubevirt.InformerSync;
import io.remediator.report.LightReportCache;
import io.remediator.report.ReportStore;
import io.remediator.report.StoredReport;
import io.remediator.webhook.WorkItem;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The leader's watch of the stored reports: paged, and cached without the VMI lists, so a new
 * leader can take over at the documented limits (reports.maxReports of reports.maxObjectBytes) on
 * a small heap. Events only name the report; the loop reads it fresh.
 */
final class OpenReports implements AutoCloseable {
    private static final long LIST_PAGE = 2;

    private final ReportStore store;
    private final SharedIndexInformer<GenericKubernetesResource> informer;

    /**
     * Starts watching and waits for the first LIST.
     *
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when it cannot list them in {@code timeout}
     */
    OpenReports(KubernetesClient client, ReportStore store, Duration timeout, Consumer<String> changed,
                Consumer<String> deleted) {
        this.store = store;
        this.informer = client.genericKubernetesResources(ReportStore.KIND).inNamespace(store.namespace())
                .withLimit(LIST_PAGE).runnableInformer(0);
        informer.itemStore(new LightReportCache());
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource r) {
                changed.accept(r.getMetadata().getName());
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                changed.accept(after.getMetadata().getName());
            }

            @Override
            public void onDelete(GenericKubernetesResource r, boolean unknownFinalState) {
                deleted.accept(r.getMetadata().getName());
            }
        });
        informer.exceptionHandler((started, error) -> started);
        InformerSync.await(List.of(informer), timeout, "the stored reports");
    }

    /** Every report as cached (without its VMI lists). */
    List<StoredReport> all() {
        return informer.getStore().list().stream().map(store::read).toList();
    }

    /** The newest firing episode of the same alert group that started after this one, if any. */
    Optional<WorkItem> newerEpisode(WorkItem item) {
        return informer.getStore().list().stream().map(store::item)
                .filter(o -> o.sameGroup(item) && !o.episode().equals(item.episode()) && o.firing()
                        && o.receivedAt().isAfter(item.receivedAt()))
                .max(Comparator.comparing(WorkItem::receivedAt));
    }

    @Override
    public void close() {
        informer.close();
    }
}

package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A watch of KubeVirt's `FailedMigration` Events, reduced to what says why a migration failed. */
final class FailedMigrationEvents {
    private final KubernetesClient client;
    private final long pageSize;
    private final Duration syncTimeout;
    private SharedIndexInformer<GenericKubernetesResource> informer;

    FailedMigrationEvents(KubernetesClient client, long pageSize, Duration syncTimeout) {
        this.client = client;
        this.pageSize = pageSize;
        this.syncTimeout = syncTimeout;
    }

    /**
     * The `FailedMigration` Events are a nice-to-have (a failure's reason where the migration has
     * none): a cluster that does not let this service list Events still gets its diagnosis, with
     * the refusal reported, and the next diagnosis tries again.
     */
    void startIfNeeded(List<String> problems) {
        if (informer != null && informer.isRunning()) {
            return;
        }
        stop();
        SharedIndexInformer<GenericKubernetesResource> events = client.genericKubernetesResources("v1", "Event")
                .inAnyNamespace().withField("reason", "FailedMigration").withLimit(pageSize == 0 ? null : pageSize)
                .runnableInformer(0);
        events.itemStore(new PrunedItemStore(new KeptFields(List.of("involvedObject.kind", "involvedObject.name",
                "message", "lastTimestamp", "eventTime"), Set.of(), Set.of()),
                e -> "VirtualMachineInstanceMigration".equals(e.get("involvedObject", "kind"))));
        events.exceptionHandler((isStarted, t) -> isStarted);
        try {
            InformerSync.await(List.of(events), syncTimeout, "FailedMigration events");
            informer = events;
        } catch (KubernetesClientException e) {
            problems.add("FailedMigration events (why a migration failed, where the migration does not say): "
                    + ApiErrors.describe(e));
        }
    }

    void stop() {
        if (informer != null) {
            informer.stop();
            informer = null;
        }
    }

    /** The newest `FailedMigration` message per migration: often the only place KubeVirt says why. */
    Map<String, String> latestMessages() {
        Map<String, String> latest = new HashMap<>();
        if (informer == null) {
            return latest;
        }
        Map<String, String> at = new HashMap<>();
        for (GenericKubernetesResource e : informer.getStore().list()) {
            Object name = e.get("involvedObject", "name");
            Object message = e.get("message");
            if (name == null || message == null) {
                continue;
            }
            String key = e.getMetadata().getNamespace() + "/" + name;
            String when = String.valueOf(e.get("lastTimestamp") != null ? e.get("lastTimestamp")
                    : e.get("eventTime") != null ? e.get("eventTime") : e.getMetadata().getCreationTimestamp());
            if (!latest.containsKey(key) || when.compareTo(at.get(key)) > 0) {
                latest.put(key, String.valueOf(message));
                at.put(key, when);
            }
        }
        return latest;
    }
}

package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A watch whose objects improve a diagnosis but are not needed for it (Events, PodDisruptionBudgets,
 * MigrationPolicies): a cluster that does not let this service list them still gets its diagnosis,
 * with the refusal reported in the API's words, and the next diagnosis tries again.
 */
final class OptionalWatch {
    private final Supplier<SharedIndexInformer<GenericKubernetesResource>> source;
    private final String what;
    private final FirstReadLimit syncLimit;
    private SharedIndexInformer<GenericKubernetesResource> informer;

    /** @param what what the objects say, for the problem line, e.g. "FailedEvict events (why an eviction failed)" */
    OptionalWatch(Supplier<SharedIndexInformer<GenericKubernetesResource>> source, String what, Duration syncTimeout) {
        this.source = source;
        this.what = what;
        this.syncLimit = new FirstReadLimit(syncTimeout);
    }

    void startIfNeeded(List<String> problems) {
        if (informer != null && informer.isRunning()) {
            return;
        }
        stop();
        SharedIndexInformer<GenericKubernetesResource> started;
        try {
            started = source.get();
        } catch (KubernetesClientException e) {
            problems.add(what + ": " + ApiErrors.describe(e));
            return;
        }
        started.exceptionHandler((isStarted, t) -> isStarted);
        try {
            // "them": the problem line starts with what they are. A noisy cluster's Events can be slow
            // to list too: the limit grows after each timeout, or they would never be read.
            syncLimit.await(List.of(started), "them");
            informer = started;
        } catch (KubernetesClientException e) {
            problems.add(what + ": " + ApiErrors.describe(e));
        }
    }

    /** What the watch holds now; nothing when it could not start. */
    List<GenericKubernetesResource> items() {
        return informer == null ? List.of() : informer.getStore().list();
    }

    void stop() {
        if (informer != null) {
            informer.stop();
            informer = null;
        }
    }
}

package io.remediator.kubevirt;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts informers and waits for their first LIST, within a deadline. On any failure they are
 * stopped and the failure comes back as a KubernetesClientException in the API's words (a 403, a
 * timeout), so each caller decides whether it is fatal, reported or retried.
 */
public final class InformerSync {
    private InformerSync() {}

    /** The first LIST did not finish in time (rather than failing): a slow API server, not a refusal. */
    public static final class TimedOut extends KubernetesClientException {
        public TimedOut(String message) {
            super(message);
        }
    }

    /** @param what the objects listed, for the message, e.g. "KubeVirt objects" */
    public static void await(List<? extends SharedIndexInformer<?>> informers, Duration timeout, String what) {
        try {
            CompletableFuture.allOf(informers.stream().map(i -> i.start().toCompletableFuture())
                    .toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            informers.forEach(SharedIndexInformer::stop);
            throw e.getCause() instanceof KubernetesClientException k ? k
                    : new KubernetesClientException("listing " + what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            informers.forEach(SharedIndexInformer::stop);
            throw new TimedOut("listing " + what + " did not finish within " + timeout);
        } catch (InterruptedException e) {
            informers.forEach(SharedIndexInformer::stop);
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while listing " + what);
        }
    }
}

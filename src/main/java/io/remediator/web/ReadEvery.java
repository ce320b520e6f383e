package io.remediator.web;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A read the pages repeat at most once per {@code every}: a page view of every report must not be a
 * GET of the same ConfigMap each time. A read the API server refuses gives {@code whenRefused}, kept
 * for the period like any answer: a refusal that lasts (a missing RBAC rule) must not turn every
 * view into a GET either. The leader's log says why the read fails.
 */
public final class ReadEvery<T> implements Supplier<T> {
    private final Duration every;
    private final Supplier<T> read;
    private final T whenRefused;
    private final Clock clock;
    private T value;
    private Instant readAt;

    public ReadEvery(Duration every, Supplier<T> read, T whenRefused, Clock clock) {
        this.every = every;
        this.read = read;
        this.whenRefused = whenRefused;
        this.clock = clock;
    }

    @Override
    public synchronized T get() {
        Instant now = clock.instant();
        if (readAt == null || !now.isBefore(readAt.plus(every))) {
            try {
                value = read.get();
            } catch (KubernetesClientException e) {
                value = whenRefused;
            }
            readAt = now;
        }
        return value;
    }
}

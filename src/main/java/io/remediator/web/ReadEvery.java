package io.remediator.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A read the pages repeat at most once per {@code every}: a page view of every report must not be a
 * GET of the same ConfigMap each time. A failed read is not kept; the next view tries again.
 */
public final class ReadEvery<T> implements Supplier<T> {
    private final Duration every;
    private final Supplier<T> read;
    private final Clock clock;
    private T value;
    private Instant readAt;

    public ReadEvery(Duration every, Supplier<T> read, Clock clock) {
        this.every = every;
        this.read = read;
        this.clock = clock;
    }

    @Override
    public synchronized T get() {
        Instant now = clock.instant();
        if (readAt == null || !now.isBefore(readAt.plus(every))) {
            value = read.get();
            readAt = now;
        }
        return value;
    }
}

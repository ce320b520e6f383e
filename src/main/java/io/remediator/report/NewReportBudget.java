package io.remediator.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How many new reports this replica may create: {@code perMinute}, refilled continuously. A repeat of
 * a stored episode never spends from it. Past it, the webhook answers 503 with Retry-After, so a
 * flood of distinct groups (or a leaked token) cannot fill the API server with reports faster than
 * retention removes them.
 */
public final class NewReportBudget {
    private final int perMinute;
    private final Clock clock;
    private double available;
    private Instant refilledAt;

    public NewReportBudget(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
        this.available = perMinute;
        this.refilledAt = clock.instant();
    }

    /** Spends one new report if there is one left now. */
    public synchronized boolean tryTake() {
        Instant now = clock.instant();
        double minutes = Duration.between(refilledAt, now).toMillis() / 60_000.0;
        available = Math.min(perMinute, available + minutes * perMinute);
        refilledAt = now;
        if (available < 1) {
            return false;
        }
        available -= 1;
        return true;
    }
}

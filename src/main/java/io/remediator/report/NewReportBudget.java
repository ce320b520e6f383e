package io.remediator.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How many new reports may be created now, counted across every replica (redteam-2 N5): at most
 * {@code perMinute} received in the last minute, and none while {@code ceiling} reports are stored
 * (retention sweeps within seconds of passing maxReports; what it cannot delete is open work). A
 * repeat of a stored episode never spends from it. Past it, the webhook answers 503 with
 * Retry-After, so a flood of distinct groups (or a leaked token), sent to any number of replicas,
 * cannot fill the API server or the replicas' watches with reports faster than retention removes
 * them.
 *
 * <p>The cluster's count is this replica's watch of the stored reports, which sees the other
 * replicas' creations one watch event late: two replicas creating in the same instant may pass the
 * bound by one each, never by a minute's worth. Until the watch has listed once, this replica's own
 * creations are counted alone.
 */
public final class NewReportBudget {
    /** What the shared watch shows. */
    public interface StoredView {
        boolean synced();

        int stored();

        /** Reports first received at or after {@code since}. */
        long receivedSince(Instant since);
    }

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int perMinute;
    private final int ceiling;
    private final Clock clock;
    private final StoredView view;
    private final Deque<Instant> mine = new ArrayDeque<>();

    public NewReportBudget(int perMinute, int ceiling, Clock clock, StoredView view) {
        this.perMinute = perMinute;
        this.ceiling = ceiling;
        this.clock = clock;
        this.view = view;
    }

    /** Spends one new report if there is one left now. */
    public synchronized boolean tryTake() {
        Instant now = clock.instant();
        Instant since = now.minus(WINDOW);
        while (!mine.isEmpty() && mine.peekFirst().isBefore(since)) {
            mine.removeFirst();
        }
        long recent = mine.size();
        if (view.synced()) {
            // The watch shows this replica's own creations too (written through at once), so the
            // larger of the two counts is the cluster's as far as this replica can know it.
            recent = Math.max(recent, view.receivedSince(since));
            if (view.stored() >= ceiling) {
                return false;
            }
        }
        if (recent >= perMinute) {
            return false;
        }
        mine.addLast(now);
        return true;
    }
}

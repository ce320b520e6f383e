package io.remediator.remediation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What this service executed recently, per action: the memory of the circuit breaker and of the
 * batch limit. Both limits are cluster-wide, so every pass of every report (a follow-up, an
 * approval, a repeated alert) draws on this one ledger. A new leader rebuilds it from
 * the stored reports, so a restart or a failover does not reset the limits.
 */
public final class ActionLedger {
    private final Map<Action, Deque<Instant>> executed = new EnumMap<>(Action.class);

    public record Entry(Action action, Instant at) {}

    /** Forgets everything and remembers these instead: what a new leader reads from the stored reports. */
    public synchronized void replace(List<Entry> entries) {
        executed.clear();
        entries.stream().sorted(Comparator.comparing(Entry::at)).forEach(e -> record(e.action(), e.at()));
    }

    public synchronized void record(Action action, Instant at) {
        executed.computeIfAbsent(action, a -> new ArrayDeque<>()).addLast(at);
    }

    /**
     * @param batchInterval the length of one batch: disruptive actions executed less than this long
     *                      ago fill the current batch
     */
    public synchronized RecentActions recent(Instant now, Duration batchInterval) {
        Instant hourAgo = now.minus(Duration.ofHours(1));
        Instant batchStart = now.minus(batchInterval);
        Instant keepFrom = hourAgo.isBefore(batchStart) ? hourAgo : batchStart;
        Map<Action, Integer> lastHour = new EnumMap<>(Action.class);
        int inBatch = 0;
        for (Map.Entry<Action, Deque<Instant>> e : executed.entrySet()) {
            Deque<Instant> times = e.getValue();
            while (!times.isEmpty() && !times.peekFirst().isAfter(keepFrom)) {
                times.removeFirst();
            }
            lastHour.put(e.getKey(), (int) times.stream().filter(t -> t.isAfter(hourAgo)).count());
            if (e.getKey().disruptive()) {
                inBatch += (int) times.stream().filter(t -> t.isAfter(batchStart)).count();
            }
        }
        return new RecentActions(lastHour, inBatch);
    }

    /**
     * @param lastHour            actions of each kind executed in the last hour
     * @param disruptiveThisBatch disruptive actions executed within the last batch interval
     */
    public record RecentActions(Map<Action, Integer> lastHour, int disruptiveThisBatch) {}
}

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
    /** Disruptive actions per namespace (its own batch, docs/owners.md), kept a day. */
    private final Map<String, Deque<Instant>> disruptiveByNamespace = new java.util.HashMap<>();
    static final Duration NAMESPACE_MEMORY = Duration.ofDays(1);

    /** @param namespace the namespace acted in, or null (a cluster setting) */
    public record Entry(Action action, String namespace, Instant at) {
        public Entry(Action action, Instant at) {
            this(action, null, at);
        }
    }

    /** Forgets everything and remembers these instead: what a new leader reads from the stored reports. */
    public synchronized void replace(List<Entry> entries) {
        executed.clear();
        disruptiveByNamespace.clear();
        entries.stream().sorted(Comparator.comparing(Entry::at)).forEach(e -> record(e.action(), e.namespace(), e.at()));
    }

    public synchronized void record(Action action, Instant at) {
        record(action, null, at);
    }

    public synchronized void record(Action action, String namespace, Instant at) {
        executed.computeIfAbsent(action, a -> new ArrayDeque<>()).addLast(at);
        if (namespace != null && action.disruptive()) {
            disruptiveByNamespace.computeIfAbsent(namespace, n -> new ArrayDeque<>()).addLast(at);
        }
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
        Map<String, List<Instant>> byNamespace = new java.util.HashMap<>();
        Instant dayAgo = now.minus(NAMESPACE_MEMORY);
        disruptiveByNamespace.values().forEach(times -> {
            while (!times.isEmpty() && !times.peekFirst().isAfter(dayAgo)) {
                times.removeFirst();
            }
        });
        disruptiveByNamespace.values().removeIf(Deque::isEmpty);
        disruptiveByNamespace.forEach((ns, times) -> byNamespace.put(ns, List.copyOf(times)));
        return new RecentActions(lastHour, inBatch, byNamespace);
    }

    /**
     * @param lastHour              actions of each kind executed in the last hour
     * @param disruptiveThisBatch   disruptive actions executed within the last batch interval
     * @param disruptiveByNamespace when each disruptive action of the last day ran, per namespace
     */
    public record RecentActions(Map<Action, Integer> lastHour, int disruptiveThisBatch,
                                Map<String, List<Instant>> disruptiveByNamespace) {
        public RecentActions(Map<Action, Integer> lastHour, int disruptiveThisBatch) {
            this(lastHour, disruptiveThisBatch, Map.of());
        }

        /** Disruptive actions in {@code namespace} that ran after {@code since}. */
        public int disruptiveIn(String namespace, Instant since) {
            return (int) disruptiveByNamespace.getOrDefault(namespace, List.of()).stream().filter(t -> t.isAfter(since)).count();
        }
    }
}

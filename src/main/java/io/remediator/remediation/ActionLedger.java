package io.remediator.remediation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/**
 * What this service executed in the last hour, per action: the circuit breaker's memory. Held in
 * memory until durable intake lands, so a restart forgets it.
 */
public final class ActionLedger {
    private final Map<Action, Deque<Instant>> executed = new EnumMap<>(Action.class);

    public synchronized void record(Action action, Instant at) {
        executed.computeIfAbsent(action, a -> new ArrayDeque<>()).addLast(at);
    }

    public synchronized Map<Action, Integer> lastHour(Instant now) {
        Instant cutoff = now.minus(Duration.ofHours(1));
        Map<Action, Integer> counts = new EnumMap<>(Action.class);
        executed.forEach((action, times) -> {
            while (!times.isEmpty() && times.peekFirst().isBefore(cutoff)) {
                times.removeFirst();
            }
            counts.put(action, times.size());
        });
        return counts;
    }
}

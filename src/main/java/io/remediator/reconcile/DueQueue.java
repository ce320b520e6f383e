package io.remediator.reconcile;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * The leader's one queue of work, keyed like a controller's work queue with AddAfter: a key is in
 * it at most once, at its earliest due time. Adding a key that is already due sooner changes
 * nothing, so a burst of watch events for one report becomes one look at it; a key taken out and
 * added again while it is being handled is handled again afterwards, with what changed meanwhile.
 */
public final class DueQueue<K> {
    /** Nothing waits longer than this; whoever looks then decides again. */
    private static final Duration LONGEST = Duration.ofDays(1);
    /**
     * How far ahead of the due work {@link #addFirst} puts a key: more than any key can have been
     * waiting since it fell due, so news goes before a backlog (a new leader's take-over of many
     * reports whose passes fell due meanwhile), and news among itself keeps its order.
     */
    private static final Duration HEAD_START = Duration.ofDays(2);

    private final DelayQueue<Entry<K>> queue = new DelayQueue<>();
    /** The due time (System.nanoTime) of each key in the queue; entries that disagree are stale. */
    private final Map<K, Long> due = new HashMap<>();

    public void add(K key) {
        addAfter(key, Duration.ZERO);
    }

    public synchronized void addAfter(K key, Duration delay) {
        Duration d = delay.isNegative() ? Duration.ZERO : delay.compareTo(LONGEST) > 0 ? LONGEST : delay;
        put(key, System.nanoTime() + d.toNanos());
    }

    private void put(K key, long deadline) {
        Long current = due.get(key);
        if (current != null && current - deadline <= 0) {
            return;
        }
        due.put(key, deadline);
        queue.add(new Entry<>(key, deadline));
    }

    /** The key, due before everything already due: news an operator waits for. */
    public synchronized void addFirst(K key) {
        put(key, System.nanoTime() - HEAD_START.toNanos());
    }

    /** Drops the key (its report is gone); a stale entry left behind in the delay queue is skipped. */
    public synchronized void forget(K key) {
        due.remove(key);
    }

    public synchronized void clear() {
        due.clear();
        queue.clear();
    }

    /** Waits for the next due key and takes it out. */
    public K take() throws InterruptedException {
        while (true) {
            Entry<K> e = queue.take();
            synchronized (this) {
                Long deadline = due.get(e.key());
                if (deadline != null && deadline == e.deadline()) {
                    due.remove(e.key());
                    return e.key();
                }
            }
        }
    }

    public synchronized boolean contains(K key) {
        return due.containsKey(key);
    }

    private record Entry<K>(K key, long deadline) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.signum(deadline - ((Entry<?>) o).deadline);
        }
    }
}

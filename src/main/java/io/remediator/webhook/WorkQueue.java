package io.remediator.webhook;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Accepted work waiting for diagnosis. Bounded, so that a flood of alerts turns into 503s
 * (which Alertmanager retries) instead of memory pressure. In memory only: an accepted item is
 * lost if the process dies before it is processed.
 */
public final class WorkQueue {
    private final BlockingQueue<WorkItem> items;

    public WorkQueue(int capacity) {
        this.items = new ArrayBlockingQueue<>(capacity);
    }

    /** All or nothing: either every item of one delivery is queued or none is. */
    public synchronized boolean offerAll(List<WorkItem> batch) {
        if (items.remainingCapacity() < batch.size()) {
            return false;
        }
        batch.forEach(items::add);
        return true;
    }

    public WorkItem take(long timeout, TimeUnit unit) throws InterruptedException {
        return items.poll(timeout, unit);
    }

    public int size() {
        return items.size();
    }
}

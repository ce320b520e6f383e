package io.remediator.kubevirt;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;

/**
 * How long the next first read of a watch may take. Every try starts its LISTs over: were the limit
 * fixed, a cluster whose first read takes longer than it (seen at 50,000 VMIs in
 * scripts/bench-rollout) would never be read at all. So each timeout in a row doubles the next
 * limit, up to {@link #LONGEST} (or the configured limit, if longer), and a read that finishes puts
 * it back to the configured value.
 */
final class FirstReadLimit {
    static final Duration LONGEST = Duration.ofMinutes(64);
    private final Duration configured;
    private Duration next;

    FirstReadLimit(Duration configured) {
        this.configured = configured;
        this.next = configured;
    }

    /**
     * {@link InformerSync#await} within the next limit. A timeout doubles the limit after it and comes
     * back as a {@link InformerSync.TimedOut} whose message names it; a read that finishes puts it back.
     */
    void await(List<? extends SharedIndexInformer<?>> informers, String what) {
        try {
            InformerSync.await(informers, next(), what);
        } catch (InformerSync.TimedOut e) {
            throw timedOut(e);
        }
        finished();
    }

    private synchronized Duration next() {
        return next;
    }

    private synchronized void finished() {
        next = configured;
    }

    private synchronized InformerSync.TimedOut timedOut(InformerSync.TimedOut e) {
        Duration most = configured.compareTo(LONGEST) > 0 ? configured : LONGEST;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(most) > 0 ? most : doubled;
        return new InformerSync.TimedOut(e.getMessage() + "; the next try waits up to " + next
                + " (diagnosis.syncTimeoutSeconds, doubled after each timeout in a row up to " + LONGEST + ")");
    }
}

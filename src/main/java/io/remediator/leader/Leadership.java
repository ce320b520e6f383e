package io.remediator.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leader among the replicas, elected with a `coordination.k8s.io` Lease (fabric8's leader
 * election, client-go's algorithm). Only the leader diagnoses and acts; a replica that cannot renew
 * within the renew deadline stops acting at once and becomes a candidate again.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    /** Durations of one election; see `leaderElection.*` in the config. */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {}

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timing timing;
    private final Runnable onStartLeading;
    private final Runnable onStopLeading;
    private final ScheduledExecutorService elections = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "leader-election");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean leading;
    private volatile String leader;
    private volatile boolean closed;
    private volatile CompletableFuture<?> election;

    public Leadership(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
                      Runnable onStartLeading, Runnable onStopLeading) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.timing = timing;
        this.onStartLeading = onStartLeading;
        this.onStopLeading = onStopLeading;
    }

    public Leadership start() {
        elections.execute(this::stand);
        return this;
    }

    /** Becomes a candidate; when the term ends (lost, or never won because of an error), stands again. */
    private void stand() {
        if (closed) {
            return;
        }
        CompletableFuture<?> term = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("kubevirt-remediator")
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                .build()).build().start();
        election = term;
        term.whenComplete((ok, error) -> {
            if (error != null && !term.isCancelled()) {
                log.warn("leader election ended with an error: {}", error.toString());
            }
            if (!closed) {
                elections.schedule(this::stand, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void started() {
        leading = true;
        leader = identity;
        log.info("{} leads (Lease {}/{}): diagnosing and acting", identity, namespace, leaseName);
        onStartLeading.run();
    }

    private void stopped() {
        if (!leading) {
            return;
        }
        leading = false;
        log.warn("{} no longer leads (Lease {}/{}): stopped acting", identity, namespace, leaseName);
        onStopLeading.run();
    }

    private void newLeader(String id) {
        leader = id;
        if (id != null && !id.isEmpty() && !identity.equals(id)) {
            log.info("{} leads (Lease {}/{}); this replica, {}, serves webhooks and reports", id, namespace, leaseName,
                    identity);
        }
    }

    public boolean leading() {
        return leading && !closed;
    }

    /** The holder this replica last saw, or null before it saw one. */
    public String leader() {
        return leader;
    }

    public String identity() {
        return identity;
    }

    /** Stops acting, then gives the Lease up so another replica takes over without waiting it out. */
    @Override
    public void close() {
        closed = true;
        stopped();
        CompletableFuture<?> term = election;
        if (term != null) {
            term.cancel(true);
        }
        elections.shutdownNow();
    }
}

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
    /** When the Lease last showed this replica's own renewal; leading() trusts nothing older than renewDeadline. */
    private volatile java.time.Instant lastRenewSeen = java.time.Instant.EPOCH;
    private final java.time.Clock clock;
    private volatile String leader;
    private volatile boolean closed;
    private volatile CompletableFuture<?> election;
    /**
     * The current election term. A cancelled term's elector may still be blocked in a renew call
     * (an API server stall); when that returns it fires its callbacks late. Only the current term's
     * callbacks count: a late "stopped" of an old term must not switch off the term that leads now.
     */
    private final java.util.concurrent.atomic.AtomicLong term = new java.util.concurrent.atomic.AtomicLong();
    /** Reads the Lease for checkRenewals under a deadline of its own: a stalled API must not stall the check. */
    private final java.util.concurrent.ExecutorService leaseReads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lease-check");
        t.setDaemon(true);
        return t;
    });

    public Leadership(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
                      Runnable onStartLeading, Runnable onStopLeading) {
        this(client, namespace, leaseName, identity, timing, onStartLeading, onStopLeading, java.time.Clock.systemUTC());
    }

    /** @param clock compared with the Lease's renewTime, which this replica's elector writes from its own clock */
    Leadership(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
               Runnable onStartLeading, Runnable onStopLeading, java.time.Clock clock) {
        this.clock = clock;
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
        elections.scheduleWithFixedDelay(this::checkRenewals, timing.retryPeriod().toMillis(),
                timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Reads the Lease to see this replica's renewals land. The elector's own thread renews it; if
     * that thread is stuck or gone (an OutOfMemoryError elsewhere, a hung API call), the renewals
     * stop, and this replica must stop calling itself leader before another one takes the Lease.
     */
    private void checkRenewals() {
        if (!leading || closed) {
            return;
        }
        try {
            // Half the renew deadline: the check itself always ends in time to step down.
            var lease = leaseReads.submit(() -> client.leases().inNamespace(namespace).withName(leaseName).get())
                    .get(timing.renewDeadline().toMillis() / 2, TimeUnit.MILLISECONDS);
            if (lease != null && lease.getSpec() != null && identity.equals(lease.getSpec().getHolderIdentity())
                    && lease.getSpec().getRenewTime() != null) {
                java.time.Instant renewed = lease.getSpec().getRenewTime().toInstant();
                if (renewed.isAfter(lastRenewSeen)) {
                    lastRenewSeen = renewed;
                }
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            // Not seeing the renewals is the same as their not happening: leading() runs out.
            log.debug("could not read the Lease: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (leading && !renewedRecently()) {
            log.error("{}: the Lease {}/{} was last renewed at {}, longer ago than the renew deadline ({}):"
                    + " stepping down", identity, namespace, leaseName, lastRenewSeen, timing.renewDeadline());
            stopped(term.get());
            CompletableFuture<?> term = election;
            if (term != null) {
                term.cancel(true);
            }
        }
    }

    private boolean renewedRecently() {
        return java.time.Duration.between(lastRenewSeen, clock.instant()).compareTo(timing.renewDeadline()) <= 0;
    }

    /** Becomes a candidate; when the term ends (lost, or never won because of an error), stands again. */
    private void stand() {
        if (closed) {
            return;
        }
        LeaderCallbacks callbacks = callbacksOfNewTerm();
        CompletableFuture<?> term = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("kubevirt-remediator")
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(callbacks)
                .build()).build().start();
        election = term;
        term.whenComplete((ok, error) -> {
            Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : error;
            if (cause instanceof Error fatal) {
                // The Lease thread died of something the JVM may not survive: end the process, so
                // Kubernetes restarts it instead of leaving a replica that claims a role it lost.
                log.error("the leader election thread died: {}; exiting", fatal.toString());
                Runtime.getRuntime().halt(70);
            }
            if (error != null && !term.isCancelled()) {
                log.warn("leader election ended with an error: {}", error.toString());
            }
            if (!closed) {
                elections.schedule(this::stand, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** A new term: from now on only its callbacks change whether this replica acts. */
    LeaderCallbacks callbacksOfNewTerm() {
        long generation = term.incrementAndGet();
        return new LeaderCallbacks(() -> started(generation), () -> stopped(generation), this::newLeader);
    }

    private void started(long generation) {
        if (generation != term.get()) {
            log.info("{}: ignoring the start of an ended election term", identity);
            return;
        }
        lastRenewSeen = clock.instant();
        leading = true;
        leader = identity;
        log.info("{} leads (Lease {}/{}): diagnosing and acting", identity, namespace, leaseName);
        onStartLeading.run();
    }

    private void stopped(long generation) {
        if (generation != term.get()) {
            // A cancelled term's late callback: the current term may lead, and keeps doing so.
            log.info("{}: ignoring the end of an ended election term", identity);
            return;
        }
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

    /**
     * True only while this replica holds the Lease and its renewals are seen to land: at most the
     * renew deadline after the last one, whatever the elector's thread believes.
     */
    public boolean leading() {
        return leading && !closed && renewedRecently();
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
        stopped(term.get());
        CompletableFuture<?> term = election;
        if (term != null) {
            term.cancel(true);
        }
        elections.shutdownNow();
        leaseReads.shutdownNow();
    }

    /** This replica's name in the Lease: the configured one, else the host name plus a random suffix. */
    public static String identity(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "kubevirt-remediator";
            }
        }
        // Two processes on one host (or a restarted pod) must not take each other for the same holder.
        return host + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }
}

package io.remediator.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Leading is a fact about the Lease, not a flag: it ends when renewals stop being seen. */
@ExtendWith(RealCluster.class)
class LeadershipTest {
    /** A clock the test moves: ahead of the renewals the elector writes, as if they had stopped. */
    private static final class MovableClock extends Clock {
        final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead.get());
        }
    }

    @Test
    void aLeaderWhoseRenewalsAreNotSeenWithinTheRenewDeadlineStopsLeadingAndActing(TestCluster cluster) {
        cluster.namespace("lease-test");
        MovableClock clock = new MovableClock();
        AtomicInteger stopped = new AtomicInteger();
        Leadership.Timing timing = new Leadership.Timing(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofMillis(500));
        try (Leadership leadership = new Leadership(cluster.newClient(), "lease-test", "renewals", "replica-a", timing,
                () -> { }, stopped::incrementAndGet, clock).start()) {
            await().atMost(Duration.ofSeconds(20)).until(leadership::leading);

            // The renewals still land, but no longer within the renew deadline as this replica counts:
            // the same as a renew thread that is stuck or gone.
            clock.ahead.set(Duration.ofSeconds(10));

            assertThat(leadership.leading()).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> stopped.get() >= 1);
        }
    }

    /**
     * The zombie leader of redteam-2 N4, deterministically: term 1 leads, a stall ends it and term 2
     * leads again; then term 1's elector, unblocked, fires its "stopped" late.
     */
    @Test
    void aCancelledTermsLateStopDoesNotSwitchOffTheTermThatLeadsNow(TestCluster cluster) {
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        Leadership.Timing timing = new Leadership.Timing(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofMillis(500));
        try (Leadership leadership = new Leadership(cluster.newClient(), "lease-test", "terms", "replica-a", timing,
                starts::incrementAndGet, stops::incrementAndGet)) {
            var first = leadership.callbacksOfNewTerm();
            first.onStartLeading();
            assertThat(leadership.leading()).isTrue();
            var second = leadership.callbacksOfNewTerm();
            second.onStartLeading();

            first.onStopLeading();

            assertThat(leadership.leading()).isTrue();
            assertThat(stops.get()).isZero();
            second.onStopLeading();
            assertThat(leadership.leading()).isFalse();
            assertThat(stops.get()).isEqualTo(1);
        }
    }

    /**
     * An API-server stall longer than the renew deadline ends the term; the cancelled term's
     * elector, blocked in a renew call, fires its "stopped" callback late, after the new term has
     * taken the Lease again. That late callback must not switch the new term off (redteam-2 N4: the
     * replica kept renewing the Lease and never acted again). A race: several freezes.
     */
    @Test
    void afterEveryApiServerStallTheReplicaThatRenewsTheLeaseAlsoActs(TestCluster cluster) throws Exception {
        cluster.namespace("lease-stall");
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        Leadership.Timing timing = new Leadership.Timing(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500));
        // Calls time out within the freeze, as the service's 30 s timeout does within a 45 s stall.
        var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.fromKubeconfig(
                        cluster.kubeconfigYaml())).withRequestTimeout(1_500).withConnectionTimeout(1_000)
                        .withRequestRetryBackoffLimit(0).build()).build();
        try (client; Leadership leadership = new Leadership(client, "lease-stall", "stall", "replica-a", timing,
                starts::incrementAndGet, stops::incrementAndGet).start()) {
            await().atMost(Duration.ofSeconds(20)).until(leadership::leading);
            for (int freeze = 1; freeze <= 4; freeze++) {
                cluster.freezeApiServer(Duration.ofSeconds(6));
                int round = freeze;
                // Within the lease duration and a few retries of the thaw, it leads again and stays so.
                await().atMost(Duration.ofSeconds(20)).until(leadership::leading);
                Thread.sleep(timing.leaseDuration().toMillis());
                assertThat(leadership.leading()).as("leading %s after freeze %d (starts %d, stops %d)",
                        leadership.leader(), round, starts.get(), stops.get()).isTrue();
                var lease = cluster.client().leases().inNamespace("lease-stall").withName("stall").get();
                assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");
                // Acting follows leading: every stop was followed by a start.
                assertThat(starts.get()).isEqualTo(stops.get() + 1);
            }
        }
    }
}

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
}

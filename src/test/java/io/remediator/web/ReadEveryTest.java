package io.remediator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ReadEveryTest {
    private static final class SteppedClock extends Clock {
        Instant now = Instant.parse("2026-12-08T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void eachReadIsKeptForItsPeriodAndARefusedOneGivesTheFallbackForItsPeriodToo() {
        SteppedClock clock = new SteppedClock();
        AtomicInteger reads = new AtomicInteger();
        Deque<Supplier<String>> answers = new ArrayDeque<>();
        answers.add(() -> "first");
        answers.add(() -> {
            throw new KubernetesClientException("Forbidden: configmaps \"x\" is forbidden");
        });
        answers.add(() -> "after the refusal");
        ReadEvery<String> every = new ReadEvery<>(Duration.ofSeconds(5), () -> {
            reads.incrementAndGet();
            return answers.poll().get();
        }, "none", clock);

        assertThat(every.get()).isEqualTo("first");
        clock.now = clock.now.plusSeconds(4);
        assertThat(every.get()).isEqualTo("first");
        assertThat(reads).hasValue(1);

        clock.now = clock.now.plusSeconds(1);
        assertThat(every.get()).isEqualTo("none");
        // A lasting refusal (no RBAC rule) must not make every view a GET: kept for the period too.
        clock.now = clock.now.plusSeconds(4);
        assertThat(every.get()).isEqualTo("none");
        assertThat(reads).hasValue(2);
        clock.now = clock.now.plusSeconds(1);
        assertThat(every.get()).isEqualTo("after the refusal");
        assertThat(reads).hasValue(3);
    }
}

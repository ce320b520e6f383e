package io.remediator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** KubeVirt's batchEvictionInterval is a metav1.Duration: whatever Go's time.Duration prints must parse. */
class GoDurationTest {
    @Test
    void goesOwnOutputParses() {
        assertThat(GoDuration.parse("1m0s")).isEqualTo(Duration.ofMinutes(1));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("2m30.25s")).isEqualTo(Duration.ofMillis(150_250));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDuration.parse("750us")).isEqualTo(Duration.ofNanos(750_000));
        assertThat(GoDuration.parse("750\u00b5s")).isEqualTo(Duration.ofNanos(750_000));
        assertThat(GoDuration.parse("40ns")).isEqualTo(Duration.ofNanos(40));
    }

    @Test
    void anythingElseIsRefusedWithTheText() {
        assertThatThrownBy(() -> GoDuration.parse("1 minute")).hasMessageContaining("\"1 minute\" is not a duration");
        assertThatThrownBy(() -> GoDuration.parse("5")).hasMessageContaining("\"5\"");
        assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("empty");
        // Found by ConfigFuzzTest: this used to escape as an ArithmeticException.
        assertThatThrownBy(() -> GoDuration.parse("5555555555555555555551.5m1.5s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than a duration can be");
        assertThatThrownBy(() -> GoDuration.parse("3000000h")).isInstanceOf(IllegalArgumentException.class);
    }
}

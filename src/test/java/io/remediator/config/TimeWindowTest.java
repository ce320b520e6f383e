package io.remediator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class TimeWindowTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static ZonedDateTime at(String localDateTime) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), BERLIN);
    }

    @Test
    void aWindowAcrossMidnightBelongsToTheDayItStarts() {
        TimeWindow w = TimeWindow.parse("Mon-Fri 22:00-06:00");
        assertThat(w.contains(at("2026-11-23T22:30"))).isTrue();   // Monday night
        assertThat(w.contains(at("2026-11-24T05:59"))).isTrue();   // Tuesday early: Monday's window
        assertThat(w.contains(at("2026-11-24T06:00"))).isFalse();
        assertThat(w.contains(at("2026-11-23T05:00"))).isFalse();  // Monday early: Sunday has no window
        assertThat(w.contains(at("2026-11-29T01:00"))).isFalse();  // Sunday early
        assertThat(w.contains(at("2026-11-28T01:00"))).isTrue();   // Saturday early: Friday's window
    }

    @Test
    void wholeDaysAndSeveralDays() {
        TimeWindow w = TimeWindow.parse("Sat Sun 00:00-24:00");
        assertThat(w.contains(at("2026-11-28T00:00"))).isTrue();
        assertThat(w.contains(at("2026-11-29T23:59"))).isTrue();
        assertThat(w.contains(at("2026-11-30T00:00"))).isFalse();
        assertThat(w.toString()).isEqualTo("Sat Sun 00:00-24:00");
    }

    @Test
    void badWindowsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> TimeWindow.parse("weekdays")).hasMessageContaining("is not a window");
        assertThatThrownBy(() -> TimeWindow.parse("Mon 25:00-26:00")).hasMessageContaining("is not a time of day");
        assertThatThrownBy(() -> TimeWindow.parse("Mon 10:00-10:00")).hasMessageContaining("same time");
    }

    @Test
    void goDurationsAsKubernetesWritesThem() {
        assertThat(GoDuration.parse("1m0s")).isEqualTo(Duration.ofMinutes(1));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> GoDuration.parse("1 minute")).hasMessageContaining("is not a duration");
    }
}

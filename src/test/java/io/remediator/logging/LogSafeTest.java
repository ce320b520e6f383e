package io.remediator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A value from a request cannot forge a log line or flood the log. */
class LogSafeTest {
    @Test
    void controlCharactersAreEscapedAndLengthIsBounded() {
        String forged = "{}:{alertname=\"x\"}\n2026-11-26T00:00:00Z [main] INFO Leadership - attacker leads";

        assertThat(LogSafe.of(forged).toString()).doesNotContain("\n").contains("\\u000a2026-11-26");
        assertThat(LogSafe.of("a\rb\u2028c").toString()).isEqualTo("a\\u000db\\u2028c");
        assertThat(LogSafe.of("x".repeat(10_000)).toString()).hasSizeLessThan(260).endsWith("(10000 chars)");
        assertThat(LogSafe.of(null).toString()).isEqualTo("null");
        // C1 controls too: NEL (U+0085) ends a line for some log readers (redteam-2 W4).
        assertThat(LogSafe.of("a\u0085b\u009bc\u00a0d").toString()).isEqualTo("a\\u0085b\\u009bc\u00a0d");
    }
}

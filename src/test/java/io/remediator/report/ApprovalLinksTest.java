package io.remediator.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signed approval links: one link, one spelling. */
class ApprovalLinksTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final ApprovalLinks links = new ApprovalLinks(List.of("a-link-key-of-32-bytes-0123456789".getBytes(
            StandardCharsets.UTF_8)), Duration.ofMinutes(30));

    @Test
    void otherSpellingsOfTheSameSignatureAreTamperedNotNewLinks() {
        String token = links.token("report-1", 3, T0);
        assertThat(links.check(token, "report-1", T0)).isInstanceOf(ApprovalLinks.Check.Valid.class);
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String body = token.substring(0, token.lastIndexOf('.') + 1);
        // A 32-byte MAC is 43 base64 characters: the last one carries 2 unused bits, so 3 other letters,
        // and `=` padding, decode to the same bytes with a lenient decoder (redteam-2 N8).
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(signature.charAt(signature.length() - 1));
        List<String> variants = new java.util.ArrayList<>();
        for (int low = 0; low < 4; low++) {
            if (low != (last & 3)) {
                variants.add(body + signature.substring(0, signature.length() - 1) + alphabet.charAt((last & ~3) | low));
            }
        }
        variants.add(token + "=");

        assertThat(variants).hasSize(4).allSatisfy(v -> assertThat(links.check(v, "report-1", T0))
                .isInstanceOf(ApprovalLinks.Check.Tampered.class));
    }
}

package io.remediator.approval;

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
        String token = links.token("report-1", "0123456789abcdef01234567", T0);
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

    @Test
    void aLinkNamesTheAwaitedActionsAndLivesForItsTtlFromWhenTheyWereFirstOffered() {
        // redteam-2 N7: a deferred action made a pass every minute, and each pass made the links of
        // the one before stale. The link names the awaited set, and its expiry counts from when that
        // set was first offered, so every follow-up pass gives the same link.
        io.remediator.remediation.PlannedAction awaiting = awaiting(io.remediator.report.ReportStoreTest.action(1, false));
        io.remediator.remediation.PlannedAction inFlight = io.remediator.report.ReportStoreTest.action(2, true);
        io.remediator.remediation.PassResult first = pass(1, T0, List.of(awaiting, inFlight), null);
        io.remediator.remediation.PassResult second = pass(2, T0.plusSeconds(60), List.of(awaiting, inFlight), first);
        io.remediator.remediation.PassResult third = pass(3, T0.plusSeconds(120), List.of(awaiting), second);
        assertThat(second.awaitingSince()).isEqualTo(T0);
        assertThat(third.awaitingSince()).isEqualTo(T0);
        assertThat(links.token("report-1", third)).isEqualTo(links.token("report-1", first));
        ApprovalLinks.Check c = links.check(links.token("report-1", first), "report-1", T0.plusSeconds(29 * 60));
        assertThat(c).isInstanceOfSatisfying(ApprovalLinks.Check.Valid.class, v -> {
            assertThat(v.plan().matches(third)).isTrue();
            assertThat(v.expires()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
        });

        // Another attempt of the same action (or another target UID) is another set: a new link.
        io.remediator.remediation.PlannedAction retried = awaiting(new io.remediator.remediation.PlannedAction(
                awaiting.key(), awaiting.action(), awaiting.namespace(), awaiting.vmi(), awaiting.vm(), awaiting.targetUid(),
                awaiting.object(), awaiting.attempt() + 1, awaiting.decision(), awaiting.why(), awaiting.rule(),
                awaiting.dryRun(), null, awaiting.plannedAt(), null, null));
        io.remediator.remediation.PassResult fourth = pass(4, T0.plusSeconds(180), List.of(retried), third);
        assertThat(fourth.awaitingSince()).isEqualTo(T0.plusSeconds(180));
        assertThat(((ApprovalLinks.Check.Valid) c).plan().matches(fourth)).isFalse();
        assertThat(links.token("report-1", fourth)).isNotEqualTo(links.token("report-1", first));
    }

    private static io.remediator.remediation.PassResult pass(int n, Instant at,
                                                             List<io.remediator.remediation.PlannedAction> actions,
                                                             io.remediator.remediation.PassResult previous) {
        return new io.remediator.remediation.PassResult("auto", n, at, java.util.Map.of(), actions, at.plusSeconds(60),
                List.of(), null).awaitingSinceAfter(previous);
    }

    private static io.remediator.remediation.PlannedAction awaiting(io.remediator.remediation.PlannedAction a) {
        return new io.remediator.remediation.PlannedAction(a.key(), a.action(), a.namespace(), a.vmi(), a.vm(),
                a.targetUid(), a.object(), a.attempt(), io.remediator.remediation.Decision.AWAITING_APPROVAL, a.why(),
                a.rule(), a.dryRun(), null, a.plannedAt(), null, null);
    }
}

package io.remediator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import io.remediator.runbook.KnownSignatures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pure: failures counted with no rollout to count from, in `systemic.window`s (the current and the previous). */
class FailureWindowTest {
    private static final Duration DAY = Duration.ofHours(24);
    private static final Instant START = Instant.parse("2026-12-06T12:00:00Z");
    private static final String HT = "virError(Code=9, Domain=31, Message='operation failed: guest CPU doesn''t match"
            + " specification: extra features: ht')";

    private static VirtualMachineInstanceMigration failed(String name, String vmi, Instant at, String reason) {
        return new VirtualMachineInstanceMigration("team", name, vmi, "Failed", at.minusSeconds(30), at, reason, true,
                false, false, null, null, false, "node-1", "node-2");
    }

    /** Two ht failures on each of three VMIs, finished {@code at} and the second after. */
    private static List<VirtualMachineInstanceMigration> htOnThreeVmis(String prefix, Instant at) {
        List<VirtualMachineInstanceMigration> all = new ArrayList<>();
        for (int vm = 1; vm <= 3; vm++) {
            all.add(failed(prefix + vm + "-a", "vm-" + vm, at, HT));
            all.add(failed(prefix + vm + "-b", "vm-" + vm, at.plusSeconds(1), HT));
        }
        return all;
    }

    private static FailureWindow look(FailureWindow before, Instant now, List<VirtualMachineInstanceMigration> cache) {
        return FailureWindow.next(before, now, DAY, cache, Map.of(), MigrationFailures.Rule.DEFAULT,
                KnownSignatures.shipped(), 2, 7);
    }

    @Test
    void theFirstLookCountsWhatKubeVirtKeptOfTheLastWindowAndNothingOlder() {
        List<VirtualMachineInstanceMigration> cache = new ArrayList<>(htOnThreeVmis("recent-", START.minus(Duration.ofHours(3))));
        cache.add(failed("two-days-ago", "vm-9", START.minus(Duration.ofHours(30)), HT));
        FailureWindow w = look(null, START, cache);
        assertThat(w.current().since()).isEqualTo(START.minus(DAY));
        assertThat(w.current().failed()).isEqualTo(6);
        assertThat(w.systemicKeys()).containsExactly("cpu:extra:ht");
        assertThat(w.findings()).singleElement().satisfies(f -> assertThat(f).startsWith("SYSTEMIC: 6 of 6 migrations since"
                + " 2026-12-05T12:00:00Z (no rollout to count from) failed with cpu:extra:ht (3 VMs). Known upgrade defect")
                .contains("growing backoff (2 VMIs put in backoff within the hour); 7 failed launcher pods"));
        // Counted once: the same cache a minute later adds nothing.
        assertThat(look(w, START.plusSeconds(60), cache)).isEqualTo(w);
    }

    @Test
    void countsTwoWindowsOldStartAgainAndTheOldOnesStaySystemicForOneMoreRound() {
        FailureWindow w = look(null, START, htOnThreeVmis("day1-", START.minus(Duration.ofHours(1))));
        // Half a day later KubeVirt has garbage-collected them; one success since, no failure.
        Instant half = START.plus(Duration.ofHours(12));
        VirtualMachineInstanceMigration ok = new VirtualMachineInstanceMigration("team", "ok", "vm-1", "Succeeded",
                half.minusSeconds(60), null, null, true, false, false, half.minusSeconds(60), half.minusSeconds(20), false,
                "node-1", "node-2");
        w = look(w, half, List.of(ok));
        assertThat(w.previous()).isNull();
        assertThat(w.current().failed()).isEqualTo(6);
        assertThat(w.current().succeeded()).isEqualTo(1);
        // Two windows after the counts began they start again, one window back; the old ones are kept.
        Instant restart = START.plus(DAY);
        w = look(w, restart.plusSeconds(1), List.of(ok));
        assertThat(w.current().since()).isEqualTo(restart.plusSeconds(1).minus(DAY));
        assertThat(w.current().failed()).isZero();
        assertThat(w.current().succeeded()).isEqualTo(1);
        assertThat(w.previous().failed()).isEqualTo(6);
        assertThat(w.systemicKeys()).containsExactly("cpu:extra:ht");
        assertThat(w.findings()).singleElement().satisfies(f -> assertThat(f).contains("migrations from "
                + START.minus(DAY) + " to " + restart.plusSeconds(1).minus(DAY) + " (the previous round of counts)"));
        // One more round without a failure: the signature is no longer systemic.
        w = look(w, restart.plus(DAY).plusSeconds(2), List.of());
        assertThat(w.previous().failed()).isZero();
        assertThat(w.systemicKeys()).isEmpty();
        assertThat(w.findings()).isEmpty();
    }

    @Test
    void whatIsStoredReadsBackEqual() throws Exception {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        FailureWindow w = look(null, START, htOnThreeVmis("x-", START.minusSeconds(60)));
        assertThat(json.readValue(json.writeValueAsString(w), FailureWindow.class)).isEqualTo(w);
    }
}

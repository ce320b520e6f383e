package io.remediator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import io.remediator.runbook.FailureSignature.FailureClass;
import io.remediator.runbook.KnownSignatures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pure: next-capabilities §2.6's `systemic` fixture counted, the rule, and counting each migration once. */
class MigrationFailuresTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String HT_V18 = "Live migration failed error encountered during MigrateToURI3 libvirt api call:"
            + " virError(Code=9, Domain=31, Message='operation failed: guest CPU doesn't match specification: extra features: ht')";
    private static final String PDCM_V19 = "virError(Code=9, Domain=31, Message='operation failed: guest CPU doesn''t match"
            + " specification: missing features: pdcm')";

    private static VirtualMachineInstanceMigration failed(String name, String vmi, int second, String reason, boolean abort) {
        return new VirtualMachineInstanceMigration("team", name, vmi, "Failed", T0.plusSeconds(second - 5),
                T0.plusSeconds(second), reason, true, false, false, null, null, abort, "node-1", "node-2");
    }

    private static VirtualMachineInstanceMigration succeeded(String name, String vmi, int second, boolean updater) {
        return new VirtualMachineInstanceMigration("team", name, vmi, "Succeeded", T0.plusSeconds(second - 30), null, null,
                updater, !updater, false, T0.plusSeconds(second - 30), T0.plusSeconds(second), false, "node-1", "node-2");
    }

    static List<VirtualMachineInstanceMigration> fixture() {
        List<VirtualMachineInstanceMigration> all = new ArrayList<>();
        int t = 10;
        for (int vm = 1; vm <= 6; vm++) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                all.add(failed("kubevirt-workload-update-" + vm + "-" + attempt, "vm-" + vm, t++, HT_V18, false));
            }
        }
        all.add(failed("kubevirt-workload-update-7", "vm-7", t++, PDCM_V19, false));
        all.add(failed("kubevirt-workload-update-8", "vm-8", t++, null, false));
        all.add(failed("canceled", "vm-9", t++, "Live migration has been aborted", true));
        // Before T0: the last rollout's, never counted.
        all.add(new VirtualMachineInstanceMigration("team", "old", "vm-1", "Failed", T0.minusSeconds(600),
                T0.minusSeconds(500), HT_V18, true, false, false));
        return all;
    }

    @Test
    void oneSystemicSignatureWithItsVmisAndTheCanceledOneLeftOut() {
        MigrationFailures f = MigrationFailures.empty(T0).with(fixture(), Map.of("team/kubevirt-workload-update-8",
                "Migration failed because target pod shutdown during migration"), MigrationFailures.Rule.DEFAULT,
                KnownSignatures.shipped());
        assertThat(f.failed()).isEqualTo(14);
        assertThat(f.canceled()).isEqualTo(1);
        assertThat(f.succeeded()).isZero();
        MigrationFailures.Signature ht = f.signatures().get(0);
        assertThat(ht.key()).isEqualTo("cpu:extra:ht");
        assertThat(ht.failureClass()).isEqualTo(FailureClass.CPU_MISMATCH);
        assertThat(ht.failures()).isEqualTo(12);
        assertThat(ht.vmiCount()).isEqualTo(6);
        assertThat(ht.systemic()).isTrue();
        assertThat(ht.share()).isEqualTo(0.857);
        assertThat(ht.examples()).hasSize(3);
        assertThat(ht.exampleText()).isEqualTo(HT_V18);
        assertThat(ht.known().links()).contains("https://github.com/harvester/harvester/issues/11615");
        assertThat(f.signatures()).extracting(MigrationFailures.Signature::key)
                .containsExactly("cpu:extra:ht", "cpu:missing:pdcm", "target-pod-down");
        assertThat(f.signatures().subList(1, 3)).noneMatch(MigrationFailures.Signature::systemic);
        assertThat(f.systemicKeys()).containsExactly("cpu:extra:ht");
        assertThat(f.finding(ht, 37)).isEqualTo("SYSTEMIC: 12 of 14 migrations since the update failed with cpu:extra:ht"
                + " (6 VMs). Known upgrade defect (https://github.com/harvester/harvester/issues/11615): "
                + ht.known().meaning().trim() + " Mitigation: " + ht.known().mitigation().trim()
                + " KubeVirt's updater will keep retrying these with growing backoff; 37 failed launcher pods so far"
                + " (KubeVirt alerts at 200).");
    }

    @Test
    void eachMigrationIsCountedOnceAcrossLooksAndAcrossALeaderThatReadsTheStoredCounts() throws Exception {
        List<VirtualMachineInstanceMigration> first = fixture().subList(0, 6);
        MigrationFailures once = MigrationFailures.empty(T0).with(first, Map.of(), MigrationFailures.Rule.DEFAULT,
                KnownSignatures.shipped());
        MigrationFailures twice = once.with(first, Map.of(), MigrationFailures.Rule.DEFAULT, KnownSignatures.shipped());
        assertThat(twice.failed()).isEqualTo(6).isEqualTo(once.failed());
        // Stored and read back by the next leader, which sees the same migrations and two more.
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        MigrationFailures stored = json.readValue(json.writeValueAsString(twice), MigrationFailures.class);
        MigrationFailures next = stored.with(fixture().subList(0, 8), Map.of(), MigrationFailures.Rule.DEFAULT,
                KnownSignatures.shipped());
        assertThat(next.failed()).isEqualTo(8);
        assertThat(next.signatures().get(0).vmiCount()).isEqualTo(4);
    }

    @Test
    void successesLowerTheShareAndAreCountedByOrigin() {
        List<VirtualMachineInstanceMigration> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(failed("f" + i, "vm-" + i, 10 + i, "Live migration stuck for 150 seconds and has been aborted", false));
        }
        for (int i = 0; i < 6; i++) {
            all.add(succeeded("s" + i, "vm-s" + i, 20 + i, i < 4));
        }
        MigrationFailures f = MigrationFailures.empty(T0).with(all, Map.of(), MigrationFailures.Rule.DEFAULT,
                KnownSignatures.shipped());
        assertThat(f.succeededBy()).containsExactlyInAnyOrderEntriesOf(Map.of("workload-updater", 4, "remediator", 2));
        // 5 timeouts on 5 VMIs, but 5 of 11 (0.45) and migrations succeed: not systemic.
        assertThat(f.signatures().get(0).key()).isEqualTo("timeout");
        assertThat(f.signatures().get(0).systemic()).isFalse();
        // With no success at all the same five are.
        assertThat(MigrationFailures.empty(T0).with(all.subList(0, 5), Map.of(), MigrationFailures.Rule.DEFAULT,
                KnownSignatures.shipped()).signatures().get(0).systemic()).isTrue();
    }
}

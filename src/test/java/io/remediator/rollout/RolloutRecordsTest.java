package io.remediator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rollout record's status is written as a merge patch of what changed: on the real API server,
 * what a look leaves out stays as stored, and what it sends replaces it.
 */
@ExtendWith(RealCluster.class)
class RolloutRecordsTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private static RolloutStatus status(RolloutStatus before, int willUpdate, Instant at) {
        BurnDown now = new BurnDown(Map.of(RolloutGroup.KUBEVIRT_WILL_UPDATE, willUpdate, RolloutGroup.NEEDS_ACTION, 1), 0, 0);
        return RolloutStatus.next(before, RolloutStage.WorkloadsUpdating, now,
                new RolloutEta(null, null, "fewer than 3 samples", 0, null), T0, at,
                Map.of(RolloutGroup.NEEDS_ACTION, List.of(new RolloutStatus.Vmi("team", "db-1", "NOT_MIGRATABLE",
                        "RESTART", "its disks are not shared"))), Map.of());
    }

    @Test
    void aLookWritesWhatChangedAndLeavesTheHistoryItHoldsBackAsStored(TestCluster cluster) {
        cluster.reset();
        String ns = RunningService.freshNamespace();
        cluster.namespace(ns);
        RolloutRecords records = new RolloutRecords(cluster.client(), ns);
        RolloutRecords.Record r = records.create(new RolloutSource(RolloutSource.KIND, "kubevirt/kubevirt", "v1.8.4", "v1.9.0",
                "a", "b", T0.minusSeconds(600), T0, false));
        RolloutStatus first = status(null, 100, T0.plusSeconds(1));
        records.writeStatus(r.id(), null, first);
        RolloutStatus second = status(first, 99, T0.plusSeconds(2));
        assertThat(second.history()).hasSize(2);
        records.writeStatus(r.id(), first, second, false);

        RolloutStatus stored = records.get(r.id()).orElseThrow().status();
        assertThat(stored.groups().get("kubevirt_will_update")).isEqualTo(99);
        assertThat(stored.updatedAt()).isEqualTo(T0.plusSeconds(2));
        // Held back: the one sample written before; left out because unchanged: the listed VMI.
        assertThat(stored.history()).hasSize(1);
        assertThat(stored.needsAction()).extracting(RolloutStatus.Vmi::name).containsExactly("db-1");

        RolloutStatus third = status(second, 98, T0.plusSeconds(12));
        records.writeStatus(r.id(), second, third, true);
        RolloutStatus after = records.get(r.id()).orElseThrow().status();
        assertThat(after.history()).extracting(s -> s.groups().get("kubevirt_will_update")).containsExactly(100, 99, 98);
        assertThat(after).isEqualTo(third);
    }
}

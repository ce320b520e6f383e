package io.remediator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.runbook.Branch;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pure: between full looks the counts follow the outdated keys, each VMI in the group it had. */
class BurnDownBasisTest {
    private static final BurnDownBasis BASIS = new BurnDownBasis(Map.of("team/a", Branch.KUBEVIRT_WILL_MIGRATE,
            "team/b", Branch.KUBEVIRT_WILL_MIGRATE, "team/c", Branch.NOT_MIGRATABLE_NOT_AUTOMATED,
            "team/d", Branch.KUBEVIRT_WILL_EVICT), 2);

    @Test
    void theVmisLeftAreCountedInTheGroupsTheyHad() {
        BurnDown now = BASIS.counts(Set.of("team/b", "team/c", "team/d")).orElseThrow();
        assertThat(now.count(RolloutGroup.KUBEVIRT_WILL_UPDATE)).isEqualTo(2);
        assertThat(now.count(RolloutGroup.NEEDS_ACTION)).isEqualTo(1);
        assertThat(now.count(RolloutGroup.PENDING_LIVE_UPDATE)).isEqualTo(2);
        assertThat(now.willMigrate()).isEqualTo(1);
        assertThat(now.willEvict()).isEqualTo(1);
        assertThat(now.outdated()).isEqualTo(3);
    }

    @Test
    void aVmiNewlyOutdatedNeedsAFullLook() {
        assertThat(BASIS.counts(Set.of("team/a", "team/new"))).isEmpty();
    }
}

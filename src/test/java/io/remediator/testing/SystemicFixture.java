package io.remediator.testing;

import static io.remediator.testing.KubeVirtObjects.migration;
import static io.remediator.testing.KubeVirtObjects.vmi;

import java.time.Instant;

/**
 * next-capabilities §2.6's `systemic` fixture, the part its tests share: outdated migratable
 * VMIs vm-1 … vm-{vmis} in namespace team, and for vm-1 … vm-6 two failed updater migrations
 * each, one second apart from T0 + 10 s, with {@code reason} as their failureReason.
 *
 * @return the next free second after T0 for further failures
 */
public final class SystemicFixture {
    private SystemicFixture() {}

    public static int seed(TestCluster cluster, int vmis, Instant t0, String reason) {
        for (int i = 1; i <= vmis; i++) {
            cluster.create(vmi("team", "vm-" + i).migratable().build());
        }
        int t = 10;
        for (int i = 1; i <= 6; i++) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                cluster.create(migration("team", "kubevirt-workload-update-" + i + "-" + attempt, "vm-" + i)
                        .byWorkloadUpdater().failed(reason, t0.plusSeconds(t++)).build());
            }
        }
        return t;
    }
}

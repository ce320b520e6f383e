package io.remediator.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.kubevirt.LauncherPod;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure: next-capabilities §2.6's `dual` fixture, cases a, b and c, and what never matches. */
class DualLaunchersTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(120);

    private static LauncherPod pod(String name, String node, String phase, int createdSecond) {
        return new LauncherPod("team", name, "uid-db-7", node, phase, false, "db-7", T.plusSeconds(createdSecond));
    }

    private static VirtualMachineInstanceMigration migration(String phase, int endSecond) {
        return new VirtualMachineInstanceMigration("team", "kubevirt-workload-update-x", "db-7", phase, T,
                null, null, true, false, false, T, "Succeeded".equals(phase) ? T.plusSeconds(endSecond) : null);
    }

    private static VirtualMachineInstance vmi(String node, VirtualMachineInstance.MigrationState state) {
        return new VirtualMachineInstance("team", "db-7", "uid-db-7", T, false, "Running", node, List.of(), null, "db-7",
                java.util.Map.of(), java.util.Map.of(), "VirtualMachine", null,
                java.util.Map.of("pod-old", "node-1", "pod-new", "node-2"), state);
    }

    private static final List<LauncherPod> TWO_RUNNING = List.of(pod("virt-launcher-db-7-old", "node-1", "Running", 0),
            pod("virt-launcher-db-7-new", "node-2", "Running", 60));

    @Test
    void aRunningMigrationIsAHandOffNotAFinding() {
        assertThat(DualLaunchers.find(TWO_RUNNING, List.of(migration("Running", 0)), T.plusSeconds(3_600), GRACE)).isEmpty();
    }

    @Test
    void twoActiveLaunchersPastTheGraceAfterASucceededMigrationAreOneFindingWithTheNewestAsCurrent() {
        List<DualLaunchers.DualLauncher> found = DualLaunchers.find(TWO_RUNNING, List.of(migration("Succeeded", 90)),
                T.plusSeconds(90 + 120), GRACE);
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.namespace() + "/" + d.vmi()).isEqualTo("team/db-7");
            assertThat(d.current()).isEqualTo("virt-launcher-db-7-new");
            assertThat(d.pods()).extracting(DualLaunchers.Pod::node).containsExactly("node-1", "node-2");
            assertThat(d.since()).isEqualTo(T.plusSeconds(90));
            assertThat(d.lastMigration()).isEqualTo("kubevirt-workload-update-x Succeeded");
            assertThat(d.finding()).startsWith("CRITICAL: team/db-7 runs in 2 active launcher pods with no migration in flight")
                    .contains("Do not migrate or restart automatically");
        });
        // KubeVirt's current pod is the newest on the VMI's node, when that is known.
        assertThat(DualLaunchers.find(TWO_RUNNING, List.of(migration("Succeeded", 90)), java.util.Map.of("uid-db-7",
                vmi("node-1", new VirtualMachineInstance.MigrationState("m-uid", true, false, "virt-launcher-db-7-old",
                        "virt-launcher-db-7-new"))), T.plusSeconds(90 + 120), GRACE)).singleElement().satisfies(d -> {
                            assertThat(d.current()).isEqualTo("virt-launcher-db-7-old");
                            assertThat(d.finding()).contains("its migrationState: virt-launcher-db-7-old → virt-launcher-db-7-new"
                                    + " (completed); KubeVirt's status.activePods lists 2 (on node-1, node-2)");
                        });
        // A hand-off the VMI still shows as under way (the migration object may be gone): no finding.
        assertThat(DualLaunchers.find(TWO_RUNNING, List.of(), java.util.Map.of("uid-db-7", vmi("node-1",
                new VirtualMachineInstance.MigrationState("m-uid", false, false, "virt-launcher-db-7-old",
                        "virt-launcher-db-7-new"))), T.plusSeconds(3_600), GRACE)).isEmpty();
        // Within the grace of the migration's end: KubeVirt may still be cleaning up.
        assertThat(DualLaunchers.find(TWO_RUNNING, List.of(migration("Succeeded", 90)), T.plusSeconds(90 + 119), GRACE))
                .isEmpty();
    }

    @Test
    void aStalePodThatEndedOrIsTerminatingIsNoSecondInstance() {
        List<LauncherPod> ended = List.of(pod("virt-launcher-db-7-old", "node-1", "Succeeded", 0),
                pod("virt-launcher-db-7-new", "node-2", "Running", 60));
        assertThat(DualLaunchers.find(ended, List.of(), T.plusSeconds(3_600), GRACE)).isEmpty();
        List<LauncherPod> error = List.of(pod("virt-launcher-db-7-old", "node-1", "Failed", 0),
                pod("virt-launcher-db-7-new", "node-2", "Running", 60));
        assertThat(DualLaunchers.find(error, List.of(), T.plusSeconds(3_600), GRACE)).isEmpty();
        List<LauncherPod> terminating = List.of(new LauncherPod("team", "virt-launcher-db-7-old", "uid-db-7", "node-1",
                "Running", true, "db-7", T), pod("virt-launcher-db-7-new", "node-2", "Running", 60));
        assertThat(DualLaunchers.find(terminating, List.of(), T.plusSeconds(3_600), GRACE)).isEmpty();
        // A pod without its VMI's name cannot be matched to migrations: never a guess.
        List<LauncherPod> unnamed = List.of(new LauncherPod("team", "a", "uid-db-7", "node-1", "Running", false),
                new LauncherPod("team", "b", "uid-db-7", "node-2", "Running", false));
        assertThat(DualLaunchers.find(unnamed, List.of(), T.plusSeconds(3_600), GRACE)).isEmpty();
    }
}

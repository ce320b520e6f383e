package io.remediator.kubevirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which VMIs hold up which drain, as KubeVirt's `kubevirt_vmi_non_evictable` and its webhook decide (pure). */
class DrainBlockersTest {
    private static VirtualMachineInstance vmi(String name, String node, String strategy, String liveMigratable) {
        List<VirtualMachineInstance.Condition> conditions = liveMigratable == null ? List.of()
                : List.of(new VirtualMachineInstance.Condition("LiveMigratable", liveMigratable, "HostDeviceNotLiveMigratable",
                        "VMI uses a PCI host devices"));
        return new VirtualMachineInstance("prod", name, "uid-" + name, Instant.parse("2026-12-01T00:00:00Z"), false,
                "Running", node, conditions, strategy, name, Map.of(), Map.of());
    }

    @Test
    void aVmiRefusesEvictionWhenItsStrategyOrTheClustersIsLiveMigrateAndItIsNotKnownToMigrate() {
        assertThat(DrainBlockers.refusesEviction(vmi("a", "n", "LiveMigrate", "False"), "None")).isTrue();
        // An unset condition counts as not migratable, as KubeVirt's metric does ("conservative").
        assertThat(DrainBlockers.refusesEviction(vmi("b", "n", "LiveMigrate", null), "None")).isTrue();
        assertThat(DrainBlockers.refusesEviction(vmi("c", "n", "LiveMigrate", "True"), "None")).isFalse();
        assertThat(DrainBlockers.refusesEviction(vmi("d", "n", "LiveMigrateIfPossible", "False"), "LiveMigrate")).isFalse();
        assertThat(DrainBlockers.refusesEviction(vmi("e", "n", "None", "False"), "LiveMigrate")).isFalse();
        assertThat(DrainBlockers.refusesEviction(vmi("f", "n", null, "False"), "LiveMigrate")).isTrue();
        assertThat(DrainBlockers.refusesEviction(vmi("g", "n", null, "False"), "None")).isFalse();
    }

    @Test
    void onlyNodesBeingDrainedWithSuchAVmiAreListedWithWhyTheDrainWaits() {
        List<ClusterNode> nodes = List.of(
                new ClusterNode("idle", 1, false, Map.of(), List.of()),
                new ClusterNode("cordoned", 1, true, Map.of(), List.of("node.kubernetes.io/unschedulable")),
                new ClusterNode("tainted", 1, false, Map.of(), List.of("kubevirt.io/drain")),
                new ClusterNode("mco", 1, false, Map.of(), List.of(), Map.of(ClusterNode.MCO_STATE, "Working",
                        ClusterNode.MCO_CURRENT, "rendered-worker-1", ClusterNode.MCO_DESIRED, "rendered-worker-2")),
                new ClusterNode("mco-done", 1, false, Map.of(), List.of(), Map.of(ClusterNode.MCO_STATE, "Done",
                        ClusterNode.MCO_CURRENT, "rendered-worker-2", ClusterNode.MCO_DESIRED, "rendered-worker-2")),
                new ClusterNode("cordoned-empty", 1, true, Map.of(), List.of()));
        List<VirtualMachineInstance> vmis = List.of(vmi("z-gpu", "cordoned", "LiveMigrate", "False"),
                vmi("a-gpu", "cordoned", "LiveMigrate", "False"), vmi("web", "cordoned", "LiveMigrate", "True"),
                vmi("db", "tainted", "LiveMigrate", "False"), vmi("sap", "mco", "LiveMigrate", "False"),
                vmi("idle-gpu", "idle", "LiveMigrate", "False"), vmi("done-gpu", "mco-done", "LiveMigrate", "False"));
        List<DrainBlockers> found = DrainBlockers.find(nodes, vmis, "kubevirt.io/drain", "None");
        assertThat(found).extracting(DrainBlockers::node).containsExactly("cordoned", "mco", "tainted");
        assertThat(found.get(0).vmis()).extracting(VirtualMachineInstance::name).containsExactly("a-gpu", "z-gpu");
        assertThat(found.get(0).mark()).isEqualTo("node cordoned is cordoned (spec.unschedulable)");
        assertThat(found.get(1).mark()).isEqualTo("node mco is being drained: the MachineConfig operator is updating it to"
                + " rendered-worker-2 (from rendered-worker-1)");
        assertThat(found.get(2).mark()).isEqualTo("node tainted carries KubeVirt's drain taint kubevirt.io/drain");
    }
}

package io.remediator.runbook;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.remediator.kubevirt.KubeVirtApi;
import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The runbook's diagnosis against objects stored in a real API server. */
@ExtendWith(RealCluster.class)
class OutdatedVmiWorkloadsRunbookTest {
    private TestCluster cluster;

    @BeforeEach
    void clean(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    private OutdatedWorkloadsDiagnosis diagnose(int pageSize) {
        return new OutdatedVmiWorkloadsRunbook(new KubeVirtApi(cluster.client(), pageSize)).diagnose();
    }

    @Test
    void listsOnlyLabelledVmisAcrossNamespacesWithTheirMigratability() {
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate", "Evict"), 5, "2m"));
        cluster.create(vmi("team-a", "db-1").node("worker-1").migratable().build());
        cluster.create(vmi("team-a", "gpu-1").node("worker-2")
                .notMigratable("HostDeviceNotLiveMigratable", "VMI uses a host device").build());
        cluster.create(vmi("team-b", "web-1").node("worker-3")
                .notMigratable("DisksNotLiveMigratable", "PVC web-disk is not shared (ReadWriteOnce)").build());
        cluster.create(vmi("team-b", "fresh-1").outdated(false).migratable().build());
        cluster.create(vmi("team-c", "fresh-2").outdated(false).build());

        OutdatedWorkloadsDiagnosis d = diagnose(500);

        assertThat(d.outdatedVmis())
                .extracting(OutdatedVmi::namespace, OutdatedVmi::name, OutdatedVmi::node, OutdatedVmi::liveMigratable,
                        OutdatedVmi::reason)
                .containsExactly(
                        tuple("team-a", "db-1", "worker-1", true, null),
                        tuple("team-a", "gpu-1", "worker-2", false, "HostDeviceNotLiveMigratable"),
                        tuple("team-b", "web-1", "worker-3", false, "DisksNotLiveMigratable"));
        assertThat(d.kubeVirt()).isEqualTo(new OutdatedWorkloadsDiagnosis.KubeVirtRef("kubevirt", "kubevirt"));
        assertThat(d.workloadUpdateStrategy()).isEqualTo(
                new KubeVirtInstallation.WorkloadUpdateStrategy(List.of("LiveMigrate", "Evict"), 5, "2m"));
        assertThat(d.findings()).anyMatch(f -> f.contains("enabled with LiveMigrate and Evict"))
                .anyMatch(f -> f.startsWith("3 VMI(s)") && f.contains("2 of them cannot live-migrate"));
    }

    @Test
    void kubeVirtWithoutWorkloadUpdateStrategyIsReportedAsUpdatesDisabled() {
        cluster.create(kubeVirt("kubevirt", null, null, null));
        cluster.create(vmi("team-a", "vm-1").migratable().build());

        OutdatedWorkloadsDiagnosis d = diagnose(500);

        assertThat(d.workloadUpdateStrategy()).isNull();
        assertThat(d.kubeVirt()).isNotNull();
        assertThat(d.findings()).anyMatch(f -> f.startsWith("Automated workload updates are not enabled"));
        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name).containsExactly("vm-1");
    }

    @Test
    void noKubeVirtCrAndAVmiWithoutLiveMigratableCondition() {
        cluster.create(vmi("team-a", "starting").build());

        OutdatedWorkloadsDiagnosis d = diagnose(500);

        assertThat(d.kubeVirt()).isNull();
        assertThat(d.workloadUpdateStrategy()).isNull();
        assertThat(d.findings()).anyMatch(f -> f.startsWith("No KubeVirt CR was found"));
        assertThat(d.outdatedVmis()).singleElement()
                .satisfies(v -> assertThat(v.liveMigratable()).isNull());
    }

    @Test
    void readsEveryPageWhenThereAreMoreVmisThanOnePage() {
        for (int i = 0; i < 7; i++) {
            cluster.create(vmi("paged-" + (i % 3), "vmi-" + i).migratable().build());
        }

        OutdatedWorkloadsDiagnosis d = diagnose(2);

        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name)
                .containsExactlyInAnyOrder("vmi-0", "vmi-1", "vmi-2", "vmi-3", "vmi-4", "vmi-5", "vmi-6");
    }
}

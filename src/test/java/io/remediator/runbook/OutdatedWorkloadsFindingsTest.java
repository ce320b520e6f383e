package io.remediator.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.kubevirt.VirtualMachineInstance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure half of the runbook: records in, diagnosis out, no cluster. */
class OutdatedWorkloadsFindingsTest {
    private static KubeVirtInstallation kv(String name, List<String> methods) {
        return new KubeVirtInstallation("kubevirt", name,
                methods == null ? null : new KubeVirtInstallation.WorkloadUpdateStrategy(methods, null, null),
                "Deployed", "v1.6.0", "v1.6.0");
    }

    private static VirtualMachineInstance vmi(String ns, String name, String migratable, String reason) {
        List<VirtualMachineInstance.Condition> conditions = migratable == null ? List.of()
                : List.of(new VirtualMachineInstance.Condition("LiveMigratable", migratable, reason, null));
        return new VirtualMachineInstance(ns, name, "uid-" + name, "Running", "node-1", conditions);
    }

    @Test
    void anEmptyMethodsListMeansUpdatesAreOff() {
        OutdatedWorkloadsDiagnosis d = OutdatedWorkloadsFindings.diagnose(List.of(kv("kubevirt", List.of())), List.of());
        assertThat(d.findings()).first().asString().startsWith("Automated workload updates are not enabled");
        assertThat(d.findings()).last().asString().startsWith("0 VMI(s)");
    }

    @Test
    void severalKubeVirtCrsAreNamedAndTheFirstIsUsed() {
        OutdatedWorkloadsDiagnosis d = OutdatedWorkloadsFindings.diagnose(
                List.of(kv("first", List.of("Evict")), kv("second", null)), List.of());
        assertThat(d.kubeVirt().name()).isEqualTo("first");
        assertThat(d.workloadUpdateStrategy().methods()).containsExactly("Evict");
        assertThat(d.findings()).anyMatch(f -> f.startsWith("2 KubeVirt CRs exist"));
    }

    @Test
    void vmisAreSortedAndTheConditionIsReadLiterally() {
        OutdatedWorkloadsDiagnosis d = OutdatedWorkloadsFindings.diagnose(List.of(kv("kubevirt", List.of("LiveMigrate"))),
                List.of(vmi("b", "z", "False", "DisksNotLiveMigratable"), vmi("a", "y", "True", null),
                        vmi("a", "x", null, null)));
        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name).containsExactly("x", "y", "z");
        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::liveMigratable).containsExactly(null, true, false);
        assertThat(d.findings()).last().asString().isEqualTo(
                "3 VMI(s) run in an outdated virt-launcher pod; 1 of them cannot live-migrate.");
    }
}

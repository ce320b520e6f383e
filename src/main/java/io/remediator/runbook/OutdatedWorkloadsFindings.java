package io.remediator.runbook;

import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.kubevirt.VirtualMachineInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The pure half of the runbook: objects read from the cluster in, diagnosis out. No I/O here, so
 * every branch is testable without a cluster.
 */
public final class OutdatedWorkloadsFindings {
    static final String LIVE_MIGRATABLE = "LiveMigratable";

    private OutdatedWorkloadsFindings() {}

    public static OutdatedWorkloadsDiagnosis diagnose(List<KubeVirtInstallation> kubeVirts,
                                                      List<VirtualMachineInstance> vmis) {
        List<String> findings = new ArrayList<>();
        KubeVirtInstallation kv = null;
        if (kubeVirts.isEmpty()) {
            findings.add("No KubeVirt CR was found: cannot tell whether automated workload updates are enabled.");
        } else {
            kv = kubeVirts.get(0);
            if (kubeVirts.size() > 1) {
                findings.add(kubeVirts.size() + " KubeVirt CRs exist; the strategy of " + kv.namespace() + "/"
                        + kv.name() + " is reported.");
            }
            KubeVirtInstallation.WorkloadUpdateStrategy s = kv.workloadUpdateStrategy();
            if (s == null || s.methods() == null || s.methods().isEmpty()) {
                findings.add("Automated workload updates are not enabled on KubeVirt CR " + kv.namespace() + "/"
                        + kv.name() + ": KubeVirt will not update any of these VMIs by itself.");
            } else {
                findings.add("Automated workload updates are enabled with " + String.join(" and ", s.methods()) + ".");
            }
        }
        List<OutdatedVmi> outdated = vmis.stream()
                .map(OutdatedWorkloadsFindings::outdatedVmi)
                .sorted(Comparator.comparing(OutdatedVmi::namespace).thenComparing(OutdatedVmi::name))
                .toList();
        long notMigratable = outdated.stream().filter(v -> Boolean.FALSE.equals(v.liveMigratable())).count();
        findings.add(outdated.size() + " VMI(s) run in an outdated virt-launcher pod; " + notMigratable
                + " of them cannot live-migrate.");
        return new OutdatedWorkloadsDiagnosis(
                kv == null ? null : new OutdatedWorkloadsDiagnosis.KubeVirtRef(kv.namespace(), kv.name()),
                kv == null ? null : kv.workloadUpdateStrategy(),
                outdated,
                List.copyOf(findings));
    }

    static OutdatedVmi outdatedVmi(VirtualMachineInstance vmi) {
        var condition = vmi.condition(LIVE_MIGRATABLE);
        Boolean migratable = condition.map(c -> "True".equalsIgnoreCase(c.status())).orElse(null);
        return new OutdatedVmi(
                vmi.namespace(),
                vmi.name(),
                vmi.nodeName(),
                vmi.phase(),
                migratable,
                condition.map(VirtualMachineInstance.Condition::reason).orElse(null),
                condition.map(VirtualMachineInstance.Condition::message).orElse(null));
    }
}

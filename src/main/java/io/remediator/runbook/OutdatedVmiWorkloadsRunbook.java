package io.remediator.runbook;

import io.remediator.kubevirt.KubeVirtApi;

/** The runbook for `OutdatedVirtualMachineInstanceWorkloads`: the I/O half, then the pure half. */
public final class OutdatedVmiWorkloadsRunbook implements Runbook {
    public static final String ALERTNAME = "OutdatedVirtualMachineInstanceWorkloads";

    private final KubeVirtApi api;

    public OutdatedVmiWorkloadsRunbook(KubeVirtApi api) {
        this.api = api;
    }

    @Override
    public String alertname() {
        return ALERTNAME;
    }

    @Override
    public OutdatedWorkloadsDiagnosis diagnose() {
        return OutdatedWorkloadsFindings.diagnose(api.kubeVirts(), api.outdatedVmis());
    }
}

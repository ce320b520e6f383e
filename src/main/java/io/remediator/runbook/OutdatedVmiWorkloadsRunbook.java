package io.remediator.runbook;

import io.remediator.kubevirt.KubeVirtInformers;

/** The runbook for `OutdatedVirtualMachineInstanceWorkloads`: read a snapshot, then the pure half. */
public final class OutdatedVmiWorkloadsRunbook implements Runbook {
    public static final String ALERTNAME = "OutdatedVirtualMachineInstanceWorkloads";

    private final KubeVirtInformers cluster;
    private final NamespaceScope scope;
    private final int failedMigrationsBeforeRestart;
    private final String optOutKey;
    private final java.time.Duration dualLauncherGrace;

    public OutdatedVmiWorkloadsRunbook(KubeVirtInformers cluster, NamespaceScope scope, int failedMigrationsBeforeRestart,
                                       String optOutKey) {
        this(cluster, scope, failedMigrationsBeforeRestart, optOutKey, OutdatedWorkloadsFindings.DEFAULT_DUAL_LAUNCHER_GRACE);
    }

    /** @param dualLauncherGrace `dualLauncher.grace` */
    public OutdatedVmiWorkloadsRunbook(KubeVirtInformers cluster, NamespaceScope scope, int failedMigrationsBeforeRestart,
                                       String optOutKey, java.time.Duration dualLauncherGrace) {
        this.dualLauncherGrace = dualLauncherGrace;
        this.cluster = cluster;
        this.scope = scope;
        this.failedMigrationsBeforeRestart = failedMigrationsBeforeRestart;
        this.optOutKey = optOutKey;
    }

    public OutdatedVmiWorkloadsRunbook(KubeVirtInformers cluster, NamespaceScope scope, int failedMigrationsBeforeRestart) {
        this(cluster, scope, failedMigrationsBeforeRestart, null);
    }

    @Override
    public String alertname() {
        return ALERTNAME;
    }

    /** The alert is a label-less cluster aggregate: every outdated VMI is diagnosed, whatever it carries. */
    @Override
    public OutdatedWorkloadsDiagnosis diagnose(java.util.List<java.util.Map<String, String>> firingAlerts) {
        return diagnose();
    }

    public OutdatedWorkloadsDiagnosis diagnose() {
        return OutdatedWorkloadsFindings.diagnose(cluster.snapshot(), scope, failedMigrationsBeforeRestart, optOutKey,
                dualLauncherGrace);
    }
}

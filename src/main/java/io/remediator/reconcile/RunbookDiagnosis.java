package io.remediator.reconcile;

import io.remediator.metrics.RemediatorMetrics;
import io.remediator.runbook.Findings;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.Runbook;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs the runbook of a report's alert, timed and counted. */
final class RunbookDiagnosis {
    private final Map<String, Runbook> runbooks;
    private final RemediatorMetrics metrics;

    RunbookDiagnosis(Map<String, Runbook> runbooks, RemediatorMetrics metrics) {
        this.runbooks = Map.copyOf(runbooks);
        this.metrics = metrics;
    }

    record Diagnosed(Findings diagnosis, long millis) {}

    Diagnosed diagnose(String alertname) {
        return diagnose(alertname, java.util.List.of());
    }

    /** The labels of the report's firing alerts, as a runbook reads them. */
    static java.util.List<Map<String, String>> firing(io.remediator.report.ReportSpec spec) {
        return spec.alerts().stream().filter(io.remediator.report.Alert::firing).map(io.remediator.report.Alert::labels)
                .toList();
    }

    /** What reports of this alert may share: one diagnosis of the cluster, or one per alert set. */
    Object sharedBy(io.remediator.report.ReportSpec spec) {
        Runbook r = runbooks.get(spec.alertname());
        return r != null && r.readsAlerts() ? java.util.List.of(spec.alertname(), firing(spec)) : spec.alertname();
    }

    /** @param firingAlerts the labels of the report's firing alerts */
    Diagnosed diagnose(String alertname, java.util.List<Map<String, String>> firingAlerts) {
        long started = System.nanoTime();
        Findings diagnosis = metrics.timeDiagnosis(alertname, () -> runbooks.get(alertname).diagnose(firingAlerts));
        long millis = (System.nanoTime() - started) / 1_000_000;
        Map<String, Integer> byAction = new LinkedHashMap<>();
        if (diagnosis.recommendedActionCounts() != null) {
            diagnosis.recommendedActionCounts().forEach((a, n) -> byAction.put(a.name(), n));
        }
        metrics.runbookVmis(alertname, byAction);
        // The outdated-workloads runbook's own series, kept under their names for dashboards.
        if (diagnosis instanceof OutdatedWorkloadsDiagnosis outdated) {
            metrics.outdatedVmisFound(outdated.outdatedVmis().size(), byAction);
            metrics.dualLauncherVmis(outdated.dualLaunchers().size());
        }
        return new Diagnosed(diagnosis, millis);
    }
}

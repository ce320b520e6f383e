package io.remediator.reconcile;

import io.remediator.metrics.RemediatorMetrics;
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

    record Diagnosed(OutdatedWorkloadsDiagnosis diagnosis, long millis) {}

    Diagnosed diagnose(String alertname) {
        long started = System.nanoTime();
        OutdatedWorkloadsDiagnosis diagnosis = metrics.timeDiagnosis(alertname, runbooks.get(alertname)::diagnose);
        long millis = (System.nanoTime() - started) / 1_000_000;
        Map<String, Integer> byAction = new LinkedHashMap<>();
        diagnosis.recommendedActionCounts().forEach((a, n) -> byAction.put(a.name(), n));
        metrics.outdatedVmisFound(diagnosis.outdatedVmis().size(), byAction);
        metrics.dualLauncherVmis(diagnosis.dualLaunchers().size());
        return new Diagnosed(diagnosis, millis);
    }
}

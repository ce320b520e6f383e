package io.remediator.runbook;

/**
 * What one alert means and how an expert would diagnose it. A runbook reads the cluster and
 * returns data; it knows nothing of HTTP, reports or notifications.
 */
public interface Runbook {
    /** The `alertname` label this runbook handles. */
    String alertname();

    OutdatedWorkloadsDiagnosis diagnose();
}

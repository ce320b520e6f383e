package io.remediator.runbook;

/**
 * What one alert means and how an expert would diagnose it. A runbook reads the cluster and
 * returns data; it knows nothing of HTTP, reports or notifications.
 */
public interface Runbook {
    /** The `alertname` label this runbook handles. */
    String alertname();

    /**
     * Reads a snapshot and returns what it found; the classification itself is pure.
     *
     * @param firingAlerts the labels of the report's firing alerts: a runbook whose alert names
     *                     one object each (VMCannotBeEvicted) diagnoses those; a cluster-wide
     *                     aggregate's runbook reads the whole cluster and ignores them
     */
    Findings diagnose(java.util.List<java.util.Map<String, String>> firingAlerts);

    /** True when {@link #diagnose} reads the alerts: two reports of its alert then need two diagnoses. */
    default boolean readsAlerts() {
        return false;
    }
}

package io.remediator.report;

/** Where a report's work stands; shown by `kubectl get remediationreports`. */
public enum ReportPhase {
    /** Accepted and stored; no pass has run yet. */
    Received,
    /** A pass planned writes and is executing them. Seen after a restart, it means the pass was cut off. */
    Acting,
    /** A next pass is scheduled: deferred work, or executed actions to follow up. */
    Waiting,
    /** Nothing left to do while the alert fires; a repeat delivery diagnoses again. */
    Done,
    /** The first diagnosis failed (the report says why); a repeat delivery tries again. */
    Failed,
    /** The alert resolved, or a newer episode of its group replaced it: no further passes. */
    Closed;

    /** Unfinished work a new leader must take up. */
    public boolean open() {
        return this == Received || this == Acting || this == Waiting;
    }
}

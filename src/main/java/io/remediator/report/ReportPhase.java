package io.remediator.report;

/** Where a report's work stands; shown by `kubectl get remediationreports`. */
public enum ReportPhase {
    /** Accepted and stored; no pass has run yet. */
    Received,
    /** A pass planned writes and is executing them. Seen after a restart, it means the pass was cut off. */
    Acting,
    /** A next pass is scheduled: deferred work, or executed actions to follow up. */
    Waiting,
    /**
     * The plan's actions wait for a person's approval, and nothing else is due: filterable in the
     * index, and never deleted by retention while the alert fires (redteam-2 N6).
     */
    AwaitingApproval,
    /** Nothing left to do while the alert fires; a repeat delivery diagnoses again. */
    Done,
    /** The first diagnosis failed (the report says why); a repeat delivery tries again. */
    Failed,
    /** The alert resolved, or a newer episode of its group replaced it: no further passes. */
    Closed;

    /** Unfinished work: a pass due or running, or actions waiting for a person. */
    public boolean open() {
        return this == Received || this == Acting || this == Waiting || this == AwaitingApproval;
    }
}

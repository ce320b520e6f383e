package io.remediator.reconcile;

import java.time.Instant;

/** What a stored report needs now: the whole triage's answer, decided without touching anything. */
public sealed interface NextStep {
    /** Close it with this note: no further passes. */
    record Close(String note) implements NextStep {}

    /** Run a pass now, because of this. */
    record RunPass(Reason reason) implements NextStep {}

    /** Nothing now; look again at this time (null: only when the report changes). */
    record WaitUntil(Instant at) implements NextStep {}

    enum Reason {
        /** Never diagnosed. */
        FIRST_PASS,
        /** The process stopped while a pass was executing: the next pass finds out what happened. */
        CUT_OFF,
        /** A delivery since the last pass brought a different alert set (alerts added, gone, resolved, changed). */
        ALERTS_CHANGED,
        /**
         * Alertmanager re-sent the same alert set since the last pass, and that pass is older than
         * diagnosis.repeatPassInterval: the re-send is taken as "look again", at most once per interval.
         */
        REPEAT,
        /** An operator approved something since the last pass. */
        NEW_APPROVAL,
        /** The scheduled next pass is due. */
        SCHEDULED
    }
}

package io.remediator.remediation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a later diagnosis says became of an action executed earlier. Stored and served as one
 * sentence that starts with its state: `in progress: migration Running`, `done: prod/db no longer
 * runs an outdated launcher`.
 *
 * @param detail what the diagnosis shows, or null
 */
public record FollowUp(State state, String detail) {

    public enum State {
        IN_PROGRESS("in progress"),
        DONE("done"),
        FAILED("failed"),
        /** KubeVirt's configuration does not show the change (yet). */
        NOT_IN_EFFECT("not in effect");

        private final String words;

        State(String words) {
            this.words = words;
        }
    }

    /** Still waiting for what the action started to finish. */
    public boolean pending() {
        return state == State.IN_PROGRESS;
    }

    @JsonValue
    @Override
    public String toString() {
        return detail == null ? state.words : state.words + ": " + detail;
    }

    @JsonCreator
    public static FollowUp parse(String text) {
        for (State s : State.values()) {
            if (text.equals(s.words)) {
                return new FollowUp(s, null);
            }
            if (text.startsWith(s.words + ": ")) {
                return new FollowUp(s, text.substring(s.words.length() + 2));
            }
        }
        // Written by a newer version with a state this one does not know: keep the words, wait on it.
        return new FollowUp(State.IN_PROGRESS, text);
    }
}

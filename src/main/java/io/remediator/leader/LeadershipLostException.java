package io.remediator.leader;

/** A replica that no longer leads was about to write: it stops, and the new leader takes the work up. */
public final class LeadershipLostException extends RuntimeException {
    public LeadershipLostException() {
        super("this replica no longer leads; the new leader takes the work up");
    }
}

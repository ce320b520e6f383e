package io.remediator.reconcile;

/**
 * Unwinds a job when this replica stopped leading before a write: nothing more is written, and
 * the new leader picks the report up where its stored status says it stands. Never leaves this package.
 */
final class SteppedDown extends RuntimeException {
    SteppedDown() {
        super("this replica stopped leading; left to the new leader", null, false, false);
    }
}

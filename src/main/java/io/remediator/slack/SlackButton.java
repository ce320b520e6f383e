package io.remediator.slack;

import java.util.Optional;

/**
 * The approve button's protocol, defined once for the message that carries it and the endpoint
 * that receives its click: the action_id, and the value `<report id>|<awaited plan digest>`.
 */
record SlackButton(String reportId, String awaited) {
    /** The approve button's action_id; the interaction endpoint acts on no other. */
    static final String APPROVE_ACTION = "approve_plan";

    /** What the button's value says. */
    String value() {
        return reportId + "|" + awaited;
    }

    /** The button a click's value names, if it is one this service made (a 24-hex plan digest). */
    static Optional<SlackButton> parse(String value) {
        int bar = value == null ? -1 : value.lastIndexOf('|');
        if (bar <= 0) {
            return Optional.empty();
        }
        String awaited = value.substring(bar + 1);
        return awaited.matches("[0-9a-f]{24}") ? Optional.of(new SlackButton(value.substring(0, bar), awaited))
                : Optional.empty();
    }
}

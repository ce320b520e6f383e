package io.remediator.remediation;

import java.util.Locale;

/** How far the policy lets an action go, weakest first: the effective setting is the weaker of mode and action. */
public enum Setting {
    NEVER, REPORT, APPROVE, AUTO;

    static Setting parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    Setting weaker(Setting other) {
        return compareTo(other) <= 0 ? this : other;
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}

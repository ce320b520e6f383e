package io.remediator.logging;

/**
 * A value from a request, made safe to put in a log line: control characters (a forged newline
 * would start a fake log entry) are escaped, and the length is bounded.
 */
public final class LogSafe {
    private static final int MAX = 200;
    private final String text;

    private LogSafe(String text) {
        this.text = text;
    }

    public static LogSafe of(String value) {
        if (value == null) {
            return new LogSafe("null");
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX) + 8);
        for (int i = 0; i < value.length() && out.length() < MAX; i++) {
            char c = value.charAt(i);
            // C0 and C1 controls (NEL, U+0085, ends a line for some readers) and the Unicode line breaks.
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= MAX && value.length() > MAX) {
            out.append("…(").append(value.length()).append(" chars)");
        }
        return new LogSafe(out.toString());
    }

    @Override
    public String toString() {
        return text;
    }
}

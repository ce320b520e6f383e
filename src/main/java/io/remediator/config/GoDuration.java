package io.remediator.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way Kubernetes and KubeVirt write them (Go's time.ParseDuration, as
 * metav1.Duration uses): `1m`, `90s`, `1h30m`, `1m0s`, and Go's own fractional output such as
 * `1.5s` or `250us`.
 */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|\u00b5s|\u03bcs|ms|h|m|s)");

    private static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    private GoDuration() {}

    /** @throws IllegalArgumentException when it is not such a duration */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        Matcher m = PART.matcher(text.trim());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long unitNanos = switch (m.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                case "ms" -> 1_000_000L;
                case "ns" -> 1L;
                default -> 1_000L;
            };
            java.math.BigDecimal nanos = new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(unitNanos));
            try {
                // Go's time.Duration is an int64 of nanoseconds (about 292 years): larger is an error there too.
                total = total.plusNanos(nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact());
                if (total.compareTo(MAX) > 0) {
                    throw new ArithmeticException("over " + MAX);
                }
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("\"" + text + "\" is longer than a duration can be");
            }
            end = m.end();
        }
        if (end != text.trim().length()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration like 1m, 90s or 1h30m");
        }
        return total;
    }

    /** The way the config writes it: `1m`, `1h30m`, `90ms`. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (d.toHours() > 0) {
            out.append(d.toHours()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            out.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            out.append(d.toSecondsPart()).append('s');
        }
        if (d.toMillisPart() > 0) {
            out.append(d.toMillisPart()).append("ms");
        }
        return out.toString();
    }

    /**
     * Binds a config value written as a Go duration to a {@link Duration}, once, when the config is
     * read. Empty means "not set" (null); anything else that is not a duration fails the binding
     * with the key named ({@link ConfigLoader}).
     */
    public static final class Deserializer extends StdScalarDeserializer<Duration> {
        public Deserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null) {
                return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
            }
            if (text.isBlank()) {
                return null;
            }
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                // The loader's problem handler records it with its key and binding goes on, so one
                // start-up names every bad value; without a handler this throws InvalidFormatException.
                return (Duration) ctxt.handleWeirdStringValue(Duration.class, text, e.getMessage());
            }
        }
    }

    /** Writes a {@link Duration} back the way the config takes it (the defaults are merged as a tree). */
    public static final class Serializer extends StdScalarSerializer<Duration> {
        public Serializer() {
            super(Duration.class);
        }

        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(format(value));
        }
    }
}

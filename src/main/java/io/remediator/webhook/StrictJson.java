package io.remediator.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The JSON reader for webhook bodies: what Alertmanager sends, and nothing that only looks like
 * it. Trailing data after the object, a key given twice (which value would win?), and timestamps
 * that are not RFC 3339 strings (`startsAt: 1e300` would silently become 1970) are refused (400).
 */
public final class StrictJson {
    private StrictJson() {}

    public static ObjectMapper forWebhook(ObjectMapper base) {
        ObjectMapper strict = base.copy()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        strict.registerModule(new SimpleModule("rfc3339-only").addDeserializer(Instant.class, new Rfc3339()));
        return strict;
    }

    /** Go's time.Time as Alertmanager writes it: an RFC 3339 string, e.g. `2026-11-23T08:00:00.000Z`. */
    private static final class Rfc3339 extends StdDeserializer<Instant> {
        Rfc3339() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctx.handleUnexpectedToken(Instant.class, p.currentToken(), p,
                        "a time must be an RFC 3339 string, like 2026-11-23T08:00:00Z");
            }
            try {
                return OffsetDateTime.parse(p.getText()).toInstant();
            } catch (DateTimeParseException e) {
                return (Instant) ctx.handleWeirdStringValue(Instant.class, p.getText(), "not an RFC 3339 time");
            }
        }
    }
}

package io.remediator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * Bytes in, one of three answers out: a payload to take, malformed JSON, or a payload that breaks
 * the contract (each problem names its field). Pure, so it is fuzzed on its own: whatever the
 * bytes, it answers, and never throws.
 */
public final class PayloadReader {
    public sealed interface Read {
        record Payload(AlertmanagerPayload payload) implements Read {}

        record Malformed(String why) implements Read {}

        record Invalid(List<String> problems) implements Read {}
    }

    private final ObjectMapper json;

    /** @param json the strict webhook mapper ({@link StrictJson#forWebhook}) */
    public PayloadReader(ObjectMapper json) {
        this.json = json;
    }

    public Read read(byte[] body) {
        AlertmanagerPayload payload;
        try {
            payload = json.readValue(body, AlertmanagerPayload.class);
        } catch (JsonProcessingException e) {
            return new Read.Malformed(e.getOriginalMessage());
        } catch (IOException e) {
            return new Read.Malformed(String.valueOf(e.getMessage()));
        }
        List<String> problems = payload == null ? List.of("body: empty") : PayloadValidation.problems(payload);
        return problems.isEmpty() ? new Read.Payload(payload) : new Read.Invalid(problems);
    }
}

package io.remediator.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One alert of a delivery, as a report stores it. The project's own record, not Alertmanager's
 * wire type: a field Alertmanager adds or renames changes the intake's mapping, never silently the
 * stored schema. (The field names are Alertmanager's, so stored reports read the same as before.)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Alert(
        String status,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> labels,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        String generatorURL,
        String fingerprint) {

    public Alert {
        // Stored without empty maps; read back, "none" is one value, so a repeat still equals.
        labels = labels == null ? Map.of() : labels;
        annotations = annotations == null ? Map.of() : annotations;
    }

    public boolean firing() {
        return "firing".equals(status);
    }
}

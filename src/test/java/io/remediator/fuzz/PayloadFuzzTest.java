package io.remediator.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.remediator.webhook.AlertmanagerPayload;
import io.remediator.webhook.PayloadReader;
import io.remediator.webhook.StrictJson;
import io.remediator.report.RemediationReport;
import io.remediator.report.ReportSpec;
import java.time.Instant;
import java.util.List;

/**
 * Whatever bytes arrive, the webhook's reader answers (a payload, malformed, or invalid with its
 * problems) and never throws; a payload it takes becomes a work item that serializes. Under
 * `mvn test` this replays the seeds in `PayloadFuzzTestInputs/`; `scripts/fuzz` (and a bounded run
 * in `scripts/test`) fuzzes it with Jazzer.
 */
class PayloadFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final PayloadReader READER = new PayloadReader(StrictJson.forWebhook(JSON));

    /** What the report store writes with: the typed client's own serialization (fabric8's). */
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization STORE =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    @FuzzTest(maxDuration = "20s")
    void theReaderAlwaysAnswersAndWhatItTakesCanBeStored(byte[] body) throws Exception {
        PayloadReader.Read read = READER.read(body);
        if (read instanceof PayloadReader.Read.Malformed m) {
            assertThat(m.why()).isNotBlank();
        } else if (read instanceof PayloadReader.Read.Invalid invalid) {
            assertThat(invalid.problems()).isNotEmpty().allSatisfy(problem -> assertThat(problem).isNotBlank());
        } else {
            PayloadReader.Read.Payload ok = (PayloadReader.Read.Payload) read;
            AlertmanagerPayload p = ok.payload();
            ReportSpec item = ReportSpec.delivered(Instant.EPOCH, "OutdatedVirtualMachineInstanceWorkloads",
                    p.alerts().stream().map(io.remediator.webhook.AlertIntake::stored).toList(), p.groupKey(),
                    p.receiver(), p.externalURL(), p.truncatedAlerts() == null ? 0 : p.truncatedAlerts());
            // A Kubernetes object name, whatever the group key.
            assertThat(item.id()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(253);
            // Stored as the store stores it, and read back the same: nothing acknowledged is lost.
            RemediationReport object = new RemediationReport();
            object.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(item.id()).build());
            object.setSpec(item);
            RemediationReport back = STORE.unmarshal(STORE.asJson(object), RemediationReport.class);
            assertThat(back.getSpec()).isEqualTo(item);
        }
    }
}

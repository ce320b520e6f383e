package io.remediator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.remediator.testing.Payloads;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sample payload (README, demo, benchmarks) and the tests' payloads look like a real firing of
 * KubeVirt's own rule: its labels and annotations, the series labels Prometheus adds, its expression.
 */
class SampleAlertTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What every real alert carries besides the rule's labels: the scrape target of the virt-controller leader. */
    private static final Set<String> SERIES_LABELS = Set.of("namespace", "pod", "container", "endpoint", "service",
            "job", "instance");

    private static JsonNode rule() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(SampleAlertTest.class.getResourceAsStream("/kubevirt/kubevirt-alert-rule.yaml"));
        return rules.get("spec").get("groups").get(0).get("rules").get(0);
    }

    private static void assertShapedLikeKubeVirtsRule(JsonNode payload) throws IOException {
        JsonNode rule = rule();
        JsonNode alert = payload.get("alerts").get(0);
        assertThat(alert.get("labels").get("alertname").asText()).isEqualTo(rule.get("alert").asText());
        rule.get("labels").fields().forEachRemaining(e ->
                assertThat(alert.get("labels").path(e.getKey()).asText()).as(e.getKey()).isEqualTo(e.getValue().asText()));
        rule.get("annotations").fields().forEachRemaining(e ->
                assertThat(alert.get("annotations").path(e.getKey()).asText()).as(e.getKey()).isEqualTo(e.getValue().asText()));
        assertThat(JSON.convertValue(alert.get("labels"), Map.class).keySet()).containsAll(SERIES_LABELS);
        String url = alert.get("generatorURL").asText();
        String expr = URLDecoder.decode(url.substring(url.indexOf("g0.expr=") + 8).split("&")[0], StandardCharsets.UTF_8);
        assertThat(expr).isEqualTo(rule.get("expr").asText());
    }

    @Test
    void theSampleWebhookIsARealFiringOfKubeVirtsRule() throws IOException {
        JsonNode sample = JSON.readTree(Files.readString(Path.of("alertmanager-examples/sample-webhook.json")));

        assertShapedLikeKubeVirtsRule(sample);
        // With one alert in the group, Alertmanager's common sets are that alert's own.
        assertThat(sample.get("commonLabels")).isEqualTo(sample.get("alerts").get(0).get("labels"));
        assertThat(sample.get("commonAnnotations")).isEqualTo(sample.get("alerts").get(0).get("annotations"));
    }

    @Test
    void theTestsPayloadsAreToo() throws IOException {
        assertShapedLikeKubeVirtsRule(JSON.readTree(Payloads.firing()));
    }
}

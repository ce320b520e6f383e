package io.remediator.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The chart as `helm template` renders it (helm-java embeds the real Helm library). */
final class RenderedChart {
    static final Path CHART = Path.of("charts/kubevirt-remediator");
    static final String NAMESPACE = "kubevirt-remediator";
    private static final ObjectMapper YAML = new YAMLMapper();

    private RenderedChart() {}

    static List<JsonNode> render(Map<String, Object> values) {
        var template = new Helm(CHART).template().withName("remediator").withNamespace(NAMESPACE);
        values.forEach(template::set);
        String manifests = template.call();
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(manifests)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    docs.add(d);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
    }
}

package io.remediator.report;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Map;

/**
 * The last published pre-flight, kept in one ConfigMap of the service's namespace (docs/preflight.md,
 * the chart's `preflight.schedule`): `preflight.json` and `preflight.md`, with its time and exit code
 * as annotations, so `kubectl get configmap … -o jsonpath` and a change ticket read the same result.
 * Replaced whole at each publish; a result above ConfigMap's 1 MiB keeps only its Markdown summary.
 */
public final class PreflightResults {
    static final int MAX_BYTES = 900 * 1024;
    /** The ConfigMap's name, in the service's (the reports') namespace. */
    public static final String NAME = "kubevirt-remediator-preflight";
    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    public PreflightResults(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    /** @return where it is kept ("ConfigMap ns/name") */
    public String save(String json, String markdown, Instant generatedAt, int exitCode) {
        boolean whole = json.length() + markdown.length() <= MAX_BYTES;
        Map<String, String> data = whole ? Map.of("preflight.json", json, "preflight.md", markdown)
                : Map.of("preflight.md", markdown.length() <= MAX_BYTES ? markdown : markdown.substring(0, MAX_BYTES));
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).addToLabels("app.kubernetes.io/managed-by", "kubevirt-remediator")
                .addToAnnotations("kubevirt-remediator.io/generated-at", generatedAt.toString())
                .addToAnnotations("kubevirt-remediator.io/exit-code", String.valueOf(exitCode))
                .addToAnnotations("kubevirt-remediator.io/complete", String.valueOf(whole))
                .endMetadata().withData(data).build()).createOr(op -> op.update());
        return "ConfigMap " + namespace + "/" + name;
    }
}

package io.remediator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Plays KubeVirt's virt-api eviction webhook (`virt-launcher-eviction-interceptor.kubevirt.io`)
 * for one namespace: the API server calls it over TLS for every `pods/eviction`, and it answers
 * as KubeVirt does for a VMI whose eviction strategy is LiveMigrate — 429, "Eviction triggered
 * evacuation of VMI" — so the eviction reaches the client the way a real cluster sends it.
 */
public final class KubeVirtEvictionWebhook implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG_NAME = "test-virt-launcher-eviction-interceptor";
    private static final String NAMESPACE_LABEL = "remediator-test/kubevirt-eviction-webhook";

    private final TestCluster cluster;
    private final HttpsServer server;
    /** One entry per call: whether the API server sent it as a dry run. */
    private final List<Boolean> calls = new CopyOnWriteArrayList<>();
    /** The denial KubeVirt sends in the case under test; null lets the eviction through (strategy None). */
    private volatile String denial = EVACUATION;

    /** LiveMigrate (or LiveMigrateIfPossible, or External) on a migratable VMI: pod-eviction-admitter.go:165,182. */
    public static final String EVACUATION = "Eviction triggered evacuation of VMI \"%s/%s\"";
    /** LiveMigrate on a VMI that cannot migrate: pod-eviction-admitter.go:147-150. */
    public static final String NOT_MIGRATABLE = "VMI %s/%s is configured with an eviction strategy but is not live-migratable";
    /** The pod is a migration's target, not on the VMI's node: pod-eviction-admitter.go:169-171. */
    public static final String TARGET_POD = "Eviction request for target Pod %s/%s";

    /** Answer from now on with this denial (a format taking namespace and pod), or allow with null. */
    public void answer(String denialFormat) {
        this.denial = denialFormat;
    }

    private KubeVirtEvictionWebhook(TestCluster cluster, HttpsServer server) {
        this.cluster = cluster;
        this.server = server;
    }

    /** Serves the webhook and registers it for evictions in {@code namespace} (created, labelled). */
    public static KubeVirtEvictionWebhook register(TestCluster cluster, String namespace, Path workDir) {
        try {
            LoopbackTls tls = LoopbackTls.create(workDir, "webhook");
            String certPem = tls.pem();
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls.context()));
            KubeVirtEvictionWebhook webhook = new KubeVirtEvictionWebhook(cluster, server);
            server.createContext("/pod-eviction", exchange -> {
                JsonNode request = JSON.readTree(exchange.getRequestBody()).path("request");
                webhook.calls.add(request.path("dryRun").asBoolean(false));
                String denial = webhook.denial;
                byte[] body = JSON.writeValueAsBytes(Map.of("apiVersion", "admission.k8s.io/v1",
                        "kind", "AdmissionReview", "response", denial == null
                                ? Map.of("uid", request.path("uid").asText(), "allowed", true)
                                : Map.of("uid", request.path("uid").asText(), "allowed", false,
                                "status", Map.of("code", 429, "reason", "TooManyRequests",
                                        "message", denial.formatted(request.path("namespace").asText(),
                                                request.path("name").asText())))));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();

            cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .addToLabels(NAMESPACE_LABEL, "true").endMetadata().build()).createOr(op -> op.update());
            cluster.client().resource("""
                    apiVersion: admissionregistration.k8s.io/v1
                    kind: ValidatingWebhookConfiguration
                    metadata: {name: %s}
                    webhooks:
                    - name: virt-launcher-eviction-interceptor.kubevirt.io
                      admissionReviewVersions: [v1]
                      sideEffects: NoneOnDryRun
                      failurePolicy: Fail
                      timeoutSeconds: 5
                      namespaceSelector: {matchLabels: {%s: "true"}}
                      rules:
                      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods/eviction], scope: Namespaced}
                      clientConfig:
                        url: https://127.0.0.1:%d/pod-eviction
                        caBundle: %s
                    """.formatted(CONFIG_NAME, NAMESPACE_LABEL, server.getAddress().getPort(),
                    Base64.getEncoder().encodeToString(certPem.getBytes(StandardCharsets.UTF_8))))
                    .createOr(op -> op.update());
            return webhook;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Boolean> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        cluster.client().resource("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingWebhookConfiguration
                metadata: {name: %s}
                """.formatted(CONFIG_NAME)).delete();
        server.stop(0);
    }
}

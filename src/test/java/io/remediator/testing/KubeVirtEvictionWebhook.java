package io.remediator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

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

    private KubeVirtEvictionWebhook(TestCluster cluster, HttpsServer server) {
        this.cluster = cluster;
        this.server = server;
    }

    /** Serves the webhook and registers it for evictions in {@code namespace} (created, labelled). */
    public static KubeVirtEvictionWebhook register(TestCluster cluster, String namespace, Path workDir) {
        try {
            Path keystore = workDir.resolve("webhook.p12");
            keytool("-genkeypair", "-alias", "webhook", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
            Path cert = workDir.resolve("webhook.pem");
            keytool("-exportcert", "-rfc", "-alias", "webhook", "-keystore", keystore.toString(),
                    "-storepass", "changeit", "-file", cert.toString());
            String certPem = Files.readString(cert);

            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            KubeVirtEvictionWebhook webhook = new KubeVirtEvictionWebhook(cluster, server);
            server.createContext("/pod-eviction", exchange -> {
                JsonNode request = JSON.readTree(exchange.getRequestBody()).path("request");
                webhook.calls.add(request.path("dryRun").asBoolean(false));
                byte[] body = JSON.writeValueAsBytes(Map.of("apiVersion", "admission.k8s.io/v1",
                        "kind", "AdmissionReview", "response", Map.of(
                                "uid", request.path("uid").asText(), "allowed", false,
                                "status", Map.of("code", 429, "reason", "TooManyRequests",
                                        "message", "Eviction triggered evacuation of VMI \""
                                                + request.path("namespace").asText() + "/"
                                                + request.path("name").asText() + "\""))));
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
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Boolean> calls() {
        return List.copyOf(calls);
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
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

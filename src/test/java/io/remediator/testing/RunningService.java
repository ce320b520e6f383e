package io.remediator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.remediator.RemediatorService;
import io.remediator.config.RemediatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/** The service started in-process on a free port, plus an HTTP client that speaks to it. */
public final class RunningService implements AutoCloseable {
    public static final String TOKEN = "test-token-0123456789";
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private final RemediatorService service;
    private final KubernetesClient client;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private RunningService(RemediatorService service, KubernetesClient client) {
        this.service = service;
        this.client = client;
    }

    public static RunningService start(KubernetesClient client) {
        return start(client, defaultConfig());
    }

    public static RunningService start(KubernetesClient client, RemediatorConfig config) {
        return new RunningService(new RemediatorService(config, client, Clock.systemUTC()).start(), client);
    }

    public static RemediatorConfig defaultConfig() {
        RemediatorConfig d = RemediatorConfig.defaults();
        return new RemediatorConfig(new RemediatorConfig.Server("127.0.0.1", 0),
                new RemediatorConfig.Webhook(TOKEN, null, d.webhook().maxBodyBytes(), d.webhook().queueCapacity()),
                d.diagnosis(), d.reports(), d.policy(), d.api());
    }

    /** The default test config with this remediation policy, and an admin token for approvals. */
    public static RemediatorConfig withPolicy(RemediatorConfig.Policy policy) {
        RemediatorConfig d = defaultConfig();
        return new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(), policy,
                new RemediatorConfig.Api(ADMIN_TOKEN));
    }

    /** Waits until `/readyz` answers 200, i.e. the service sees its Kubernetes API. */
    public RunningService awaitReady() {
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/readyz").statusCode() == 200);
        return this;
    }

    /** The report of the first work item a webhook answer accepted, once the worker has stored it. */
    public JsonNode awaitReport(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = parse(accepted.body()).get("workItems").get(0).asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/reports/" + id).statusCode() == 200);
        return getJson("/api/reports/" + id);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + service.port();
    }

    public HttpResponse<String> postWebhook(String body, String token) {
        return post("/alertmanager/webhook", body, token);
    }

    public HttpResponse<String> post(String path, String body, String token) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return send(req.build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    public JsonNode getJson(String path) {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    public JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        service.close();
        client.close();
    }
}

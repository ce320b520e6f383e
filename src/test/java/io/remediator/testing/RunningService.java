package io.remediator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.RemediatorService;
import io.remediator.config.RemediatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** The service started in-process on a free port, plus an HTTP client that speaks to it. */
public final class RunningService implements AutoCloseable {
    public static final String TOKEN = "test-token-0123456789";
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private final IntSupplier port;
    private final BooleanSupplier leading;
    private final Runnable stop;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private String reportsNamespace;

    private RunningService(IntSupplier port, BooleanSupplier leading, Runnable stop) {
        this.port = port;
        this.leading = leading;
        this.stop = stop;
    }

    /** Where this service keeps its RemediationReports (null for a service in another process). */
    public String reportsNamespace() {
        return reportsNamespace;
    }

    /** A service running elsewhere (another process) on this port; close() stops nothing. */
    public static RunningService at(int port) {
        RunningService[] self = new RunningService[1];
        self[0] = new RunningService(() -> port, () -> {
            HttpResponse<String> r = self[0].get("/readyz");
            return r.statusCode() == 200 && r.body().contains("leads");
        }, () -> {});
        return self[0];
    }

    public static RunningService start(KubernetesClient client) {
        return start(client, defaultConfig());
    }

    public static RunningService start(KubernetesClient client, RemediatorConfig config) {
        reportsNamespace(client, config.reports().namespace());
        RemediatorService service = new RemediatorService(config, client, Clock.systemUTC()).start();
        RunningService running = new RunningService(service::port, service::leading, () -> {
            service.close();
            client.close();
        });
        running.reportsNamespace = config.reports().namespace();
        return running;
    }

    /**
     * The test defaults: a loopback port, the test token, a fast leader election, and a namespace
     * of its own for the reports and the Lease, so that no test takes over another's reports.
     */
    public static RemediatorConfig defaultConfig() {
        RemediatorConfig d = RemediatorConfig.defaults();
        return new RemediatorConfig(new RemediatorConfig.Server("127.0.0.1", 0, new RemediatorConfig.Tls("", "")),
                new RemediatorConfig.Webhook(TOKEN, null, d.webhook().maxBodyBytes(), d.webhook().basicAuth()),
                EVERY_REPEAT_PASSES, withReportsNamespace(d.reports(), freshNamespace()), d.policy(), d.api(), FAST_ELECTION,
                d.publicUrl(), d.slack());
    }

    /**
     * Tests post a repeat to get a fresh pass (after changing the cluster): with 0s, every repeat
     * starts one, as the tests expect. RepeatDeliveryTest checks the shipped default (5m).
     */
    public static final RemediatorConfig.Diagnosis EVERY_REPEAT_PASSES = withRepeatPassInterval(
            RemediatorConfig.defaults().diagnosis(), Duration.ZERO);

    public static RemediatorConfig.Diagnosis withRepeatPassInterval(RemediatorConfig.Diagnosis d, Duration interval) {
        return new RemediatorConfig.Diagnosis(d.pageSize(), d.failedMigrationsBeforeRestart(), d.syncTimeoutSeconds(),
                d.namespaces(), interval);
    }

    public static final RemediatorConfig.LeaderElection FAST_ELECTION =
            new RemediatorConfig.LeaderElection("kubevirt-remediator", "", java.time.Duration.ofSeconds(4),
                    java.time.Duration.ofSeconds(3), java.time.Duration.ofMillis(500));

    public static String freshNamespace() {
        return "reports-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static RemediatorConfig.Reports withReportsNamespace(RemediatorConfig.Reports r, String namespace) {
        return new RemediatorConfig.Reports(namespace, r.maxReports(), r.maxAge(), r.maxObjectBytes(), r.newPerMinute());
    }

    /** The same config with Slack, its links based at https://remediator.example.com. */
    public static RemediatorConfig withSlack(RemediatorConfig d, RemediatorConfig.Slack slack) {
        return new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(), d.policy(), d.api(),
                d.leaderElection(), "https://remediator.example.com", slack);
    }

    /** The default test config with this remediation policy, and an admin token for approvals. */
    public static RemediatorConfig withPolicy(RemediatorConfig.Policy policy) {
        RemediatorConfig d = defaultConfig();
        return new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(), policy,
                new RemediatorConfig.Api(ADMIN_TOKEN, null, null), d.leaderElection(), d.publicUrl(), d.slack());
    }

    /** The same without the drain-blocker watch (a test of the alert's own report on a cordoned node). */
    public static RemediatorConfig withoutDrainWatch(RemediatorConfig c) {
        return new RemediatorConfig(c.server(), c.webhook(), c.diagnosis(), c.reports(), c.policy(), c.api(),
                c.leaderElection(), c.publicUrl(), c.slack(), c.rollout(), c.systemic(), c.dualLauncher(),
                new RemediatorConfig.Vce(c.vce().targetStrategy(), c.vce().autoRestartOnDrain(), false), c.notices());
    }

    /** Creates the reports' namespace where the client may; a restricted client's namespace exists already. */
    private static void reportsNamespace(KubernetesClient client, String name) {
        if (name == null || name.isBlank()) {
            return;
        }
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                    .create();
        } catch (KubernetesClientException e) {
            // Exists already, not allowed, or no API at all: the service itself says what is wrong.
        }
    }

    /** Waits until `/readyz` answers 200, i.e. the service sees its Kubernetes API. */
    public RunningService awaitReady() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get("/readyz").statusCode() == 200);
        return this;
    }

    /**
     * The report of the first work item a webhook answer accepted, once it counts that delivery (a
     * repeat is counted within a second of its answer) and the leader has finished a pass of it.
     */
    public JsonNode awaitReport(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = parse(accepted.body()).get("workItems").get(0).asText();
        Instant sent = lastWebhookSentAt;
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> r = get("/api/reports/" + id);
            return r.statusCode() == 200 && !Instant.parse(parse(r.body()).get("lastDeliveryAt").asText()).isBefore(sent);
        });
        return awaitReport(id);
    }

    /** The report once the leader has finished a pass for its newest delivery (or closed it). */
    public JsonNode awaitReport(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> r = get("/api/reports/" + id);
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode report = parse(r.body());
            String phase = report.get("phase").asText();
            return phase.equals("Closed") || !phase.equals("Received") && !phase.equals("Acting")
                    && report.get("deliveriesHandled").asInt() >= report.get("deliveries").asInt();
        });
        return getJson("/api/reports/" + id);
    }

    /** Waits until this replica holds the leader Lease. */
    public RunningService awaitLeading() {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(leading::getAsBoolean);
        return this;
    }

    public boolean leading() {
        return leading.getAsBoolean();
    }

    public int port() {
        return port.getAsInt();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port.getAsInt();
    }

    /** When the newest webhook post of this test started: its report's lastDeliveryAt is not earlier. */
    private volatile Instant lastWebhookSentAt = Instant.EPOCH;

    public HttpResponse<String> postWebhook(String body, String token) {
        lastWebhookSentAt = Instant.now();
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

    /**
     * Sends only the head of a POST whose Content-Length announces {@code declaredLength} bytes,
     * then reads the answer: a server that refuses by the declared size answers before any body
     * arrives. (Sending a real oversized body races the server's early answer and close against
     * the client's writes, and a reset can swallow the answer.)
     *
     * @return the status line and the body
     */
    public String[] postHeadOnly(String path, long declaredLength, String token) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port.getAsInt())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nAuthorization: Bearer " + token + "\r\n"
                    + "Content-Length: " + declaredLength + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int bodyAt = answer.indexOf("\r\n\r\n");
            return new String[] {answer.substring(0, answer.indexOf("\r\n")),
                    bodyAt < 0 ? "" : answer.substring(bodyAt + 4)};
        } catch (IOException e) {
            throw new AssertionError("POST " + path + " failed", e);
        }
    }

    public HttpResponse<String> get(String path) {
        return get(path, Duration.ofSeconds(10));
    }

    /** A GET that may take this long (a test of memory under load, not of latency). */
    public HttpResponse<String> get(String path, Duration timeout) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(timeout).GET().build());
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
        stop.run();
    }
}

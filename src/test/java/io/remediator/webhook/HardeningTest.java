package io.remediator.webhook;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a hostile or careless request may not do to a replica, on a real API server. */
@ExtendWith(RealCluster.class)
class HardeningTest {
    private RunningService service;

    @BeforeEach
    void start(TestCluster cluster) {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.create(vmi("ns-1", "outdated-1").migratable().build());
        service = RunningService.start(cluster.newClient()).awaitReady();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void anIdThatCannotNameAReportIs404AndNeverReachesTheApi() {
        service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
        // A blank name made fabric8 LIST every report (and then fail, or run out of memory).
        for (String id : List.of("%20", "%09", "UPPER", "a..b", "-x", "x".repeat(254), "a%2Fb")) {
            for (String path : List.of("/api/reports/", "/reports/")) {
                HttpResponse<String> r = service.get(path + id);
                assertThat(r.statusCode()).as(path + id).isEqualTo(404);
                assertThat(r.body()).as(path + id).doesNotContain("https://").doesNotContain("Exception");
            }
        }
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() {
        for (String path : List.of("/reports", "/api/reports", "/healthz", "/metrics", "/no-such-page")) {
            HttpResponse<String> r = service.get(path);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp ->
                    assertThat(csp).contains("default-src 'none'").contains("frame-ancestors 'none'").doesNotContain("script-src"));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
        }
        assertThat(service.get("/api/reports").headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void onlyStrictJsonIsAccepted() {
        String ok = Payloads.firing();
        String trailing = ok + "{\"version\":\"4\"}";
        String duplicate = ok.replaceFirst("\"receiver\":\"kubevirt-remediator\"",
                "\"receiver\":\"kubevirt-remediator\",\"receiver\":\"someone-else\"");
        String numericTime = ok.replace("\"startsAt\":\"2026-11-23T10:00:00.000Z\"", "\"startsAt\":1e300");

        for (String body : List.of(trailing, duplicate, numericTime)) {
            HttpResponse<String> r = service.postWebhook(body, RunningService.TOKEN);
            assertThat(r.statusCode()).as(body.substring(0, 40)).isEqualTo(400);
            assertThat(r.body()).startsWith("{\"error\":\"malformed JSON");
        }
        assertThat(numericTime).contains("1e300");
        assertThat(service.getJson("/api/reports")).isEmpty();
        assertThat(service.postWebhook(ok, RunningService.TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void alertsWithoutARunbookShareOneMetricLabelWhateverTheirNames() {
        for (int i = 0; i < 20; i++) {
            String group = Payloads.group("firing", 0, Payloads.alert("firing", "Random" + i, null));
            assertThat(service.postWebhook(group, RunningService.TOKEN).statusCode()).isEqualTo(200);
        }
        String metrics = service.get("/metrics").body();

        assertThat(metrics).contains("remediator_alerts_received_total{alertname=\"other\",handled=\"false\",status=\"firing\"} 20.0")
                .doesNotContain("Random");
    }

    @Test
    void aDeliveryThatCannotFitInAReportIs413BeforeAnythingIsStored(TestCluster cluster) {
        io.remediator.config.RemediatorConfig d = RunningService.defaultConfig();
        io.remediator.config.RemediatorConfig small = new io.remediator.config.RemediatorConfig(d.server(), d.webhook(),
                d.diagnosis(), new io.remediator.config.RemediatorConfig.Reports(d.reports().namespace(),
                d.reports().maxReports(), d.reports().maxAge(), 20_000, d.reports().newPerMinute()), d.policy(), d.api(), d.leaderElection(), d.publicUrl(),
                d.slack());
        try (RunningService tight = RunningService.start(cluster.newClient(), small).awaitReady()) {
            // Well under webhook.maxBodyBytes as sent, over half of reports.maxObjectBytes as stored.
            String big = Payloads.group("firing", 0, Payloads.alert("firing", Payloads.OUTDATED,
                    "\"note\":\"" + "<&>".repeat(4_000) + "\""));
            HttpResponse<String> r = tight.postWebhook(big, RunningService.TOKEN);

            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("a report takes at most 10000 (reports.maxObjectBytes / 2)");
            assertThat(tight.getJson("/api/reports")).isEmpty();
            assertThat(tight.postWebhook(Payloads.firing(), RunningService.TOKEN).statusCode()).isEqualTo(200);
            // Under the limit counted one byte a character, over it as the API server stores it: Go's
            // encoder writes each of <, > and & as six bytes (redteam-2 D4).
            String escaped = Payloads.group("firing", 0, Payloads.alert("firing", Payloads.OUTDATED,
                    "\"note\":\"" + "<&>".repeat(2_500) + "\""));
            assertThat(escaped.length()).isLessThan(10_000);
            HttpResponse<String> e = tight.postWebhook(escaped,
                    RunningService.TOKEN);
            assertThat(e.statusCode()).as(e.body()).isEqualTo(413);
        }
    }

    @Test
    void retentionRunsWithinSecondsOnceMoreReportsAreStoredThanMaxReports(TestCluster cluster) {
        // redteam-2 N5: reports piled up to 3.7 x maxReports between two sweeps (one minute after a
        // take-over, then every ten).
        io.remediator.config.RemediatorConfig few = keepingAtMost(3, 100);
        cluster.namespace(few.reports().namespace());
        io.remediator.report.ReportStore store = new io.remediator.report.ReportStore(cluster.client(),
                few.reports().namespace(), 1_000_000);
        for (int i = 0; i < 3; i++) {
            store.recordDelivery(io.remediator.report.ReportStoreTestAccess.delivery("{}:{old-" + i + "}", "resolved",
                    java.time.Instant.now().minusSeconds(3_600 - i)));
        }
        try (RunningService capped = RunningService.start(cluster.newClient(), few).awaitReady()) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> capped.getJson("/api/reports").size() == 3);
            for (int i = 0; i < 2; i++) {
                assertThat(capped.postWebhook(Payloads.firing().replace("\"groupKey\":\"{}:", "\"groupKey\":\"{}/n" + i
                        + ":"), RunningService.TOKEN).statusCode()).isEqualTo(200);
            }
            // Five stored, three kept: the two new episodes and the newest old one.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> cluster.client().resources(io.remediator.report.RemediationReport.class)
                            .inNamespace(few.reports().namespace()).list().getItems().size() == 3);
            assertThat(java.util.stream.StreamSupport.stream(capped.getJson("/api/reports").spliterator(), false)
                    .map(r -> r.get("status").asText()).toList()).containsExactlyInAnyOrder("firing", "firing", "resolved");
        }
    }

    @Test
    void newReportsPerMinuteAreCappedWhileRepeatsOfStoredEpisodesAlwaysPass(TestCluster cluster) {
        // redteam-2 W9: the rate is its own setting, not maxReports (which keeps 100 here).
        io.remediator.config.RemediatorConfig few = keepingAtMost(100, 3);
        try (RunningService capped = RunningService.start(cluster.newClient(), few).awaitReady()) {
            List<Integer> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(capped.postWebhook(Payloads.firing().replace("\"groupKey\":\"{}:", "\"groupKey\":\"{}/g" + i + ":"),
                        RunningService.TOKEN).statusCode());
            }
            HttpResponse<String> refused = capped.postWebhook(
                    Payloads.firing().replace("\"groupKey\":\"{}:", "\"groupKey\":\"{}/g9:"), RunningService.TOKEN);
            HttpResponse<String> repeat = capped.postWebhook(
                    Payloads.firing().replace("\"groupKey\":\"{}:", "\"groupKey\":\"{}/g0:"), RunningService.TOKEN);

            assertThat(answers).containsExactly(200, 200, 200, 503, 503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.body()).contains("too many new alert episodes");
            assertThat(repeat.statusCode()).isEqualTo(200);
            assertThat(capped.getJson("/api/reports")).hasSize(3);
        }
    }

    @Test
    void theNewReportCapCountsTheReportsEveryReplicaCreated(TestCluster cluster) {
        // redteam-2 N5: each replica had its own budget, so two replicas created twice as many.
        io.remediator.config.RemediatorConfig few = keepingAtMost(100, 4);
        cluster.namespace(few.reports().namespace());
        try (RunningService a = RunningService.start(cluster.newClient(), few).awaitReady();
             RunningService b = RunningService.start(cluster.newClient(), few).awaitReady()) {
            List<Integer> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                RunningService to = i % 2 == 0 ? a : b;
                answers.add(to.postWebhook(Payloads.firing().replace("\"groupKey\":\"{}:", "\"groupKey\":\"{}/c" + i + ":"),
                        RunningService.TOKEN).statusCode());
                int stored = (int) answers.stream().filter(c -> c == 200).count();
                // Both watches have seen every report before the next delivery.
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                        .until(() -> a.getJson("/api/reports").size() == stored && b.getJson("/api/reports").size() == stored);
            }
            assertThat(answers).containsExactly(200, 200, 200, 200, 503, 503);
            assertThat(cluster.client().resources(io.remediator.report.RemediationReport.class)
                    .inNamespace(few.reports().namespace()).list().getItems()).hasSize(4);
        }
    }

    @Test
    void withAReadTokenReportsAreClosedToEveryoneWithoutIt(TestCluster cluster) throws Exception {
        io.remediator.config.RemediatorConfig d = RunningService.defaultConfig();
        String read = "read-token-0123456789";
        io.remediator.config.RemediatorConfig closed = new io.remediator.config.RemediatorConfig(d.server(), d.webhook(),
                d.diagnosis(), d.reports(), d.policy(),
                new io.remediator.config.RemediatorConfig.Api(RunningService.ADMIN_TOKEN, read, null), d.leaderElection(),
                d.publicUrl(), d.slack());
        try (RunningService service = RunningService.start(cluster.newClient(), closed).awaitReady()) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (String path : List.of("/reports", "/api/reports", "/api/reports/some-id", "/reports/some-id")) {
                assertThat(service.get(path).statusCode()).as(path).isEqualTo(401);
                for (String token : List.of(read, RunningService.ADMIN_TOKEN)) {
                    int code = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl() + path))
                            .header("Authorization", "Bearer " + token).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
                    assertThat(code).as(path).isIn(200, 404);
                }
            }
            assertThat(service.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(service.postWebhook(Payloads.firing(), RunningService.TOKEN).statusCode()).isEqualTo(200);

            // redteam-2 W6: a browser (the Slack link) is sent to /login and back, with a session
            // cookie that is not the token.
            java.net.http.HttpResponse<String> browser = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(service.baseUrl() + "/reports/some-id?page=2")).header("Accept", "text/html").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(browser.statusCode()).isEqualTo(303);
            assertThat(browser.headers().firstValue("Location")).hasValue("/login?next=%2Freports%2Fsome-id%3Fpage%3D2");
            assertThat(service.get("/login?next=%2Freports%2Fsome-id").body()).contains("<form method=\"post\" action=\"/login\"")
                    .contains("value=\"/reports/some-id\"");
            assertThat(login(http, service, "wrong-token-0123456789", "/reports").statusCode()).isEqualTo(401);
            java.net.http.HttpResponse<String> in = login(http, service, read, "/reports/some-id?page=2");
            assertThat(in.statusCode()).isEqualTo(303);
            assertThat(in.headers().firstValue("Location")).hasValue("/reports/some-id?page=2");
            String cookie = in.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith("remediator_reader=").contains("HttpOnly").contains("SameSite=Strict")
                    .doesNotContain(read);
            String session = cookie.substring(0, cookie.indexOf(';'));
            for (String path : List.of("/reports", "/api/reports")) {
                assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl() + path))
                        .header("Cookie", session).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode())
                        .as(path).isEqualTo(200);
            }
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl() + "/reports"))
                    .header("Cookie", "remediator_reader=" + "0".repeat(64)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            // Never a way to another site.
            assertThat(login(http, service, read, "//evil.example/x").headers().firstValue("Location")).hasValue("/reports");
            assertThat(login(http, service, read, "https://evil.example/").headers().firstValue("Location")).hasValue("/reports");
            // The session reads; it does not approve.
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl()
                    + "/api/reports/some-id/approve")).header("Cookie", session).POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
    }

    private static java.net.http.HttpResponse<String> login(java.net.http.HttpClient http, RunningService service,
                                                            String token, String next) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token="
                        + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8) + "&next="
                        + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void slowDeliveriesDoNotTakeTheServerFromHealthChecks() throws Exception {
        // Each connection announces a body and trickles one byte: a slowloris on the webhook.
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", service.port());
                s.getOutputStream().write(("POST /alertmanager/webhook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + RunningService.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }
            // The answer must come within the client's 10 s timeout (it took 50 s before the limits).
            for (int i = 0; i < 3; i++) {
                assertThat(service.get("/healthz").statusCode()).isEqualTo(200);
                assertThat(service.get("/readyz").statusCode()).isEqualTo(200);
            }
            assertThat(service.postWebhook(Payloads.firing(), RunningService.TOKEN).statusCode()).isIn(200, 503);
        } finally {
            for (java.net.Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void aBodyTrickledBelowTheMinimumDataRateIs408NotA500() throws Exception {
        // redteam-2 N12: Jetty's data-rate refusal reached Javalin uncaught: 500 and a stack trace each.
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", service.port())) {
            s.setSoTimeout(1_000);
            s.getOutputStream().write(("POST /alertmanager/webhook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + RunningService.TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String statusLine = null;
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            java.io.InputStream in = s.getInputStream();
            StringBuilder answer = new StringBuilder();
            while (statusLine == null && System.nanoTime() < deadline) {
                try {
                    s.getOutputStream().write(' ');
                    s.getOutputStream().flush();
                } catch (java.io.IOException closed) {
                    // the server may close its side once it answered
                }
                try {
                    int b;
                    while ((b = in.read()) != -1 && b != '\n') {
                        answer.append((char) b);
                    }
                    statusLine = answer.toString().trim();
                } catch (java.net.SocketTimeoutException notYet) {
                    // keep trickling
                }
            }
            assertThat(statusLine).as("an answer within 30 s").isNotNull();
            assertThat(statusLine).startsWith("HTTP/1.1 4").doesNotContain("500");
        }
        assertThat(service.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void jettysOwnErrorPagesCarryTheSecurityHeaders() throws Exception {
        // redteam-2 W3: a 400, 414 or 431 Javalin never sees came without them.
        for (String request : List.of(
                "GET /reports?alert=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /reports HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n",
                "GET /reports HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", service.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                StringBuilder read = new StringBuilder();
                java.io.InputStream in = s.getInputStream();
                for (int b; read.indexOf("\r\n\r\n") < 0 && (b = in.read()) != -1; ) {
                    read.append((char) b);
                }
                String head = read.toString();
                assertThat(head).as(head).matches("(?s)HTTP/1.1 4(00|14|31) .*")
                        .contains("X-Content-Type-Options: nosniff").contains("X-Frame-Options: DENY")
                        .contains("Content-Security-Policy: default-src 'none'");
            }
        }
    }

    /** The default configuration with `reports.maxReports` and `reports.newPerMinute` set. */
    static io.remediator.config.RemediatorConfig keepingAtMost(int maxReports, int newPerMinute) {
        io.remediator.config.RemediatorConfig d = RunningService.defaultConfig();
        return new io.remediator.config.RemediatorConfig(d.server(), d.webhook(), d.diagnosis(),
                new io.remediator.config.RemediatorConfig.Reports(d.reports().namespace(), maxReports, d.reports().maxAge(),
                        d.reports().maxObjectBytes(), newPerMinute), d.policy(), d.api(), d.leaderElection(), d.publicUrl(), d.slack());
    }
}

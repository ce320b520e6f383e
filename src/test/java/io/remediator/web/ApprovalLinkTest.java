package io.remediator.web;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.remediator.config.RemediatorConfig;
import io.remediator.approval.ApprovalLinks;
import io.remediator.testing.FakeSlack;
import io.remediator.testing.Payloads;
import io.remediator.testing.Policies;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approval link a Slack message carries: opening it (GET, HEAD, Slack's link expander) approves
 * nothing; the page's POST approves once; used, expired, tampered, other-report and stale links
 * are refused with the codes an operator can tell apart.
 */
@ExtendWith(RealCluster.class)
class ApprovalLinkTest {
    private static final String KEY = "approval-link-key-0123456789abcdef-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private FakeSlack slack;
    private Path dir;

    @BeforeEach
    void start(TestCluster cluster, @TempDir Path dir) throws Exception {
        this.dir = dir;
        aMigrationAndARestartToApprove(cluster);
        slack = new FakeSlack();
    }

    /** Workload updates off: migrating team/db and restarting team/legacy both await approval. */
    static void aMigrationAndARestartToApprove(TestCluster cluster) {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of(), null, null));
        cluster.create(vmi("team", "db").migratable().build());
        cluster.create(vm("team", "legacy", "Always"));
        cluster.create(vmi("team", "legacy").ownedBy("legacy").notMigratable("DisksNotLiveMigratable", "RWO").build());
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    private RemediatorConfig config() throws Exception {
        Path key = Files.writeString(dir.resolve("link-key"), KEY + "\n");
        RemediatorConfig d = RunningService.withPolicy(Policies.mode("approve").restart("approve").batch(0, "1s").build());
        RemediatorConfig.Approval approval = new RemediatorConfig.Approval("link", key.toString(), Duration.ofMinutes(30),
                "X-Forwarded-Email", "EVICT", "", List.of(), "");
        return RunningService.withSlack(d, slack.botConfig(dir, approval));
    }

    private HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
        return http.send(r.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> confirm(RunningService s, String id, String token, String email) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/approvals/" + id))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("t=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        if (email != null) {
            r.header("X-Forwarded-Email", email);
        }
        return send(r);
    }

    /** Blocks as Slack reads them (JSON without Gson's escapes). */
    private static String asRead(String blocks) {
        try {
            return JSON.readTree(blocks).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode report(RunningService s, String id) throws Exception {
        return JSON.readTree(s.get("/api/reports/" + id).body());
    }

    @Test
    void openingTheLinkApprovesNothingAndThePagesPostApprovesOnceAndIsRecorded(TestCluster cluster) throws Exception {
        try (RunningService s = RunningService.start(cluster.newClient(), config()).awaitReady()) {
            JsonNode first = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = first.get("id").asText();
            int pass = first.get("remediation").get("pass").asInt();
            // Its own phase while the plan waits for a person: filterable, and kept by retention.
            assertThat(first.get("phase").asText()).isEqualTo("AwaitingApproval");

            // The Slack message carries the link, for the actions a link may approve.
            String blocks = slack.firstPostedBlocks();
            Matcher m = Pattern.compile("<https://remediator\\.example\\.com(/approvals/[^?]+)\\?t=([^|]+)\\|Review & approve 1 action>")
                    .matcher(blocks);
            assertThat(m.find()).as(blocks).isTrue();
            String path = m.group(1);
            String token = m.group(2);
            URI link = URI.create(s.baseUrl() + path + "?t=" + token);

            HttpResponse<String> page = send(HttpRequest.newBuilder(link).GET());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(page.body()).contains("LIVE_MIGRATE").contains("team/db")
                    .contains("<form method=\"post\"").contains("Approve 1 action(s)");
            // RESTART is more disruptive than slack.approval.maxAction (EVICT): listed, not approvable here.
            assertThat(page.body().substring(page.body().indexOf("id=\"not-here\""))).contains("RESTART")
                    .contains("VirtualMachine team/legacy");
            assertThat(send(HttpRequest.newBuilder(link).method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode())
                    .isEqualTo(405);
            assertThat(send(HttpRequest.newBuilder(link).header("User-Agent",
                    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)").GET()).statusCode()).isEqualTo(200);
            assertThat(report(s, id).get("approvals")).isEmpty();

            // A page elsewhere posting the link through the approver's browser is refused (redteam-2 N11).
            HttpResponse<String> forged = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/approvals/" + id))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Origin", "http://evil.example").header("Sec-Fetch-Site", "cross-site")
                    .POST(HttpRequest.BodyPublishers.ofString("t=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(report(s, id).get("approvals")).isEmpty();

            HttpResponse<String> approved = confirm(s, id, token, "alice@example.com");
            assertThat(approved.statusCode()).isEqualTo(303);
            assertThat(approved.headers().firstValue("Location")).hasValue("/reports/" + id);
            JsonNode given = report(s, id).get("approvals").get(0);
            assertThat(given.get("by").asText()).isEqualTo("alice@example.com");
            assertThat(given.get("via").asText()).isEqualTo("link");
            assertThat(given.get("pass").asInt()).isEqualTo(pass);
            assertThat(given.get("actions")).extracting(JsonNode::asText).containsExactly("LIVE_MIGRATE team/db");
            assertThat(s.get("/reports/" + id).body()).contains("id=\"approval-history\"").contains("alice@example.com");

            HttpResponse<String> again = confirm(s, id, token, "mallory@example.com");
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(report(s, id).get("approvals")).hasSize(1);
            // The approval gets its pass at once.
            await().atMost(Duration.ofSeconds(30)).until(() -> report(s, id).get("remediation").get("pass").asInt() > pass);
        }
    }

    /**
     * docs/owners.md: an owner channel's message carries a link signed for that channel. It approves
     * only for a signed-in person whom Slack knows (by the SSO proxy's e-mail) as one of the
     * channel's namespaces' kubevirt-remediator/approvers, and only those namespaces' actions.
     */
    @Test
    void anOwnerChannelsLinkApprovesOnlyForItsNamespacesApproversAndOnlyTheirActions(TestCluster cluster) throws Exception {
        List<String> owned = List.of("link-pay", "link-shop");
        cluster.namespace("link-pay");
        cluster.namespace("link-shop");
        cluster.client().namespaces().withName("link-pay").edit(n -> new io.fabric8.kubernetes.api.model.NamespaceBuilder(n)
                .editMetadata().withAnnotations(java.util.Map.of(io.remediator.remediation.OwnerAnnotations.SLACK_CHANNEL,
                        "C0PAY00001", io.remediator.remediation.OwnerAnnotations.APPROVERS, "U0PAYAPPR1")).endMetadata().build());
        cluster.client().namespaces().withName("link-shop").edit(n -> new io.fabric8.kubernetes.api.model.NamespaceBuilder(n)
                .editMetadata().withAnnotations(java.util.Map.of(io.remediator.remediation.OwnerAnnotations.SLACK_CHANNEL,
                        "C0SHOP0001", io.remediator.remediation.OwnerAnnotations.APPROVERS, "U0SHOPAPP1")).endMetadata().build());
        cluster.create(vmi("link-pay", "db").migratable().build());
        cluster.create(vmi("link-shop", "web").migratable().build());
        slack.user("alice@pay.example", "U0PAYAPPR1").user("bob@shop.example", "U0SHOPAPP1");
        try (RunningService s = RunningService.start(cluster.newClient(), config()).awaitReady()) {
            String id = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN)).get("id").asText();
            Pattern link = Pattern.compile("<https://remediator\\.example\\.com(/approvals/[^?]+)\\?t=(v3[^|]+)\\|Review & approve 1 action>");
            await().atMost(Duration.ofSeconds(20)).until(() -> slack.calls("chat.postMessage").stream()
                    .anyMatch(c -> "C0PAY00001".equals(c.form().get("channel"))
                            && link.matcher(asRead(c.form().get("blocks"))).find()));
            String blocks = asRead(slack.calls("chat.postMessage").stream()
                    .filter(c -> "C0PAY00001".equals(c.form().get("channel"))).findFirst().orElseThrow().form().get("blocks"));
            Matcher m = link.matcher(blocks);
            assertThat(m.find()).isTrue();
            String token = m.group(2);
            URI page = URI.create(s.baseUrl() + m.group(1) + "?t=" + URLEncoder.encode(token, StandardCharsets.UTF_8));

            // Signed in as pay's approver: the page offers pay's action only.
            HttpResponse<String> shown = send(HttpRequest.newBuilder(page).header("X-Forwarded-Email", "alice@pay.example").GET());
            assertThat(shown.statusCode()).isEqualTo(200);
            assertThat(shown.body()).contains("link-pay/db").doesNotContain("link-shop/web");
            // Not signed in, unknown to Slack, or shop's approver: refused, saying why; nothing approved.
            assertThat(confirm(s, id, token, null).body()).contains("carries no identity");
            HttpResponse<String> stranger = confirm(s, id, token, "mallory@evil.example");
            assertThat(stranger.statusCode()).isEqualTo(403);
            assertThat(stranger.body()).contains("Slack knows no user mallory@evil.example");
            HttpResponse<String> otherTeam = confirm(s, id, token, "bob@shop.example");
            assertThat(otherTeam.statusCode()).isEqualTo(403);
            assertThat(otherTeam.body()).contains("is not among the kubevirt-remediator/approvers");
            assertThat(report(s, id).get("approvals")).isEmpty();
            // A changed channel in the link breaks its signature.
            assertThat(confirm(s, id, token.replace("C0PAY00001", "C0SHOP0001"), "bob@shop.example").statusCode())
                    .isEqualTo(403);

            HttpResponse<String> approved = confirm(s, id, token, "alice@pay.example");
            assertThat(approved.statusCode()).isEqualTo(303);
            JsonNode given = report(s, id).get("approvals").get(0);
            assertThat(given.get("by").asText()).isEqualTo("alice@pay.example (Slack U0PAYAPPR1)");
            assertThat(given.get("actions")).extracting(JsonNode::asText).containsExactly("LIVE_MIGRATE link-pay/db");
        } finally {
            owned.forEach(n -> cluster.client().namespaces().withName(n).edit(ns -> new io.fabric8.kubernetes.api.model
                    .NamespaceBuilder(ns).editMetadata().withAnnotations(java.util.Map.of()).endMetadata().build()));
        }
    }

    @Test
    void aLinkStaysValidAcrossFollowUpPassesWhileTheAwaitedActionsAreUnchanged(TestCluster cluster) throws Exception {
        // redteam-2 N7: a migration KubeVirt runs (deferred, IN_FLIGHT) makes a pass every
        // batchInterval (1 s here), and the link of the pass before went stale at each.
        cluster.create(vmi("team", "web").migratable().build());
        cluster.create(io.remediator.testing.KubeVirtObjects.migration("team", "kubevirt-workload-update-web", "web")
                .phase("Running").build());
        try (RunningService s = RunningService.start(cluster.newClient(), config()).awaitReady()) {
            JsonNode first = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = first.get("id").asText();
            int pass = first.get("remediation").get("pass").asInt();
            Matcher m = Pattern.compile("/approvals/[^?]+\\?t=([^|]+)\\|Review").matcher(slack.firstPostedBlocks());
            assertThat(m.find()).isTrue();
            String token = m.group(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> report(s, id).get("remediation").get("pass").asInt() >= pass + 2);

            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/approvals/" + id + "?t="
                    + token)).GET());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            assertThat(page.body()).contains("LIVE_MIGRATE").contains("team/db");
            HttpResponse<String> approved = confirm(s, id, token, "alice@example.com");
            assertThat(approved.statusCode()).isEqualTo(303);
            assertThat(report(s, id).get("approvals").get(0).get("actions")).extracting(JsonNode::asText)
                    .containsExactly("LIVE_MIGRATE team/db");
        }
    }

    @Test
    void aPlanOfManyActionsTheLinkMayNotApproveMakesASmallPage(TestCluster cluster) throws Exception {
        // redteam-2 N3: the not-approvable list was rendered once per action, N² rows (604 → 41 MB).
        for (int i = 0; i < 70; i++) {
            cluster.create(vm("team", "gpu-" + i, "Always"));
            cluster.create(vmi("team", "gpu-" + i).ownedBy("gpu-" + i).notMigratable("HostDeviceNotLiveMigratable", "GPU")
                    .build());
        }
        try (RunningService s = RunningService.start(cluster.newClient(), config()).awaitReady()) {
            s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            Matcher m = Pattern.compile("<https://remediator\\.example\\.com(/approvals/[^?]+)\\?t=([^|]+)\\|")
                    .matcher(slack.firstPostedBlocks());
            assertThat(m.find()).isTrue();

            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + m.group(1) + "?t="
                    + m.group(2))).GET());

            assertThat(page.statusCode()).isEqualTo(200);
            String notHere = page.body().substring(page.body().indexOf("id=\"not-here\""));
            assertThat(notHere.split("<li", -1).length - 1).isEqualTo(ApprovalPage.MAX_LISTED + 1);
            assertThat(notHere).contains("…and 21 more");
            assertThat(page.body().length()).isLessThan(50_000);
        }
    }

    @Test
    void slowOrLargeBodiesToTheApprovalRouteLeaveHealthAndPagesAnswering(TestCluster cluster) throws Exception {
        // redteam-2 N2: 260 unauthenticated bodies trickled just above Jetty's minimum data rate took every
        // server thread, and /healthz stopped answering.
        try (RunningService s = RunningService.start(cluster.newClient(), config()).awaitReady()) {
            String head = "POST /approvals/some-report HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n";
            // Refused before a byte of the body is read: too large, or no length at all.
            assertThat(rawStatus(s, head + "Content-Length: 10000000\r\n\r\nt=")).isEqualTo(413);
            assertThat(rawStatus(s, head + "Transfer-Encoding: chunked\r\n\r\n2\r\nt=\r\n")).isEqualTo(411);

            List<java.net.Socket> slow = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean trickling = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread trickle = new Thread(() -> {
                byte[] chunk = "a".repeat(600).getBytes(StandardCharsets.US_ASCII);
                long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
                while (trickling.get() && System.nanoTime() < until) {
                    for (java.net.Socket c : slow) {
                        try {
                            c.getOutputStream().write(chunk);
                        } catch (java.io.IOException e) {
                            // answered and closed: fine
                        }
                    }
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                for (int i = 0; i < 260; i++) {
                    java.net.Socket c = new java.net.Socket("127.0.0.1", s.port());
                    c.getOutputStream().write((head + "Content-Length: 8000\r\n\r\nt=")
                            .getBytes(StandardCharsets.US_ASCII));
                    slow.add(c);
                }
                trickle.start();
                for (int i = 0; i < 5; i++) {
                    long started = System.nanoTime();
                    assertThat(s.get("/healthz").statusCode()).isEqualTo(200);
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
                    Thread.sleep(1_000);
                }
            } finally {
                trickling.set(false);
                trickle.join();
                for (java.net.Socket c : slow) {
                    c.close();
                }
            }
        }
    }

    private static int rawStatus(RunningService s, String request) throws Exception {
        try (java.net.Socket c = new java.net.Socket("127.0.0.1", s.port())) {
            c.setSoTimeout(5_000);
            c.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(line.split(" ")[1]);
        }
    }

    @Test
    void tamperedOtherReportExpiredAndStaleLinksChangeNothing(TestCluster cluster) throws Exception {
        try (RunningService s = RunningService.start(cluster.newClient(), config()).awaitReady()) {
            JsonNode first = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = first.get("id").asText();
            String awaited = first.get("remediation").get("awaitedPlan").asText();
            Instant plannedAt = Instant.parse(first.get("remediation").get("at").asText());
            ApprovalLinks links = new ApprovalLinks(List.of(KEY.getBytes(StandardCharsets.UTF_8)), Duration.ofMinutes(30));
            String good = links.token(id, awaited, plannedAt);

            // Without a link signed for this id, nothing tells whether the report exists or what it
            // is about (redteam-2 W7): an existing and a made-up id answer alike.
            HttpResponse<String> garbage = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/approvals/" + id
                    + "?t=garbage")).GET());
            HttpResponse<String> nowhere = send(HttpRequest.newBuilder(URI.create(s.baseUrl()
                    + "/approvals/no-such-report-0123?t=garbage")).GET());
            assertThat(garbage.statusCode()).isEqualTo(403);
            assertThat(nowhere.statusCode()).isEqualTo(403);
            assertThat(garbage.body()).doesNotContain("OutdatedVirtualMachineInstanceWorkloads").doesNotContain("team/db")
                    .isEqualTo(nowhere.body().replace("no-such-report-0123", id));
            String tampered = good.substring(0, good.length() - 2) + (good.endsWith("A") ? "BB" : "AA");
            assertThat(confirm(s, id, tampered, null).statusCode()).isEqualTo(403);
            String otherKey = new ApprovalLinks(List.of("another-key-0123456789abcdefghijkl".getBytes(StandardCharsets.UTF_8)),
                    Duration.ofMinutes(30)).token(id, awaited, plannedAt);
            assertThat(confirm(s, id, otherKey, null).statusCode()).isEqualTo(403);
            assertThat(confirm(s, id, links.token("some-other-report", awaited, plannedAt), null).statusCode()).isEqualTo(403);
            assertThat(confirm(s, id, links.token(id, awaited, Instant.now().minus(Duration.ofHours(1))), null).statusCode())
                    .isEqualTo(410);
            HttpResponse<String> stale = confirm(s, id, links.token(id, "0123456789abcdef01234567", plannedAt), null);
            assertThat(stale.statusCode()).isEqualTo(409);
            assertThat(stale.body()).contains("The plan changed").contains("LIVE_MIGRATE");
            assertThat(stale.body()).doesNotContain("<form");
            assertThat(report(s, id).get("approvals")).isEmpty();
        }
    }
}

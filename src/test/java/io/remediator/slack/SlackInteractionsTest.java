package io.remediator.slack;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.app_backend.SlackSignature;
import io.remediator.config.RemediatorConfig;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Clicks on a report message's approve button, signed as Slack signs them (the SDK's own generator). */
@ExtendWith(RealCluster.class)
class SlackInteractionsTest {
    private static final String SECRET = "slack-signing-secret-0123456789";
    private static final String CHANNEL = "C0123ABCD";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeSlack slack;
    private Path dir;

    @BeforeEach
    void start(TestCluster cluster, @TempDir Path dir) throws Exception {
        this.dir = dir;
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("Evict"), null, null));
        cluster.create(vmi("team", "db").migratable().build());
        slack = new FakeSlack();
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    private RemediatorConfig config() throws Exception {
        Path secret = Files.writeString(dir.resolve("signing-secret"), SECRET);
        RemediatorConfig d = RunningService.withPolicy(Policies.mode("approve").batch(0, "1s").build());
        RemediatorConfig.Approval approval = new RemediatorConfig.Approval("interactive", "", Duration.ofMinutes(30), "",
                "EVICT", secret.toString(), List.of("U0ONCALL"), "");
        return RunningService.withSlack(d, slack.botConfig(dir, approval));
    }

    private static String click(String user, String channel, String ts, String value) {
        String json = """
                {"type":"block_actions","team":{"id":"T000"},"user":{"id":"%s","username":"someone","team_id":"T000"},
                 "api_app_id":"A000","container":{"type":"message","message_ts":"%s","channel_id":"%s","is_ephemeral":false},
                 "channel":{"id":"%s","name":"kubevirt"},"response_url":"https://hooks.slack.com/actions/T000/1/abc",
                 "trigger_id":"1.2.3","actions":[{"type":"button","action_id":"approve_plan","block_id":"approve:x",
                 "value":"%s","action_ts":"1700000100.000200","text":{"type":"plain_text","text":"Approve 1 action"}}]}
                """.formatted(user, ts, channel, channel, value);
        return "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    private int post(RunningService s, String body, long timestamp, String secret) throws Exception {
        String ts = Long.toString(timestamp);
        String sig = new SlackSignature.Generator(secret).generate(ts, body);
        return http.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/slack/interactions"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", ts).header("X-Slack-Signature", sig)
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static JsonNode report(RunningService s, String id) throws Exception {
        return JSON.readTree(s.get("/api/reports/" + id).body());
    }

    @Test
    void onlyASignedFreshClickByAnAllowedUserOnTheReportsOwnMessageApprovesAndOnlyOnce(TestCluster cluster) throws Exception {
        try (RunningService s = RunningService.start(cluster.newClient(), config()).awaitReady()) {
            JsonNode first = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = first.get("id").asText();
            // The button names the awaited actions (redteam-2 N7), not the pass: it works across passes.
            String awaited = first.get("remediation").get("awaitedPlan").asText();
            assertThat(awaited).matches("[0-9a-f]{24}");
            await().atMost(Duration.ofSeconds(20)).until(() -> report(s, id).path("slack").hasNonNull("ts"));
            String ts = report(s, id).get("slack").get("ts").asText();
            String blocks = JSON.readTree(slack.calls("chat.postMessage").get(0).form().get("blocks")).toString();
            assertThat(blocks).contains("\"action_id\":\"approve_plan\"").contains("\"value\":\"" + id + "|" + awaited + "\"");
            String value = id + "|" + awaited;
            // A button of another plan (or an old one naming a pass) approves nothing.
            assertThat(post(s, click("U0ONCALL", CHANNEL, ts, id + "|1"), Instant.now().getEpochSecond(), SECRET))
                    .isEqualTo(200);
            assertThat(post(s, click("U0ONCALL", CHANNEL, ts, id + "|0123456789abcdef01234567"),
                    Instant.now().getEpochSecond(), SECRET)).isEqualTo(200);
            long now = Instant.now().getEpochSecond();

            assertThat(post(s, click("U0ONCALL", CHANNEL, ts, value), now, "not-the-secret-0123456789")).isEqualTo(401);
            assertThat(post(s, click("U0ONCALL", CHANNEL, ts, value), now - 400, SECRET)).isEqualTo(401);
            assertThat(post(s, click("U0ONCALL", CHANNEL, ts, value), now + 400, SECRET)).isEqualTo(401);
            assertThat(post(s, click("U0INTRUDER", CHANNEL, ts, value), now, SECRET)).isEqualTo(200);
            assertThat(post(s, click("U0ONCALL", CHANNEL, "1700000000.999999", value), now, SECRET)).isEqualTo(200);
            assertThat(post(s, click("U0ONCALL", "C0OTHER", ts, value), now, SECRET)).isEqualTo(200);
            // Signed, but not a button click: a view submission or message action never approves (redteam-2 W2).
            String notAClick = click("U0ONCALL", CHANNEL, ts, value).replace(
                    URLEncoder.encode("\"type\":\"block_actions\"", StandardCharsets.UTF_8),
                    URLEncoder.encode("\"type\":\"view_submission\"", StandardCharsets.UTF_8));
            assertThat(notAClick).contains("view_submission");
            assertThat(post(s, notAClick, now, SECRET)).isEqualTo(200);
            // Signed, without the container's channel: answered, nothing approved (it was a 500, redteam-2 N12).
            String noChannel = click("U0ONCALL", CHANNEL, ts, value).replace(
                    URLEncoder.encode("\"channel_id\":\"" + CHANNEL + "\",", StandardCharsets.UTF_8), "");
            assertThat(noChannel).doesNotContain("channel_id");
            assertThat(post(s, noChannel, now, SECRET)).isEqualTo(200);
            assertThat(report(s, id).get("approvals")).isEmpty();

            String valid = click("U0ONCALL", CHANNEL, ts, value);
            assertThat(post(s, valid, now, SECRET)).isEqualTo(200);
            JsonNode given = report(s, id).get("approvals").get(0);
            assertThat(given.get("by").asText()).isEqualTo("slack:U0ONCALL");
            assertThat(given.get("via").asText()).isEqualTo("slack");
            assertThat(given.get("actions")).extracting(JsonNode::asText).containsExactly("LIVE_MIGRATE team/db");

            // Replayed (the same signed request again): approved once, not twice.
            assertThat(post(s, valid, now, SECRET)).isEqualTo(200);
            assertThat(report(s, id).get("approvals")).hasSize(1);
            // The Event on the VMI says who approved it.
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.client().v1().events().inNamespace("team").list()
                    .getItems().stream().anyMatch(e -> "RemediatorLiveMigrate".equals(e.getReason())
                            && e.getMessage().contains("approved by slack:U0ONCALL")));
            // The message says who approved.
            await().atMost(Duration.ofSeconds(30)).until(() -> slack.calls("chat.update").stream()
                    .anyMatch(c -> c.form().getOrDefault("blocks", "").contains("Approved by")));
        }
    }

    /**
     * next-capabilities §5.5 N7, issue 28 item 5: in an owner channel's message only a namespace's own
     * `kubevirt-remediator/approvers` approve, and only that namespace's actions; the platform's
     * allow-list and anyone else approve nothing there.
     */
    @Test
    void inAnOwnerChannelOnlyANamespacesApproversApproveAndOnlyItsActions(TestCluster cluster) throws Exception {
        List<String> namespaces = List.of("own-a", "own-b");
        for (String ns : namespaces) {
            cluster.namespace(ns);
            cluster.client().namespaces().withName(ns).edit(n -> new io.fabric8.kubernetes.api.model.NamespaceBuilder(n)
                    .editMetadata().withAnnotations(java.util.Map.of(
                            io.remediator.remediation.OwnerAnnotations.SLACK_CHANNEL, "C0SHARED01",
                            io.remediator.remediation.OwnerAnnotations.APPROVERS, ns.equals("own-a") ? "U0ALICE01" : "U0BOB0001"))
                    .endMetadata().build());
            cluster.create(vmi(ns, "db").migratable().build());
        }
        try (RunningService s = RunningService.start(cluster.newClient(), config()).awaitReady()) {
            JsonNode first = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = first.get("id").asText();
            String value = id + "|" + first.get("remediation").get("awaitedPlan").asText();
            java.util.function.Supplier<io.remediator.report.SlackPost> owner = () -> cluster.client()
                    .resources(io.remediator.report.RemediationReport.class).inNamespace(s.reportsNamespace()).withName(id)
                    .get().stored().status().ownerSlack().get("C0SHARED01");
            await().atMost(Duration.ofSeconds(20)).until(() -> owner.get() != null && owner.get().ts() != null);
            String ts = owner.get().ts();
            String ownerBlocks = JSON.readTree(slack.calls("chat.postMessage").stream()
                    .filter(c -> "C0SHARED01".equals(c.form().get("channel"))).findFirst().orElseThrow().form()
                    .get("blocks")).toString();
            assertThat(ownerBlocks).contains("\"action_id\":\"approve_plan\"").contains("Approve 2 actions");
            long now = Instant.now().getEpochSecond();
            String respond = slack.apiUrl() + "respond/";
            // The platform's allow-listed on-call, and a stranger, approve nothing in the owner channel; each is told why.
            assertThat(post(s, click("U0ONCALL", "C0SHARED01", ts, value).replace(URLEncoder.encode(
                    "https://hooks.slack.com/actions/T000/1/abc", StandardCharsets.UTF_8), URLEncoder.encode(respond + "oncall",
                    StandardCharsets.UTF_8)), now, SECRET)).isEqualTo(200);
            assertThat(post(s, click("U0MALLORY1", "C0SHARED01", ts, value), now, SECRET)).isEqualTo(200);
            assertThat(report(s, id).get("approvals")).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> !slack.calls("respond/oncall").isEmpty());
            assertThat(JSON.readTree(slack.calls("respond/oncall").get(0).body()).get("text").asText())
                    .isEqualTo("Not approved: in this channel only the kubevirt-remediator/approvers of its namespaces"
                            + " approve, each for their own namespace's actions, and you are not one of them.");
            assertThat(JSON.readTree(slack.calls("respond/oncall").get(0).body()).get("response_type").asText())
                    .isEqualTo("ephemeral");
            // own-a's approver approves own-a's action, and only it.
            assertThat(post(s, click("U0ALICE01", "C0SHARED01", ts, value), now, SECRET)).isEqualTo(200);
            JsonNode given = report(s, id).get("approvals").get(0);
            assertThat(given.get("by").asText()).isEqualTo("slack:U0ALICE01");
            assertThat(given.get("actions")).extracting(JsonNode::asText).containsExactly("LIVE_MIGRATE own-a/db");
            assertThat(SlackInteractions.answerTo(new io.remediator.approval.ApprovalOutcome.Approved(
                    List.of("LIVE_MIGRATE own-a/db")))).isEqualTo("Approved 1 action(s): LIVE_MIGRATE own-a/db. The"
                    + " service runs them under its policy's limits.");
            // Alice's click on the platform message is the platform's business: she is not on its allow-list.
            String platformTs = report(s, id).get("slack").get("ts").asText();
            assertThat(post(s, click("U0ALICE01", CHANNEL, platformTs, value), now, SECRET)).isEqualTo(200);
            assertThat(report(s, id).get("approvals")).hasSize(1);
        } finally {
            namespaces.forEach(ns -> cluster.client().namespaces().withName(ns).edit(n ->
                    new io.fabric8.kubernetes.api.model.NamespaceBuilder(n).editMetadata()
                            .withAnnotations(java.util.Map.of()).endMetadata().build()));
        }
    }
}

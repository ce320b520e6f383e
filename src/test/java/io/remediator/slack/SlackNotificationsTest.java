package io.remediator.slack;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.remediator.config.RemediatorConfig;
import io.remediator.testing.FakeSlack;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One living Slack message per report, against a stand-in for Slack's Web API and a real API server. */
@ExtendWith(RealCluster.class)
class SlackNotificationsTest {
    private static final String CHANNEL = "C0123ABCD";
    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeSlack slack;
    private Path token;

    @BeforeEach
    void start(TestCluster cluster, @TempDir Path dir) throws Exception {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.create(vmi("ns-1", "outdated-1").migratable().build());
        cluster.create(vmi("ns-2", "outdated-2").notMigratable("DisksNotLiveMigratable", "RWO disk").build());
        slack = new FakeSlack();
        token = Files.writeString(dir.resolve("bot-token"), FakeSlack.TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    private RemediatorConfig config(String reportsNamespace) {
        RemediatorConfig d = RunningService.defaultConfig();
        return new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(),
                RunningService.withReportsNamespace(d.reports(), reportsNamespace), d.policy(), d.api(), d.leaderElection(),
                "https://remediator.example.com", new RemediatorConfig.Slack(token.toString(), "", CHANNEL, slack.apiUrl(),
                        RunningService.defaultConfig().slack().approval()));
    }

    private static JsonNode slackOf(RunningService service, String id) throws Exception {
        return JSON.readTree(service.get("/api/reports/" + id).body()).get("slack");
    }

    @Test
    void aReportGetsOneMessageThatLaterChangesUpdateInPlaceAlsoAfterAFailover(TestCluster cluster) throws Exception {
        String ns = RunningService.freshNamespace();
        String id;
        String ts;
        try (RunningService first = RunningService.start(cluster.newClient(), config(ns)).awaitReady()) {
            id = first.awaitReport(first.postWebhook(Payloads.firing(), RunningService.TOKEN)).get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode s = slackOf(first, id);
                return s != null && !s.isNull() && s.hasNonNull("ts");
            });
            ts = slackOf(first, id).get("ts").asText();

            List<FakeSlack.Call> posts = slack.calls("chat.postMessage");
            assertThat(posts).hasSize(1);
            FakeSlack.Call post = posts.get(0);
            assertThat(post.form()).containsEntry("channel", CHANNEL).containsEntry("unfurl_links", "0")
                    .containsEntry("unfurl_media", "0");
            assertThat(post.form().get("text")).contains("https://remediator.example.com/reports/" + id);
            JsonNode blocks = JSON.readTree(post.form().get("blocks"));
            assertThat(blocks.size()).isBetween(3, 50);
            assertThat(blocks.get(0).get("text").get("text").asText()).startsWith("OutdatedVirtualMachineInstanceWorkloads: 2")
                    .hasSizeLessThanOrEqualTo(150);
            // As Slack reads it (the SDK's Gson escapes < and > as \u003c, \u003e in the JSON text).
            assertThat(blocks.toString()).contains("ns-2/outdated-2").contains("STOP")
                    .contains("<https://remediator.example.com/reports/" + id + "|Open report>");
            assertThat(slackOf(first, id).get("channel").asText()).isEqualTo(CHANNEL);
            assertThat(slackOf(first, id).get("lastError").isNull()).isTrue();
        }

        // A new leader finds the stored message and updates it when the report changes: no second post.
        try (RunningService second = RunningService.start(cluster.newClient(), config(ns)).awaitReady()) {
            await().atMost(Duration.ofSeconds(30)).until(second::leading);
            // A repeat delivery: a fresh pass writes a whole new status, which must keep the message.
            second.postWebhook(Payloads.firing(), RunningService.TOKEN);
            // Whichever update shows it (a new leader may also refresh the message once on its own).
            await().atMost(Duration.ofSeconds(30)).until(() -> slack.calls("chat.update").stream()
                    .anyMatch(u -> ts.equals(u.form().get("ts")) && u.form().get("blocks").contains("2 deliveries")));
            int before = slack.calls("chat.update").size();
            second.postWebhook(Payloads.group("resolved", 0, Payloads.alert("resolved", Payloads.OUTDATED, null)),
                    RunningService.TOKEN);
            // One snapshot per look: the notifier may update again while the test reads (one CI run read
            // the list twice in one expression and saw it grow in between).
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<FakeSlack.Call> now = slack.calls("chat.update");
                return now.size() > before && now.get(now.size() - 1).form().get("text").contains("alert resolved");
            });
            assertThat(slack.calls("chat.update"))
                    .allSatisfy(u -> assertThat(u.form()).containsEntry("ts", ts).containsEntry("channel", CHANNEL));
            assertThat(slack.calls("chat.postMessage")).hasSize(1);
        }
    }

    @Test
    void slackRefusingThePostIsShownOnTheReportAndCountedAndTheReportIsNotHeldUp(TestCluster cluster) throws Exception {
        slack.failWith("channel_not_found");
        try (RunningService service = RunningService.start(cluster.newClient(), config(RunningService.freshNamespace()))
                .awaitReady()) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = report.get("id").asText();
            assertThat(report.get("diagnosed").asBoolean()).isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode s = slackOf(service, id);
                return s != null && !s.isNull() && "channel_not_found".equals(s.path("lastError").asText());
            });
            assertThat(slackOf(service, id).get("ts").isNull()).isTrue();
            assertThat(service.get("/metrics").body())
                    .contains("remediator_notifications_total{outcome=\"failed\"} 1.0");
            // Not retried: only an operator can mend a channel that does not exist. Waited past the
            // first retry's time, so a retry would have been seen.
            Thread.sleep(SlackNotifications.BACKOFF.get(0).plusSeconds(1).toMillis());
            assertThat(slack.calls("chat.postMessage")).hasSize(1);
        }
    }

    @Test
    void aPassThatExecutedActionsRepliesInTheMessagesThreadOnce(TestCluster cluster) throws Exception {
        RemediatorConfig d = config(RunningService.freshNamespace());
        RemediatorConfig auto = new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(),
                io.remediator.testing.Policies.mode("auto").build(), d.api(), d.leaderElection(), d.publicUrl(), d.slack());
        cluster.create(vmi("ns-3", "migrate-me").migratable().build());
        // LiveMigrate off in KubeVirt: the service migrates the migratable VMIs itself (auto mode).
        var kubeVirts = cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.KUBEVIRT)
                .inNamespace("kubevirt");
        kubeVirts.withName("kubevirt").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> kubeVirts.withName("kubevirt").get() == null);
        cluster.create(kubeVirt("kubevirt", List.of(), null, null));
        try (RunningService service = RunningService.start(cluster.newClient(), auto).awaitReady()) {
            String id = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN)).get("id").asText();
            // Stored once Slack took the reply (the fake records the call a moment before).
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode stored = slackOf(service, id);
                return stored != null && stored.path("threadedPass").asInt() > 0 && stored.hasNonNull("ts");
            });
            List<FakeSlack.Call> replies = slack.calls("chat.postMessage").stream()
                    .filter(c -> c.form().containsKey("thread_ts")).toList();
            String ts = slackOf(service, id).get("ts").asText();
            assertThat(replies).hasSize(1);
            assertThat(replies.get(0).form()).containsEntry("thread_ts", ts);
            assertThat(replies.get(0).form().get("text")).startsWith("Pass ").contains("LIVE_MIGRATE done");
            assertThat(slackOf(service, id).get("threadedPass").asInt()).isPositive();
        }
    }

    /** About one chat.postMessage a second per channel (Slack's limit): a burst to one channel is spaced, others are not held. */
    @Test
    void postsToOneChannelAreSpacedASecondApartAndOtherChannelsAreNotHeldUp() throws Exception {
        try (SlackChannel channel = SlackChannel.bot(slack.apiUrl(), FakeSlack.TOKEN, CHANNEL)) {
            SlackMessage m = new SlackMessage(List.of(), "paced", "0");
            for (int i = 0; i < 3; i++) {
                assertThat(channel.post("C0PACED001", m)).isInstanceOf(SlackAnswer.Sent.class);
            }
            assertThat(channel.reply("C0PACED001", "1700000000.000001", "a reply")).isInstanceOf(SlackAnswer.Sent.class);
            assertThat(channel.post("C0OTHER001", m)).isInstanceOf(SlackAnswer.Sent.class);
        }
        List<FakeSlack.Call> same = slack.calls("chat.postMessage").stream()
                .filter(c -> "C0PACED001".equals(c.form().get("channel"))).toList();
        assertThat(same).hasSize(4);
        for (int i = 1; i < same.size(); i++) {
            assertThat(Duration.between(same.get(i - 1).at(), same.get(i).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }
        FakeSlack.Call other = slack.calls("chat.postMessage").stream()
                .filter(c -> "C0OTHER001".equals(c.form().get("channel"))).findFirst().orElseThrow();
        assertThat(Duration.between(same.get(same.size() - 1).at(), other.at())).isLessThan(Duration.ofMillis(900));
    }

    @Test
    void aBadTokenIsToldAtStartAndNeverPostsAnything() throws Exception {
        try (SlackChannel channel = SlackChannel.bot(slack.apiUrl(), "xoxb-not-the-token-0123456789", CHANNEL)) {
            assertThat(channel.check()).isEqualTo(new SlackAnswer.Failed("invalid_auth", false));
        }
        try (SlackChannel channel = SlackChannel.bot(slack.apiUrl(), FakeSlack.TOKEN, CHANNEL)) {
            assertThat(channel.check()).isInstanceOf(SlackAnswer.Sent.class);
        }
        assertThat(slack.calls("chat.postMessage")).isEmpty();
    }

    @Test
    void aRateLimitIsHonouredAndTheMessageIsPostedOnceAfterIt(TestCluster cluster) throws Exception {
        slack.rateLimitNext(1);
        try (RunningService service = RunningService.start(cluster.newClient(), config(RunningService.freshNamespace()))
                .awaitReady()) {
            String id = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN)).get("id").asText();

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode s = slackOf(service, id);
                return s != null && s.hasNonNull("ts");
            });
            List<FakeSlack.Call> posts = slack.calls("chat.postMessage");
            assertThat(posts).hasSize(2);
            assertThat(Duration.between(posts.get(0).at(), posts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
            assertThat(service.get("/metrics").body())
                    .contains("remediator_notifications_total{outcome=\"rate_limited\"} 1.0")
                    .contains("remediator_notifications_total{outcome=\"posted\"} 1.0");
        }
    }
}

package io.remediator.slack;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.remediator.config.RemediatorConfig;
import io.remediator.remediation.OwnerAnnotations;
import io.remediator.report.RemediationReport;
import io.remediator.testing.FakeSlack;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owner channels (docs/owners.md; next-capabilities §5.5 N1, N8) with the fake Slack Web API: each
 * namespace's `slack-channel` gets one living message with only its VMIs, namespaces sharing a channel
 * share it, the platform message keeps them all, and past `slack.maxOwnerChannelsPerReport` the rest
 * are summarised.
 */
@ExtendWith(RealCluster.class)
class OwnerChannelsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMESPACES = List.of("own-pay", "own-pay-2", "own-shop", "own-legacy");
    private TestCluster cluster;
    private FakeSlack slack;
    private Path token;

    @BeforeEach
    void start(TestCluster cluster, @TempDir Path dir) throws Exception {
        this.cluster = cluster;
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        namespace("own-pay", "pay", "C0PAY00001");
        namespace("own-pay-2", "pay", "C0PAY00001");
        namespace("own-shop", "shop", "C0SHOP0001");
        namespace("own-legacy", null, null);
        for (String ns : NAMESPACES) {
            cluster.create(vmi(ns, "vm-" + ns).notMigratable("DisksNotLiveMigratable", "RWO disk").build());
        }
        slack = new FakeSlack();
        token = Files.writeString(dir.resolve("bot-token"), FakeSlack.TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        slack.close();
        NAMESPACES.forEach(n -> cluster.client().namespaces().withName(n).edit(ns -> new NamespaceBuilder(ns)
                .editMetadata().withAnnotations(Map.of()).withLabels(Map.of()).endMetadata().build()));
    }

    private void namespace(String name, String owner, String channel) {
        cluster.namespace(name);
        cluster.client().namespaces().withName(name).edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .withLabels(owner == null ? Map.of() : Map.of(OwnerAnnotations.OWNER, owner))
                .withAnnotations(channel == null ? Map.of() : Map.of(OwnerAnnotations.SLACK_CHANNEL, channel))
                .endMetadata().build());
    }

    private RemediatorConfig config(String reportsNamespace, Integer maxOwnerChannels) {
        RemediatorConfig d = RunningService.defaultConfig();
        return new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(),
                RunningService.withReportsNamespace(d.reports(), reportsNamespace), d.policy(), d.api(), d.leaderElection(),
                "https://remediator.example.com", new RemediatorConfig.Slack(token.toString(), "", FakeSlack.CHANNEL,
                slack.apiUrl(), d.slack().approval(), maxOwnerChannels));
    }

    /** Each channel's message as it reads now (its post, or its latest update), as text. */
    private Map<String, String> postedBlocksByChannel() {
        return slack.calls().stream().filter(c -> c.method().equals("chat.postMessage") || c.method().equals("chat.update"))
                .collect(Collectors.toMap(c -> c.form().get("channel"), c -> text(c.form().get("blocks")), (a, b) -> b,
                        java.util.LinkedHashMap::new));
    }

    private static String text(String blocks) {
        try {
            return JSON.readTree(blocks).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void eachOwnerChannelGetsOneMessageWithOnlyItsVmisAndThePlatformKeepsThemAll() throws Exception {
        String ns = RunningService.freshNamespace();
        try (RunningService service = RunningService.start(cluster.newClient(), config(ns, null)).awaitReady()) {
            String id = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN)).get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> postedBlocksByChannel().keySet()
                    .containsAll(Set.of(FakeSlack.CHANNEL, "C0PAY00001", "C0SHOP0001")));
            Map<String, String> posted = postedBlocksByChannel();
            assertThat(posted).containsOnlyKeys(FakeSlack.CHANNEL, "C0PAY00001", "C0SHOP0001");
            // One message per channel: own-pay and own-pay-2 share theirs.
            assertThat(slack.calls("chat.postMessage")).filteredOn(c -> "C0PAY00001".equals(c.form().get("channel")))
                    .hasSize(1);
            assertThat(posted.get("C0PAY00001")).contains("own-pay/vm-own-pay").contains("own-pay-2/vm-own-pay-2")
                    .doesNotContain("own-shop/").doesNotContain("own-legacy/").contains("owner pay")
                    .contains("https://remediator.example.com/reports/" + id + "?namespace=own-pay|own-pay");
            assertThat(posted.get("C0SHOP0001")).contains("own-shop/vm-own-shop").doesNotContain("own-pay/")
                    .contains("STOP: REPORT_ONLY").doesNotContain("own-legacy/");
            // The platform message has the cluster view and says where the owners' went.
            await().atMost(Duration.ofSeconds(10)).until(() -> postedBlocksByChannel().get(FakeSlack.CHANNEL)
                    .contains("2 owner channel(s) have their own message"));
            assertThat(postedBlocksByChannel().get(FakeSlack.CHANNEL)).contains("own-legacy/vm-own-legacy")
                    .contains("own-shop/vm-own-shop");
            var stored = cluster.client().resources(RemediationReport.class).inNamespace(ns).withName(id).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client().resources(RemediationReport.class)
                    .inNamespace(ns).withName(id).get().stored().status().ownerSlack().size() == 2);
            assertThat(stored).isNotNull();
            // The message's link: the report with only that namespace's VMIs and actions (page and JSON).
            var filtered = service.getJson("/api/reports/" + id + "?namespace=own-pay");
            assertThat(filtered.get("outdatedVmis")).extracting(v -> v.get("namespace").asText()).containsOnly("own-pay");
            assertThat(filtered.get("remediation").get("actions")).extracting(a -> a.get("namespace").asText())
                    .containsOnly("own-pay");
            assertThat(filtered.get("outdatedVmiCount").asInt()).isEqualTo(4);
            assertThat(service.get("/reports/" + id + "?namespace=own-shop").body()).contains("vm-own-shop")
                    .doesNotContain("vm-own-pay");
            assertThat(service.get("/api/reports/" + id + "?namespace=Not_A_Namespace").statusCode()).isEqualTo(400);
            // An unchanged report is not sent again to anyone.
            int before = slack.calls().size();
            service.postWebhook(Payloads.firing(), RunningService.TOKEN);
            Thread.sleep(3_000);
            assertThat(slack.calls("chat.postMessage").size()).isEqualTo(3);
            assertThat(slack.calls().size() - before).isLessThanOrEqualTo(3);
        }
    }

    /** The rollout's message in each owner channel: only its namespaces' part, until they are all updated. */
    @Test
    void theRolloutTellsEachOwnerChannelOfItsOwnVmisUntilTheyAreUpdated() throws Exception {
        Instant started = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        writeKubeVirtStatus(kubeVirt("kubevirt").updating("v1.8.4", "v1.9.0", started).build());
        RemediatorConfig c = config(RunningService.freshNamespace(), null);
        RemediatorConfig withRollout = new RemediatorConfig(c.server(), c.webhook(), c.diagnosis(), c.reports(), c.policy(),
                c.api(), c.leaderElection(), c.publicUrl(), c.slack(), new RemediatorConfig.Rollout(Duration.ofSeconds(1),
                Duration.ofMinutes(5), Duration.ofMinutes(15)));
        try (RunningService service = RunningService.start(cluster.newClient(), withRollout).awaitReady()) {
            writeKubeVirtStatus(kubeVirt("kubevirt").deployed("v1.9.0", Instant.now().minusSeconds(5)).build());
            await().atMost(Duration.ofSeconds(30)).until(() -> rolloutTexts("C0PAY00001")
                    .contains("KubeVirt v1.8.4 → v1.9.0: 2 VMIs left in own-pay, own-pay-2")
                    && rolloutTexts("C0SHOP0001").contains("KubeVirt v1.8.4 → v1.9.0: 1 VMI left in own-shop"));
            String pay = postedBlocksByChannel().get("C0PAY00001");
            // Only its VMIs, each one KubeVirt will never move named with why; the other teams' absent.
            assertThat(pay).contains("own-pay/vm-own-pay").contains("own-pay-2/vm-own-pay-2").contains("needs_action: 2")
                    .contains("owner pay").doesNotContain("own-shop/").doesNotContain("own-legacy/")
                    .contains("https://remediator.example.com/rollouts/");
            assertThat(postedBlocksByChannel().get("C0SHOP0001")).contains("own-shop/vm-own-shop")
                    .doesNotContain("own-pay/");
            // The platform keeps the cluster view; own-legacy has no channel and gets nothing of its own.
            await().atMost(Duration.ofSeconds(10)).until(() -> !rolloutTexts(FakeSlack.CHANNEL).isEmpty());
            assertThat(slack.calls("chat.postMessage")).filteredOn(x -> !x.form().containsKey("thread_ts"))
                    .extracting(x -> x.form().get("channel")).containsOnly(FakeSlack.CHANNEL, "C0PAY00001", "C0SHOP0001");
            // Shop's VMI is updated: its message says so, in place; pay's stays as it was.
            int payCalls = rolloutTexts("C0PAY00001").size();
            cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.VMI).inNamespace("own-shop")
                    .withName("vm-own-shop").edit(v -> {
                        v.getMetadata().getLabels().remove("kubevirt.io/outdatedLauncherImage");
                        return v;
                    });
            await().atMost(Duration.ofSeconds(30)).until(() -> slack.calls("chat.update").stream()
                    .anyMatch(x -> "KubeVirt v1.8.4 → v1.9.0: every VMI in own-shop is updated".equals(x.form().get("text"))));
            assertThat(slack.calls("chat.postMessage")).filteredOn(x -> "C0SHOP0001".equals(x.form().get("channel")))
                    .hasSize(1);
            assertThat(rolloutTexts("C0PAY00001")).hasSize(payCalls);
        }
    }

    /** The texts of the rollout messages sent to a channel (posts and updates), in order. */
    private List<String> rolloutTexts(String channel) {
        return slack.calls().stream().filter(x -> x.method().equals("chat.postMessage") || x.method().equals("chat.update"))
                .filter(x -> channel.equals(x.form().get("channel")) && !x.form().containsKey("thread_ts"))
                .map(x -> x.form().getOrDefault("text", "")).filter(t -> t.startsWith("KubeVirt ")).toList();
    }

    private void writeKubeVirtStatus(io.fabric8.kubernetes.api.model.GenericKubernetesResource withStatus) {
        var now = cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.KUBEVIRT)
                .inNamespace("kubevirt").withName("kubevirt").get();
        now.getAdditionalProperties().put("status", withStatus.getAdditionalProperties().get("status"));
        cluster.client().resource(now).updateStatus();
    }

    @Test
    void pastTheLimitTheRestOfTheOwnerChannelsAreSummarisedInThePlatformMessage() throws Exception {
        String ns = RunningService.freshNamespace();
        try (RunningService service = RunningService.start(cluster.newClient(), config(ns, 1)).awaitReady()) {
            service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            await().atMost(Duration.ofSeconds(20)).until(() -> postedBlocksByChannel().size() == 2
                    && postedBlocksByChannel().get(FakeSlack.CHANNEL).contains("owner channel(s)"));
            Thread.sleep(1_500);
            Map<String, String> posted = postedBlocksByChannel();
            assertThat(posted).containsOnlyKeys(FakeSlack.CHANNEL, "C0PAY00001");
            assertThat(posted.get(FakeSlack.CHANNEL)).contains("1 owner channel(s) have their own message; 1 more owner"
                    + " channel(s) got none (slack.maxOwnerChannelsPerReport=1)");
        }
    }

    /**
     * next-capabilities §5.5 N6: a window opening about 75 s after the start and `notify.leadTime: 60s`:
     * the owner channel's thread gets the heads-up (with `slack-mention`) about 60 s before the window,
     * once.
     */
    @Test
    void theOwnerChannelGetsAHeadsUpLeadTimeBeforeItsWindowOnce() throws Exception {
        java.time.ZonedDateTime opening = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(75)
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusMinutes(1);
        java.time.ZonedDateTime closing = opening.plusMinutes(10);
        String day = opening.getDayOfWeek().name().substring(0, 1) + opening.getDayOfWeek().name().substring(1, 3).toLowerCase();
        String window = day + " " + opening.toLocalTime() + "-" + (closing.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)
                ? "24:00" : closing.toLocalTime().toString());
        cluster.client().namespaces().withName("own-pay").edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToAnnotations(OwnerAnnotations.WINDOW, window).addToAnnotations(OwnerAnnotations.TIME_ZONE, "UTC")
                .addToAnnotations(OwnerAnnotations.SLACK_MENTION, "U0PAYLEAD1").endMetadata().build());
        cluster.create(io.remediator.testing.KubeVirtObjects.vm("own-pay", "db", "Always"));
        cluster.create(vmi("own-pay", "db").notMigratable("DisksNotLiveMigratable", "RWO disk").ownedBy("db").build());
        RemediatorConfig d = RunningService.withPolicy(io.remediator.testing.Policies.mode("auto").restart("auto")
                .batch(0, "5s").build());
        RemediatorConfig c = config(RunningService.freshNamespace(), null);
        RemediatorConfig withNotices = new RemediatorConfig(c.server(), c.webhook(), c.diagnosis(), c.reports(), d.policy(),
                c.api(), c.leaderElection(), c.publicUrl(), c.slack(), c.rollout(), c.systemic(), c.dualLauncher(), c.vce(),
                new RemediatorConfig.Notify(Duration.ofSeconds(60)));
        try (RunningService service = RunningService.start(cluster.newClient(), withNotices).awaitReady()) {
            service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).alias("the heads-up reply")
                    .until(() -> threadReplies("C0PAY00001").stream().anyMatch(t -> t.contains("Heads-up")));
            FakeSlack.Call headsUp = slack.calls("chat.postMessage").stream()
                    .filter(call -> "C0PAY00001".equals(call.form().get("channel")) && call.form().get("thread_ts") != null
                            && call.form().get("text").contains("Heads-up")).findFirst().orElseThrow();
            Instant due = opening.toInstant().minusSeconds(60);
            assertThat(headsUp.at()).isBetween(due.minusSeconds(2), due.plusSeconds(10));
            assertThat(headsUp.form().get("text")).contains("1 VM(s) will be acted on when their window opens")
                    .contains("RESTART `own-pay/db`").contains("<@U0PAYLEAD1>").doesNotContain("own-shop");
            // Once: the next passes before the window say nothing more.
            Thread.sleep(3_000);
            assertThat(threadReplies("C0PAY00001")).filteredOn(t -> t.contains("Heads-up")).hasSize(1);
            // The window opens, the restart runs: the thread is told what happened, once, and only
            // of this channel's namespaces (the passes after it carry the action: no second reply).
            await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofMillis(500)).alias("the reply after the restart")
                    .until(() -> threadReplies("C0PAY00001").stream().anyMatch(t -> t.contains("executed:")));
            Thread.sleep(4_000);
            assertThat(threadReplies("C0PAY00001")).filteredOn(t -> t.contains("executed:")).singleElement()
                    .satisfies(t -> assertThat(t).contains("1 × RESTART done").doesNotContain("STOP"));
            assertThat(threadReplies("C0SHOP0001")).noneMatch(t -> t.contains("executed:"));
        }
    }

    private List<String> threadReplies(String channel) {
        return slack.calls("chat.postMessage").stream().filter(c -> channel.equals(c.form().get("channel"))
                && c.form().get("thread_ts") != null).map(c -> c.form().get("text")).toList();
    }
}

package io.remediator.rollout;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.remediator.config.RemediatorConfig;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rollout watch on the real API server with KubeVirt v1.9.0's CRDs; the test plays
 * virt-operator by writing the KubeVirt CR's status and KubeVirt's VMI controller by removing the
 * outdated label (next-capabilities §1.4, the steps this slice covers).
 */
@ExtendWith(RealCluster.class)
class RolloutWatchTest {
    private TestCluster cluster;

    @BeforeEach
    void cluster(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    private void writeStatus(GenericKubernetesResource withStatus) {
        GenericKubernetesResource now = cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT)
                .inNamespace("kubevirt").withName("kubevirt").get();
        now.getAdditionalProperties().put("status", withStatus.getAdditionalProperties().get("status"));
        cluster.client().resource(now).updateStatus();
    }

    private void updated(String namespace, String name) {
        cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace(namespace).withName(name)
                .edit(v -> {
                    v.getMetadata().getLabels().remove("kubevirt.io/outdatedLauncherImage");
                    return v;
                });
    }

    /** KubeVirt moved it: a migration of it succeeded (not the updater's: no ETA sample), and its label went. */
    private void migrated(String namespace, String name) {
        cluster.create(io.remediator.testing.KubeVirtObjects.migration(namespace, "moved-" + name, name)
                .succeeded(Instant.now().minusSeconds(5), 5).build());
        updated(namespace, name);
    }

    private static JsonNode current(RunningService s) {
        var r = s.get("/api/rollouts/current");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return s.getJson("/api/rollouts/current");
    }

    @Test
    void fromTheDeploymentIdTransitionTheRecordFollowsTheStagesKeepsItsT0AndCompletes() {
        Instant started = Instant.now().minus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).migrations(5, 2)
                .updating("v1.8.4", "v1.9.0", started).build());
        for (String name : List.of("a", "b", "c")) {
            cluster.create(vmi("team", name).migratable().build());
        }
        cluster.create(vm("team", "legacy", "Always"));
        cluster.create(vmi("team", "legacy").ownedBy("legacy").notMigratable("DisksNotLiveMigratable", "RWO").build());
        RemediatorConfig config = RunningService.defaultConfig();

        JsonNode first;
        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            assertThat(s.get("/api/rollouts/current").statusCode()).isIn(200, 404);
            // Within seconds of the leader's first look: the update is under way.
            await().atMost(Duration.ofSeconds(20)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                    && "ControlPlaneUpdating".equals(s.getJson("/api/rollouts/current").path("stage").asText()));
            JsonNode updating = current(s);
            assertThat(updating.get("id").asText()).isEqualTo("rollout-v1-9-0-deployv1");
            assertThat(updating.get("fromVersion").asText()).isEqualTo("v1.8.4");
            assertThat(updating.get("toVersion").asText()).isEqualTo("v1.9.0");
            assertThat(updating.get("fromDeploymentID").asText()).isEqualTo("deploy-v1.8.4");
            assertThat(updating.get("toDeploymentID").asText()).isEqualTo("deploy-v1.9.0");
            assertThat(Instant.parse(updating.get("startedAt").asText())).isEqualTo(started);
            assertThat(updating.get("controlPlaneCompletedAt").isNull()).isTrue();
            // Stored with the reports (`kubectl get remediationreports` lists it), not in their index.
            assertThat(cluster.client().genericKubernetesResources(io.remediator.report.ReportStore.KIND)
                    .inNamespace(config.reports().namespace()).withName("rollout-v1-9-0-deployv1").get()).isNotNull();
            assertThat(s.getJson("/api/reports")).isEmpty();

            // virt-operator's write that completes the control plane: T0, seen happening.
            Instant completed = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
            writeStatus(kubeVirt("kubevirt").deployed("v1.9.0", completed).build());
            await().atMost(Duration.ofSeconds(20)).until(() -> "WorkloadsUpdating".equals(current(s).path("stage").asText()));
            first = current(s);
            assertThat(Instant.parse(first.get("controlPlaneCompletedAt").asText())).isEqualTo(completed);
            assertThat(first.get("approximate").asBoolean()).isFalse();
            assertThat(first.get("groups").get("kubevirt_will_update").asInt()).isEqualTo(3);
            assertThat(first.get("groups").get("needs_action").asInt()).isEqualTo(1);
            assertThat(first.get("groups").get("in_flight").asInt()).isZero();
            assertThat(first.get("etaSeconds").isNull()).isTrue();
            assertThat(first.get("etaReason").asText()).isEqualTo("3 completed migrations needed, 0 so far");
            assertThat(first.get("needsAction")).singleElement().satisfies(v -> {
                assertThat(v.get("namespace").asText() + "/" + v.get("name").asText()).isEqualTo("team/legacy");
                assertThat(v.get("branch").asText()).isEqualTo("NOT_MIGRATABLE_NOT_AUTOMATED");
            });
            // The page lists the group needing a person first; every group has its own paged list.
            assertThat(s.get("/rollouts/rollout-v1-9-0-deployv1").body()).contains("VMIs in needs_action")
                    .contains("team/legacy").contains("href=\"/rollouts/rollout-v1-9-0-deployv1?group=kubevirt_will_update\"");
            JsonNode willUpdate = s.getJson("/api/rollouts/rollout-v1-9-0-deployv1/vmis?group=kubevirt_will_update");
            assertThat(willUpdate.get("total").asInt()).isEqualTo(3);
            assertThat(willUpdate.get("vmis")).extracting(v -> v.get("name").asText()).containsExactly("a", "b", "c");
            assertThat(s.get("/api/rollouts/rollout-v1-9-0-deployv1/vmis?group=nope").statusCode()).isEqualTo(400);
            assertThat(s.get("/api/rollouts/rollout-v1-9-0-deployv1/vmis?group=failing&page=0").statusCode()).isEqualTo(400);
            // No node advertises KVM here: the cluster limit alone (5) is the concurrency.
            assertThat(first.get("concurrency").asInt()).isEqualTo(5);
            assertThat(first.get("kvmNodes").asInt()).isZero();

            // A virt-handler restarts on a rebooting node: Progressing flaps, the IDs stay. T0 does not move.
            writeStatus(kubeVirt("kubevirt").deployed("v1.9.0", Instant.now()).build());
            migrated("team", "a");
            await().atMost(Duration.ofSeconds(20)).until(() -> current(s).get("groups").get("kubevirt_will_update").asInt() == 2);
            assertThat(current(s).get("controlPlaneCompletedAt").asText()).isEqualTo(first.get("controlPlaneCompletedAt").asText());
            // The history is written at most every 10 s (RolloutWatch.HISTORY_EVERY), the counts at every look.
            await().atMost(Duration.ofSeconds(15)).until(() -> current(s).get("history").size() >= 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> current(s).get("completed").get("migrated").asInt() == 1);

            // KubeVirt's updater moved five VMIs elsewhere, 40 s each from Scheduling, after T0; one
            // from before T0 (the last rollout's) is no sample. R = 2 left to migrate, c = 5:
            // ceil(2 / 5) × 40 s = 40 s.
            for (int i = 0; i < 5; i++) {
                cluster.create(io.remediator.testing.KubeVirtObjects.migration("other", "kubevirt-workload-update-" + i,
                        "gone-" + i).byWorkloadUpdater().succeeded(completed.plusSeconds(5 + i), 40).build());
            }
            cluster.create(io.remediator.testing.KubeVirtObjects.migration("other", "kubevirt-workload-update-old",
                    "gone-old").byWorkloadUpdater().succeeded(completed.minusSeconds(3_600), 400).build());
            await().atMost(Duration.ofSeconds(20)).until(() -> current(s).get("samples").asInt() == 5);
            // The page: the burn-down drawn on the server as SVG, and still no script (its CSP forbids it).
            var page = s.get("/rollouts/rollout-v1-9-0-deployv1");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<svg id=\"burn-down\"").contains("<polyline").contains("kubevirt_will_update")
                    .contains("KubeVirt v1.8.4 → v1.9.0: WorkloadsUpdating").doesNotContainIgnoringCase("<script");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
            assertThat(s.get("/reports").body()).contains("href=\"/rollouts/rollout-v1-9-0-deployv1\"");
            // The alert, arriving during the rollout: its report links to it.
            JsonNode alert = s.awaitReport(s.postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN));
            assertThat(alert.get("rollout").asText()).isEqualTo("rollout-v1-9-0-deployv1");
            assertThat(s.get("/reports/" + alert.get("id").asText()).body())
                    .contains("href=\"/rollouts/rollout-v1-9-0-deployv1\"");
            JsonNode eta = current(s);
            assertThat(eta.get("medianMigrationSeconds").asLong()).isEqualTo(40);
            assertThat(eta.get("etaSeconds").asLong()).isEqualTo(40);
            assertThat(eta.get("etaMethod").asText()).isEqualTo("model");
            String metrics = s.get("/metrics").body();
            assertThat(metrics).contains("remediator_rollout_active 1.0").contains("remediator_rollout_vmis{group=\"kubevirt_will_update\"} 2.0")
                    .contains("remediator_rollout_vmis{group=\"needs_action\"} 1.0").contains("remediator_rollout_eta_seconds 40.0")
                    .contains("remediator_rollout_control_plane_completed_timestamp_seconds " + (double) completed.getEpochSecond());
        }

        // Another leader (a restart): the same record, the same T0, no second record.
        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> s.get("/api/rollouts").statusCode() == 200
                    && s.getJson("/api/rollouts").size() == 1);
            assertThat(current(s).get("controlPlaneCompletedAt").asText()).isEqualTo(first.get("controlPlaneCompletedAt").asText());
            // This leader has looked (its gauges are set): what leaves from now on is counted by how.
            await().atMost(Duration.ofSeconds(20)).until(() -> s.get("/metrics").body().contains("remediator_rollout_active 1.0"));
            assertThat(current(s).get("completed").get("migrated").asInt()).as("kept across the restart").isEqualTo(1);

            migrated("team", "b");
            migrated("team", "c");
            await().atMost(Duration.ofSeconds(20)).until(() -> "NeedsAction".equals(current(s).path("stage").asText()));
            assertThat(current(s).get("groups").get("needs_action").asInt()).isEqualTo(1);
            assertThat(current(s).get("etaReason").asText()).isEqualTo("KubeVirt will not update these: 1");

            // Its VM (Always) starts it again in a new launcher: the old VMI goes.
            cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("team").withName("legacy").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> "Completed".equals(current(s).path("stage").asText()));
            JsonNode done = current(s).get("completed");
            assertThat(done.get("migrated").asInt()).isEqualTo(3);
            assertThat(done.get("restarted").asInt()).isEqualTo(1);
            assertThat(done.get("evicted").asInt() + done.get("stopped").asInt() + done.get("gone").asInt()).isZero();
            assertThat(s.get("/metrics").body()).contains("remediator_rollout_completed_vmis_total{how=\"migrated\"} 2.0")
                    .contains("remediator_rollout_completed_vmis_total{how=\"restarted\"} 1.0");
            await().atMost(Duration.ofSeconds(10)).until(() -> s.get("/metrics").body().contains("remediator_rollout_active 0.0"));
            assertThat(current(s).get("outdated").asInt()).isZero();
            JsonNode rollout = s.getJson("/api/rollouts/rollout-v1-9-0-deployv1");
            assertThat(rollout.get("stage").asText()).isEqualTo("Completed");
            assertThat(s.get("/api/rollouts/no-such-rollout").statusCode()).isEqualTo(404);
            // No runbook pass ran on it: it carries no remediation.
            JsonNode asReport = s.getJson("/api/reports/rollout-v1-9-0-deployv1");
            assertThat(asReport.path("remediation").isMissingNode() || asReport.path("remediation").isNull()).isTrue();
        }
    }

    private void node(String name, String kvm, boolean cordoned) {
        var node = new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withUnschedulable(cordoned).endSpec().build();
        var created = cluster.client().nodes().resource(node).create();
        created.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .addToAllocatable(io.remediator.kubevirt.ClusterNode.KVM_RESOURCE, new io.fabric8.kubernetes.api.model.Quantity(kvm))
                .build());
        cluster.client().nodes().resource(created).updateStatus();
    }

    @Test
    void theNodesThatAdvertiseKvmBoundHowManyMigrationsTheEtaCountsAtOnce() {
        // Written through nodes/status as virt-handler's device plugin (via the kubelet) does.
        node("kvm-1", "1k", false);
        node("kvm-2", "1k", false);
        node("kvm-cordoned", "1k", true);
        node("no-kvm", "0", false);
        try {
            cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).migrations(5, 2)
                    .deployed("v1.9.0", Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS)).build());
            cluster.create(vmi("team", "a").migratable().build());
            try (RunningService s = RunningService.start(cluster.newClient()).awaitReady()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                        && current(s).path("kvmNodes").asInt() == 2);
                // min(parallelMigrationsPerCluster 5, 2 KVM nodes × parallelOutboundMigrationsPerNode 2)
                assertThat(current(s).get("concurrency").asInt()).isEqualTo(4);
                assertThat(s.get("/rollouts/" + current(s).get("id").asText()).body())
                        .contains("KubeVirt runs 4 migration(s) at once (2 KVM node(s))");
                // A drain cordons one: one node's worth of outbound migrations.
                cluster.client().nodes().withName("kvm-2").edit(n -> {
                    n.getSpec().setUnschedulable(true);
                    return n;
                });
                await().atMost(Duration.ofSeconds(20)).until(() -> current(s).path("concurrency").asInt() == 2);
                assertThat(current(s).get("kvmNodes").asInt()).isEqualTo(1);
            }
        } finally {
            cluster.client().nodes().withName("kvm-1").delete();
            cluster.client().nodes().withName("kvm-2").delete();
            cluster.client().nodes().withName("kvm-cordoned").delete();
            cluster.client().nodes().withName("no-kvm").delete();
        }
    }

    private static JsonNode action(JsonNode report, String vmi) {
        for (JsonNode a : report.path("remediation").path("actions")) {
            if (vmi.equals(a.path("vmi").asText())) {
                return a;
            }
        }
        throw new AssertionError("no action for " + vmi + " in " + report.path("remediation"));
    }

    @Test
    void withRolloutActTheRolloutsOwnReportPlansDisruptionWaitsForActAfterAndTheAlertsReportPlansNothing() {
        Instant t0 = Instant.now().minusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0", t0).build());
        cluster.create(vmi("team", "a").migratable().build());
        cluster.create(vm("team", "legacy", "Always"));
        cluster.create(vmi("team", "legacy").ownedBy("legacy").notMigratable("DisksNotLiveMigratable", "RWO").build());
        RemediatorConfig d = RunningService.withPolicy(io.remediator.testing.Policies.mode("auto").liveMigrate("auto")
                .restart("auto").build());
        RemediatorConfig config = new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(), d.policy(),
                d.api(), d.leaderElection(), d.publicUrl(), d.slack(), new RemediatorConfig.Rollout(Duration.ofSeconds(60),
                Duration.ofMinutes(5), Duration.ofMinutes(15), true, Duration.ofHours(1)));
        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> s.get("/api/rollouts/current").statusCode() == 200);
            String rollout = current(s).get("id").asText();
            // The rollout's own report, in the index like any other, planned under the policy.
            JsonNode acting = s.awaitReport(rollout + "-act");
            JsonNode restart = action(acting, "legacy");
            assertThat(restart.get("action").asText()).isEqualTo("RESTART");
            assertThat(restart.get("decision").asText()).isEqualTo("ROLLOUT_ACT_AFTER");
            assertThat(restart.get("why").asText()).contains(t0.plus(Duration.ofHours(1)).toString());
            assertThat(s.getJson("/api/reports").toString()).contains(rollout + "-act");

            // The alert arrives during the rollout: its report plans nothing of its own.
            JsonNode alert = s.awaitReport(s.postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN));
            assertThat(alert.path("remediation").path("actions")).isNotEmpty().allSatisfy(a -> {
                assertThat(a.get("decision").asText()).isEqualTo("OWNED_BY_ROLLOUT");
                assertThat(a.get("why").asText()).contains(rollout + "-act");
            });
            // Nothing was restarted or migrated by either report.
            assertThat(cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("team")
                    .withName("legacy").get()).isNotNull();
            assertThat(cluster.client().genericKubernetesResources(KubeVirtResources.MIGRATION).inNamespace("team")
                    .list().getItems()).isEmpty();

            // The rollout completes: its report's episode resolves and it closes.
            updated("team", "a");
            updated("team", "legacy");
            await().atMost(Duration.ofSeconds(30)).until(() -> "Completed".equals(current(s).path("stage").asText()));
            await().atMost(Duration.ofSeconds(20)).until(() -> "Closed".equals(s.getJson("/api/reports/" + rollout + "-act")
                    .path("phase").asText()));
        }
    }

    private static int rolloutStatus(RunningService s, java.io.ByteArrayOutputStream out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("status", "--server", s.baseUrl()));
        args.addAll(List.of(more));
        return io.remediator.preflight.RolloutStatusCommand.run(args.toArray(String[]::new),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err,
                Duration.ofMillis(200));
    }

    @Test
    void rolloutStatusSaysWhereTheRolloutStandsAndWatchesItToTheEndLikeKubectl() throws Exception {
        // T0 a minute ago: KubeVirt has moved nothing yet, not long enough to call it stalled (15 min).
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate"))
                .deployed("v1.9.0", Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS)).build());
        cluster.create(vmi("team", "a").migratable().build());
        try (RunningService s = RunningService.start(cluster.newClient()).awaitReady()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                    && current(s).path("outdated").asInt() == 1);
            var once = new java.io.ByteArrayOutputStream();
            assertThat(rolloutStatus(s, once)).as("under way").isEqualTo(2);
            assertThat(once.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .startsWith("KubeVirt v1.9.0: WorkloadsUpdating, 1 outdated VMI(s) left");

            var watched = new java.io.ByteArrayOutputStream();
            var done = java.util.concurrent.CompletableFuture.supplyAsync(() -> rolloutStatus(s, watched, "--watch",
                    "--timeout", "60s"));
            updated("team", "a");
            assertThat(done.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            assertThat(watched.toString(java.nio.charset.StandardCharsets.UTF_8).lines().reduce((x, y) -> y).orElseThrow())
                    .startsWith("KubeVirt v1.9.0: Completed, 0 outdated VMI(s) left");
        }
    }

    @Test
    void withoutAnUpdateThereIsNoRollout() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).build());
        try (RunningService s = RunningService.start(cluster.newClient()).awaitReady()) {
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> s.get("/readyz").body().contains("leads"));
            assertThat(s.get("/api/rollouts/current").statusCode()).isEqualTo(404);
            assertThat(s.getJson("/api/rollouts")).isEmpty();
            var out = new java.io.ByteArrayOutputStream();
            assertThat(rolloutStatus(s, out)).isZero();
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("no KubeVirt update has been seen");
        }
    }

    @Test
    void anUpdateFoundCompletedIsFollowedWithAnApproximateT0OnlyWhileTheAlertCouldNotHaveFiredYet() {
        // The service was down at the transition: T0 is Progressing's stamp, marked approximate.
        Instant t0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0", t0).build());
        cluster.create(vmi("team", "a").migratable().build());
        try (RunningService s = RunningService.start(cluster.newClient()).awaitReady()) {
            // The record is created, then its status written: its first look's counts come a moment later.
            await().atMost(Duration.ofSeconds(20)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                    && current(s).has("groups"));
            JsonNode found = current(s);
            assertThat(Instant.parse(found.get("controlPlaneCompletedAt").asText())).isEqualTo(t0);
            assertThat(found.get("approximate").asBoolean()).isTrue();
            assertThat(found.get("fromVersion").isNull()).as("not seen: unknown").isTrue();
            assertThat(found.get("groups").get("kubevirt_will_update").asInt()).isEqualTo(1);
        }
        // 30 h after T0 the alert has fired (its `for` is 24 h): its report follows the VMIs instead.
        cluster.reset();
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate"))
                .deployed("v1.9.0", Instant.now().minus(Duration.ofHours(30))).build());
        cluster.create(vmi("team", "a").migratable().build());
        try (RunningService s = RunningService.start(cluster.newClient()).awaitReady()) {
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> s.get("/readyz").body().contains("leads"));
            assertThat(s.get("/api/rollouts/current").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theRolloutHasOneLivingSlackMessageUpdatedInPlaceWithAThreadReplyPerStage(@org.junit.jupiter.api.io.TempDir
                                                                                   java.nio.file.Path dir) throws Exception {
        Instant started = Instant.now().minus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).updating("v1.8.4", "v1.9.0", started).build());
        cluster.create(vmi("team", "a").migratable().build());
        cluster.create(vmi("team", "b").migratable().build());
        try (io.remediator.testing.FakeSlack slack = new io.remediator.testing.FakeSlack()) {
            RemediatorConfig d = RunningService.withSlack(RunningService.defaultConfig(), slack.botConfig(dir,
                    new RemediatorConfig.Approval("none", "", Duration.ofMinutes(30), "", "EVICT", "", List.of(), "")));
            RemediatorConfig config = new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(), d.policy(),
                    d.api(), d.leaderElection(), d.publicUrl(), d.slack(), new RemediatorConfig.Rollout(
                    Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(15)));
            try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> posts(slack).stream().anyMatch(c -> c.form()
                        .getOrDefault("text", "").equals("KubeVirt v1.8.4 → v1.9.0: the control plane is updating")));
                writeStatus(kubeVirt("kubevirt").deployed("v1.9.0", Instant.now().minusSeconds(5)).build());
                await().atMost(Duration.ofSeconds(20)).until(() -> slack.calls("chat.update").stream().anyMatch(c -> c.form()
                        .getOrDefault("text", "").equals("KubeVirt v1.8.4 → v1.9.0: 2 of 2 VMIs left")));
                updated("team", "a");
                updated("team", "b");
                await().atMost(Duration.ofSeconds(30)).until(() -> slack.calls("chat.update").stream().anyMatch(c -> c.form()
                        .getOrDefault("text", "").equals("KubeVirt v1.8.4 → v1.9.0: completed, 2 VMIs updated")));
                await().atMost(Duration.ofSeconds(10)).until(() -> replies(slack).stream().anyMatch(c -> c.form()
                        .get("text").equals("Stage: Completed")));
                // One message, updated in place: every update names the first post's ts.
                assertThat(posts(slack)).hasSize(1);
                String ts = slack.calls("chat.update").get(0).form().get("ts");
                assertThat(slack.calls("chat.update")).allSatisfy(c -> assertThat(c.form().get("ts")).isEqualTo(ts));
                assertThat(replies(slack)).allSatisfy(c -> assertThat(c.form().get("thread_ts")).isEqualTo(ts));
                assertThat(replies(slack)).extracting(c -> c.form().get("text")).contains("Stage: WorkloadsUpdating");
                // At most one update a second (rollout.slackMinInterval here).
                List<Instant> at = slack.calls("chat.update").stream().map(io.remediator.testing.FakeSlack.Call::at).toList();
                for (int i = 1; i < at.size(); i++) {
                    assertThat(Duration.between(at.get(i - 1), at.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(900));
                }
            }
        }
    }

    private static List<io.remediator.testing.FakeSlack.Call> posts(io.remediator.testing.FakeSlack slack) {
        return slack.calls("chat.postMessage").stream().filter(c -> !c.form().containsKey("thread_ts")).toList();
    }

    private static List<io.remediator.testing.FakeSlack.Call> replies(io.remediator.testing.FakeSlack slack) {
        return slack.calls("chat.postMessage").stream().filter(c -> c.form().containsKey("thread_ts")).toList();
    }

    @Test
    void anIdChangeThatOutdatesNothingClosesAsNoWorkloadImpactAndANewerTargetSupersedesAnOpenRollout() {
        Instant started = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).updating("v1.9.0", "v1.9.1", started).build());
        RemediatorConfig d = RunningService.defaultConfig();
        RemediatorConfig config = new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(), d.policy(),
                d.api(), d.leaderElection(), d.publicUrl(), d.slack(), new RemediatorConfig.Rollout(Duration.ofSeconds(60),
                Duration.ofSeconds(3), Duration.ofMinutes(15)));
        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> s.get("/api/rollouts/current").statusCode() == 200);
            // A newer target while this one is still updating: superseded, and the next record starts.
            writeStatus(kubeVirt("kubevirt").updating("v1.9.0", "v1.9.2", Instant.now()).build());
            await().atMost(Duration.ofSeconds(20)).until(() -> s.getJson("/api/rollouts").size() == 2);
            assertThat(s.getJson("/api/rollouts/rollout-v1-9-1-deployv1").get("stage").asText()).isEqualTo("Superseded");
            assertThat(current(s).get("id").asText()).isEqualTo("rollout-v1-9-2-deployv1");
            // It completes without any VMI outdated: past rollout.noImpactGrace (3 s here), no workload impact.
            writeStatus(kubeVirt("kubevirt").deployed("v1.9.2", Instant.now()).build());
            await().atMost(Duration.ofSeconds(30)).until(() -> "NoWorkloadImpact".equals(current(s).path("stage").asText()));
            assertThat(current(s).get("outdated").asInt()).isZero();
        }
    }

    @Test
    void aLeaderKilledMidRolloutLeavesTheSameRecordAndT0ToTheNext(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Instant started = Instant.now().minus(Duration.ofMinutes(2)).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).updating("v1.8.4", "v1.9.0", started).build());
        cluster.create(vmi("team", "a").migratable().build());
        String ns = RunningService.freshNamespace();
        cluster.namespace(ns);
        Instant completed;
        try (io.remediator.testing.ServiceProcess first = io.remediator.testing.ServiceProcess.start(dir, "first", cluster,
                ns, "{mode: report}")) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> first.http().get("/api/rollouts/current").statusCode() == 200);
            completed = Instant.now().minusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
            writeStatus(kubeVirt("kubevirt").deployed("v1.9.0", completed).build());
            await().atMost(Duration.ofSeconds(20)).until(() -> "WorkloadsUpdating".equals(
                    first.http().getJson("/api/rollouts/current").path("stage").asText()));
            first.kill();
        }
        // Progressing moves while no replica leads; the next leader must not take that for T0.
        writeStatus(kubeVirt("kubevirt").deployed("v1.9.0", Instant.now()).build());
        try (io.remediator.testing.ServiceProcess next = io.remediator.testing.ServiceProcess.start(dir, "next", cluster,
                ns, "{mode: report}")) {
            next.awaitTakeOver(Duration.ofSeconds(60));
            JsonNode rollout = next.http().getJson("/api/rollouts/current");
            assertThat(rollout.get("id").asText()).isEqualTo("rollout-v1-9-0-deployv1");
            assertThat(Instant.parse(rollout.get("controlPlaneCompletedAt").asText())).isEqualTo(completed);
            assertThat(rollout.get("approximate").asBoolean()).isFalse();
            assertThat(next.http().getJson("/api/rollouts")).hasSize(1);
        }
    }
}

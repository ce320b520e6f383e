package io.remediator.rollout;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.migration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.remediator.config.RemediatorConfig;
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
 * Migration failure signatures on the real API server with KubeVirt v1.9.0's CRDs: the test
 * plays KubeVirt's migration controller by writing failed migrations (their failureReason, an
 * abort request, a FailedMigration Event), next-capabilities §2.6's `systemic` fixture.
 */
@ExtendWith(RealCluster.class)
class SystemicFailuresTest {
    private static final String HT_V18 = "Live migration failed error encountered during MigrateToURI3 libvirt api call:"
            + " virError(Code=9, Domain=31, Message='operation failed: guest CPU doesn't match specification: extra features: ht')";
    private static final String PDCM_V19 = "virError(Code=9, Domain=31, Message='operation failed: guest CPU doesn''t match"
            + " specification: missing features: pdcm')";
    private TestCluster cluster;

    @BeforeEach
    void cluster(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    private static JsonNode current(RunningService s) {
        return s.getJson("/api/rollouts/current");
    }

    /** The fixture's systemic signature as counted: 12 failures with cpu:extra:ht on 6 VMs; answers it. */
    private static JsonNode assertTwelveHtFailuresOnSixVms(JsonNode failures) {
        JsonNode ht = failures.get("signatures").get(0);
        assertThat(ht.get("key").asText()).isEqualTo("cpu:extra:ht");
        assertThat(ht.get("failures").asInt()).isEqualTo(12);
        assertThat(ht.get("vmis")).hasSize(6);
        assertThat(ht.get("systemic").asBoolean()).isTrue();
        return ht;
    }

    /**
     * The counts are the leaders' own (KubeVirt keeps five finished migrations per VMI): a leader
     * killed with SIGKILL hands them on in the record, and the next one neither loses the migrations
     * KubeVirt has since garbage-collected nor counts the ones left twice.
     */
    @Test
    void aLeaderKilledWithSigkillHandsTheCountsOnWhole(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Instant t0 = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0", t0).build());
        io.remediator.testing.SystemicFixture.seed(cluster, 8, t0, HT_V18);
        String reports = RunningService.freshNamespace();
        cluster.namespace(reports);
        try (io.remediator.testing.ServiceProcess a = io.remediator.testing.ServiceProcess.start(dir, "a", cluster, reports,
                "{mode: report}")) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                var r = a.http().get("/api/rollouts/current");
                return r.statusCode() == 200 && a.http().parse(r.body()).path("migrationFailures").path("failed").asInt() == 12;
            });
            a.kill();
        }
        // KubeVirt garbage-collects finished migrations: half of them are gone before the next leader looks.
        for (int i = 1; i <= 3; i++) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.MIGRATION)
                        .inNamespace("team").withName("kubevirt-workload-update-" + i + "-" + attempt).delete();
            }
        }
        try (io.remediator.testing.ServiceProcess b = io.remediator.testing.ServiceProcess.start(dir, "b", cluster, reports,
                "{mode: report}")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> java.nio.file.Files.readString(b.log())
                    .contains("b leads (Lease"));
            // Its first looks: the six migrations left are known, the six gone stay counted.
            Thread.sleep(5_000);
            JsonNode f = b.http().getJson("/api/rollouts/current").get("migrationFailures");
            assertThat(f.get("failed").asInt()).isEqualTo(12);
            assertTwelveHtFailuresOnSixVms(f);
        }
    }

    /**
     * Reasons only Events give: a target pod that never scheduled (`migrationTargetPodUnschedulable`
     * on the migration) and libvirt's refusal that virt-handler reports on the VMI (`Migrated`,
     * naming the migration by UID) while the migration itself carries no failureReason.
     */
    @Test
    void reasonsThatOnlyEventsGiveAreRead() {
        Instant t0 = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0", t0).build());
        cluster.create(io.remediator.testing.KubeVirtObjects.vmi("team", "vm-1").migratable().build());
        cluster.create(io.remediator.testing.KubeVirtObjects.vmi("team", "vm-2").migratable().build());
        cluster.create(migration("team", "kubevirt-workload-update-u1", "vm-1").byWorkloadUpdater()
                .failed(null, t0.plusSeconds(5)).build());
        String uid = cluster.create(migration("team", "kubevirt-workload-update-m2", "vm-2").byWorkloadUpdater()
                .failed(null, t0.plusSeconds(6)).build()).getMetadata().getUid();
        cluster.create(warning("mig-u1.unschedulable", "VirtualMachineInstanceMigration", "kubevirt-workload-update-u1",
                "migrationTargetPodUnschedulable", "Migration target pod for VMI [team/vm-1] is currently unschedulable."));
        cluster.create(warning("vm-2.migrated", "VirtualMachineInstance", "vm-2", "Migrated",
                "VirtualMachineInstance migration uid " + uid + " failed. reason:Live migration failed error encountered"
                        + " during MigrateToURI3 libvirt api call: virError(Code=9, Domain=31, Message='operation failed:"
                        + " guest CPU doesn''t match specification: missing features: waitpkg')"));
        // A third whose target pod the scheduler would not place: its FailedScheduling names the pod,
        // and the pod carries the migration's UID.
        io.fabric8.kubernetes.api.model.GenericKubernetesResource vm3 = cluster.create(io.remediator.testing.KubeVirtObjects.vmi("team", "vm-3").migratable()
                .build());
        String uid3 = cluster.create(migration("team", "kubevirt-workload-update-s3", "vm-3").byWorkloadUpdater()
                .failed(null, t0.plusSeconds(7)).build()).getMetadata().getUid();
        unschedulableTargetPod(vm3, "virt-launcher-vm-3-tgt", uid3,
                "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
        try (RunningService s = RunningService.start(cluster.newClient()).awaitReady()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                    && current(s).path("migrationFailures").path("failed").asInt() == 3
                    && current(s).path("migrationFailures").path("signatures").size() == 3);
            java.util.Map<String, JsonNode> byKey = new java.util.HashMap<>();
            current(s).get("migrationFailures").get("signatures").forEach(x -> byKey.put(x.get("key").asText(), x));
            assertThat(byKey.get("unschedulable:target-pod").get("exampleText").asText())
                    .contains("is currently unschedulable");
            assertThat(byKey.get("cpu:missing:waitpkg").get("failureClass").asText()).isEqualTo("CPU_MISMATCH");
            assertThat(byKey.get("unschedulable:node(s) didn't match Pod's node affinity/selector").get("failureClass")
                    .asText()).isEqualTo("UNSCHEDULABLE");
        }
    }

    /**
     * A migration's target launcher pod (it carries the migration's UID, as KubeVirt labels it) and the
     * scheduler's FailedScheduling Warning on it; returns the Event so a test can delete it.
     */
    private io.fabric8.kubernetes.api.model.Event unschedulableTargetPod(GenericKubernetesResource vmi, String pod,
                                                                         String migrationUid, String schedulerMessage) {
        var target = io.remediator.testing.KubeVirtObjects.launcherPod(vmi, pod, null);
        target.getMetadata().getLabels().put("kubevirt.io/migrationJobUID", migrationUid);
        cluster.create(target);
        io.fabric8.kubernetes.api.model.Event scheduling = warning(pod + ".sched", "Pod", pod, "FailedScheduling",
                schedulerMessage);
        scheduling.getInvolvedObject().setApiVersion("v1");
        return cluster.create(scheduling);
    }

    private static io.fabric8.kubernetes.api.model.Event warning(String name, String kind, String object, String reason,
                                                                 String message) {
        return new EventBuilder().withNewMetadata().withNamespace("team").withName(name).endMetadata()
                .withNewInvolvedObject().withApiVersion("kubevirt.io/v1").withKind(kind).withNamespace("team")
                .withName(object).endInvolvedObject().withReason(reason).withType("Warning").withMessage(message)
                .withLastTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build();
    }

    @Test
    void oneSystemicSignatureIsCountedOnceShownEverywhereAndStopsTheServicesOwnMigrations() {
        Instant t0 = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0", t0).build());
        int t = io.remediator.testing.SystemicFixture.seed(cluster, 8, t0, HT_V18);
        cluster.create(migration("team", "kubevirt-workload-update-7", "vm-7").byWorkloadUpdater()
                .failed(PDCM_V19, t0.plusSeconds(t++)).build());
        cluster.create(migration("team", "kubevirt-workload-update-8", "vm-8").byWorkloadUpdater()
                .failed(null, t0.plusSeconds(t++)).build());
        cluster.create(new EventBuilder().withNewMetadata().withNamespace("team").withName("mig-8.failed").endMetadata()
                .withNewInvolvedObject().withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstanceMigration")
                .withNamespace("team").withName("kubevirt-workload-update-8").endInvolvedObject()
                .withReason("FailedMigration").withType("Warning")
                .withMessage("Migration failed because target pod shutdown during migration")
                .withLastTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build());
        // A user's cancel: never a failure signature.
        cluster.create(migration("team", "canceled", "vm-8").abortRequested()
                .failed("Live migration has been aborted", t0.plusSeconds(t++)).build());
        RemediatorConfig config = RunningService.withPolicy(io.remediator.testing.Policies.mode("auto")
                .liveMigrate("auto").restart("auto").build());

        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                    && current(s).path("migrationFailures").path("failed").asInt() == 14);
            JsonNode f = current(s).get("migrationFailures");
            assertThat(f.get("canceled").asInt()).isEqualTo(1);
            JsonNode ht = assertTwelveHtFailuresOnSixVms(f);
            assertThat(ht.get("known").get("links").toString()).contains("harvester/harvester/issues/11615");
            assertThat(f.get("signatures")).extracting(x -> x.get("key").asText())
                    .containsExactly("cpu:extra:ht", "cpu:missing:pdcm", "target-pod-down");
            assertThat(current(s).get("findings")).singleElement().satisfies(x -> assertThat(x.asText())
                    .startsWith("SYSTEMIC: 12 of 14 migrations since the update failed with cpu:extra:ht (6 VMs)."));
            assertThat(s.get("/rollouts/" + current(s).get("id").asText()).body()).contains("id=\"signatures\"")
                    .contains("cpu:extra:ht").contains("SYSTEMIC: 12 of 14");
            await().atMost(Duration.ofSeconds(10)).until(() -> s.get("/metrics").body()
                    .contains("remediator_migration_failures{class=\"cpu_mismatch\",systemic=\"true\"} 12.0"));
            // `kubectl remediator signatures`: the same, as a table within 100 columns.
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int code = io.remediator.preflight.SignaturesCommand.run(new String[] {"--server", s.baseUrl()},
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
            String table = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(code).isZero();
            assertThat(table).contains(f.get("succeeded").asInt() + " succeeded, 14 failed, 1 canceled").containsPattern("cpu:extra:ht +CPU_MISMATCH +12 +6 +\\d+% yes +cpu:extra:ht")
                    .contains("SYSTEMIC: 12 of 14");
            assertThat(table.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(100));

            // The alert's report carries them, and the service does not migrate a VMI whose last
            // migration failed with the systemic signature itself.
            JsonNode report = s.awaitReport(s.postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN));
            assertThat(report.get("systemicFindings").get(0).asText()).startsWith("SYSTEMIC: 12 of 14");
            assertThat(report.get("migrationFailures").get("failed").asInt()).isEqualTo(14);
            // KubeVirt's updater migrates them (methods [LiveMigrate]): the service plans no migration of
            // its own and recommends pausing the updater (the planner's SYSTEMIC_FAILURE is tested below,
            // with the updater off).
            assertThat(report.path("remediation").path("actions")).extracting(a -> a.path("action").asText())
                    .contains("PAUSE_WORKLOAD_UPDATES").doesNotContain("LIVE_MIGRATE");
            assertThat(cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.MIGRATION)
                    .inNamespace("team").list().getItems()).noneMatch(m -> m.getMetadata().getLabels() != null
                    && "kubevirt-remediator".equals(m.getMetadata().getLabels().get("app.kubernetes.io/managed-by")));
        }
        // Another leader reads the stored counts and counts nothing twice; one more failure counts once.
        cluster.create(migration("team", "kubevirt-workload-update-6-3", "vm-6").byWorkloadUpdater()
                .failed(HT_V18, Instant.now().minusSeconds(1)).build());
        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                    && current(s).path("migrationFailures").path("failed").asInt() == 15);
            await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> true);
            assertThat(current(s).get("migrationFailures").get("failed").asInt()).isEqualTo(15);
            assertThat(current(s).get("migrationFailures").get("signatures").get(0).get("failures").asInt()).isEqualTo(13);
        }
    }

    /**
     * No rollout to count from (KubeVirt's update completed three days ago: the service came
     * later): the failures of the last `systemic.window` KubeVirt still keeps are counted, kept in
     * the service's ConfigMap, carried by the alert's report, and they stop the service's own
     * migrations as a rollout's would. KubeVirt's MigrationBackoff Events say how many it holds back.
     */
    @Test
    void withNoRolloutTheLastWindowsFailuresAreCountedAndActedOn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Instant longAgo = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0", longAgo).build());
        // The failures come after the VMIs' creation (an earlier one would be a former VMI's of that name).
        io.remediator.testing.SystemicFixture.seed(cluster, 8, Instant.now().truncatedTo(ChronoUnit.SECONDS), HT_V18);
        // Before the window: never counted.
        cluster.create(migration("team", "kubevirt-workload-update-7-old", "vm-7").byWorkloadUpdater()
                .failed(HT_V18, Instant.now().minus(Duration.ofHours(30))).build());
        io.fabric8.kubernetes.api.model.Event backoff = cluster.create(warning("vm-1.backoff", "VirtualMachineInstance",
                "vm-1", "MigrationBackoff", "backoff migrating vmi team/vm-1"));
        RemediatorConfig d = RunningService.withPolicy(io.remediator.testing.Policies.mode("auto")
                .liveMigrate("approve").restart("approve").build());
        io.remediator.testing.FakeSlack slack = new io.remediator.testing.FakeSlack();
        RemediatorConfig config = new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(), d.policy(),
                d.api(), d.leaderElection(), "https://remediator.example.com", slack.botConfig(dir,
                new RemediatorConfig.Approval("none", "", Duration.ofMinutes(30), "", "EVICT", "", List.of(), "")),
                d.rollout(), d.systemic(), d.dualLauncher());
        try (slack; RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            JsonNode report = s.awaitReport(s.postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN));
            assertThat(s.get("/api/rollouts/current").statusCode()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(30)).until(() -> s.getJson("/api/reports/" + report.get("id").asText())
                    .path("migrationFailures").path("failed").asInt() == 12);
            JsonNode again = s.getJson("/api/reports/" + report.get("id").asText());
            assertTwelveHtFailuresOnSixVms(again.get("migrationFailures"));
            assertThat(again.get("migrationFailures").get("backoffVmis").asInt()).isEqualTo(1);
            assertThat(again.has("rollout")).isFalse();
            assertThat(again.get("systemicFindings")).singleElement().satisfies(f -> assertThat(f.asText())
                    .startsWith("SYSTEMIC: 12 of 12 migrations since ").contains("(no rollout to count from) failed with"
                            + " cpu:extra:ht (6 VMs). Known upgrade defect")
                    .contains("(1 VMI put in backoff within the hour)"));
            assertThat(cluster.client().configMaps().inNamespace(s.reportsNamespace())
                    .withName(FailureWindows.NAME).get().getData().get("window.json")).contains("cpu:extra:ht");
            await().atMost(Duration.ofSeconds(10)).until(() -> s.get("/metrics").body()
                    .contains("remediator_migration_failures{class=\"cpu_mismatch\",systemic=\"true\"} 12.0"));
            // The report's Slack message says it too, above the plan.
            await().atMost(Duration.ofSeconds(30)).alias("the finding in the report's Slack message").until(() -> slack
                    .calls().stream().filter(c -> c.method().startsWith("chat.")).anyMatch(c -> c.form()
                            .getOrDefault("blocks", "").contains(":rotating_light: SYSTEMIC: 12 of 12 migrations since")));
            assertThat(again.path("remediation").path("actions")).extracting(a -> a.path("action").asText())
                    .contains("PAUSE_WORKLOAD_UPDATES");
            // With the updater off (as after a pause) the service would migrate them itself: not the
            // six whose last migration failed with the systemic signature; the other two, yes.
            var kubeVirts = cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.KUBEVIRT)
                    .inNamespace("kubevirt");
            GenericKubernetesResource kv = kubeVirts.withName("kubevirt").get();
            kubeVirts.resource(kv).edit(k -> {
                @SuppressWarnings("unchecked")
                java.util.Map<String, Object> spec = (java.util.Map<String, Object>) k.getAdditionalProperties().get("spec");
                spec.put("workloadUpdateStrategy", java.util.Map.of("workloadUpdateMethods", List.of()));
                return k;
            });
            JsonNode pass = s.awaitReport(s.postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN));
            await().atMost(Duration.ofSeconds(30)).until(() -> s.getJson("/api/reports/" + pass.get("id").asText())
                    .path("remediation").path("actions").findValuesAsText("action").contains("LIVE_MIGRATE"));
            java.util.Map<String, String> decisions = new java.util.TreeMap<>();
            for (JsonNode a : s.getJson("/api/reports/" + pass.get("id").asText()).path("remediation").path("actions")) {
                if ("LIVE_MIGRATE".equals(a.path("action").asText())) {
                    decisions.put(a.path("vmi").asText(), a.path("decision").asText());
                }
            }
            assertThat(decisions).containsOnlyKeys("vm-1", "vm-2", "vm-3", "vm-4", "vm-5", "vm-6", "vm-7", "vm-8");
            assertThat(decisions).allSatisfy((vmi, decision) -> assertThat(decision).as(vmi)
                    .isEqualTo(vmi.matches("vm-[1-6]") ? "SYSTEMIC_FAILURE" : "AWAITING_APPROVAL"));
            assertThat(cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.MIGRATION)
                    .inNamespace("team").list().getItems()).noneMatch(m -> m.getMetadata().getLabels() != null
                    && "kubevirt-remediator".equals(m.getMetadata().getLabels().get("app.kubernetes.io/managed-by")));
        } finally {
            cluster.client().resource(backoff).delete();
        }
    }

    /**
     * KubeVirt deletes a target pod that stays unschedulable (migration.go:1741) and then fails the
     * migration: the scheduler's words still reach it, from the pod the service saw. A host-model
     * VMI's `NoSuitableNodesForHostModelMigration` names the cause over them.
     */
    @Test
    void aDeletedTargetPodsSchedulerWordsAndAHostModelEventGiveTheFailureItsCause() {
        Instant t0 = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0", t0).build());
        GenericKubernetesResource vm3 = cluster.create(io.remediator.testing.KubeVirtObjects.vmi("team", "vm-3").migratable()
                .build());
        GenericKubernetesResource pending = cluster.create(migration("team", "kubevirt-workload-update-p3", "vm-3")
                .byWorkloadUpdater().phase("Scheduling").build());
        io.fabric8.kubernetes.api.model.Event scheduling = unschedulableTargetPod(vm3, "virt-launcher-vm-3-gone",
                pending.getMetadata().getUid(),
                "0/3 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 2 Insufficient devices.kubevirt.io/kvm.");
        cluster.create(io.remediator.testing.KubeVirtObjects.vmi("team", "vm-4").migratable().build());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        cluster.create(migration("team", "kubevirt-workload-update-h4", "vm-4").byWorkloadUpdater()
                .failed(null, now.minusSeconds(5)).build());
        io.fabric8.kubernetes.api.model.Event hostModel = warning("vm-4.hostmodel", "VirtualMachineInstance", "vm-4",
                "NoSuitableNodesForHostModelMigration", "Migration cannot proceed since no node is suitable to run the"
                        + " required CPU model / required features: map[cpu-model-migration.node.kubevirt.io/Skylake:true]");
        hostModel.setFirstTimestamp(now.minusSeconds(10).toString());
        hostModel.setLastTimestamp(now.plusSeconds(3).toString());
        cluster.create(hostModel);
        try (RunningService s = RunningService.start(cluster.newClient()).awaitReady()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                    && current(s).path("migrationFailures").path("failed").asInt() == 1);
            // KubeVirt gives up on the target pod: deletes it, then fails the migration.
            cluster.client().pods().inNamespace("team").withName("virt-launcher-vm-3-gone").withGracePeriod(0).delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client().pods().inNamespace("team")
                    .withName("virt-launcher-vm-3-gone").get() == null);
            var migrations = cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.MIGRATION)
                    .inNamespace("team");
            GenericKubernetesResource m = migrations.withName("kubevirt-workload-update-p3").get();
            String failedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            m.setAdditionalProperty("status", java.util.Map.of("phase", "Failed", "phaseTransitionTimestamps",
                    List.of(java.util.Map.of("phase", "Failed", "phaseTransitionTimestamp", failedAt))));
            migrations.resource(m).updateStatus();
            await().atMost(Duration.ofSeconds(30)).until(() -> current(s).path("migrationFailures").path("failed").asInt() == 2);
            java.util.Map<String, JsonNode> byKey = new java.util.HashMap<>();
            current(s).get("migrationFailures").get("signatures").forEach(x -> byKey.put(x.get("key").asText(), x));
            assertThat(byKey).containsOnlyKeys("unschedulable:host-model",
                    "unschedulable:Insufficient devices.kubevirt.io/kvm;node(s) didn't match pod anti-affinity rules");
            assertThat(byKey.get("unschedulable:host-model").get("exampleText").asText())
                    .startsWith("Migration cannot proceed since no node is suitable");
        } finally {
            cluster.client().resource(hostModel).delete();
            cluster.client().resource(scheduling).delete();
        }
    }
}

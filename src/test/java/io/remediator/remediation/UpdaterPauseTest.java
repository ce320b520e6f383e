package io.remediator.remediation;

import static io.remediator.testing.KubeVirtObjects.hyperConverged;
import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.migration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.remediator.config.RemediatorConfig;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.testing.AuditLog;
import io.remediator.testing.Payloads;
import io.remediator.testing.Policies;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pausing KubeVirt's updater for a systemic failure, under HCO, on the real API server with
 * KubeVirt's and HCO's real CRDs (next-capabilities §2.6 S2–S4): the test plays KubeVirt's
 * migration controller (failed and queued migrations) and HCO (copying the HyperConverged's
 * methods into the KubeVirt CR). The audit log proves nothing is written before approval.
 */
@ExtendWith(RealCluster.class)
class UpdaterPauseTest {
    private static final String HT = "virError(Code=9, Domain=31, Message='operation failed: guest CPU doesn't match"
            + " specification: extra features: ht')";
    private static final String NS = "kubevirt-hyperconverged";
    private static final Set<String> WRITES = Set.of("hyperconvergeds", "kubevirts", "virtualmachineinstancemigrations");
    private TestCluster cluster;

    @BeforeEach
    void cluster(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    private GenericKubernetesResource hc() {
        return cluster.client().genericKubernetesResources(KubeVirtResources.HYPERCONVERGED).inNamespace(NS)
                .withName("kubevirt-hyperconverged").get();
    }

    private static Object methods(GenericKubernetesResource r) {
        return r.get("spec", "workloadUpdateStrategy", "workloadUpdateMethods");
    }

    private GenericKubernetesResource migrationNamed(String name) {
        return cluster.client().genericKubernetesResources(KubeVirtResources.MIGRATION).inNamespace("team")
                .withName(name).get();
    }

    private static JsonNode action(JsonNode report, String prefix) {
        for (JsonNode a : report.path("remediation").path("actions")) {
            if (a.path("key").asText().startsWith(prefix)) {
                return a;
            }
        }
        return null;
    }

    /** HCO copies the HyperConverged's methods into its KubeVirt CR, dropping an empty list. */
    private void hcoReconciles() {
        Object m = methods(hc());
        cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT).inNamespace(NS)
                .withName("kubevirt-kubevirt-hyperconverged").edit(kv -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec = (Map<String, Object>) kv.getAdditionalProperties().get("spec");
                    if (m instanceof List<?> l && !l.isEmpty()) {
                        spec.put("workloadUpdateStrategy", Map.of("workloadUpdateMethods", l));
                    } else {
                        spec.remove("workloadUpdateStrategy");
                    }
                    return kv;
                });
    }

    @Test
    void aSystemicSignaturePausesTheUpdaterInTheHyperConvergedOnlyAfterApprovalCancelsOnlyItsQueueAndResumesExactly() {
        hcoWithASystemicSignature();
        // The updater's queue: three Pending, one Scheduling with KubeVirt's finalizer; one past
        // hand-off (Running); a user's own Pending migration.
        for (String name : List.of("kubevirt-workload-update-q1", "kubevirt-workload-update-q2")) {
            cluster.create(migration("team", name, "vm-7").byWorkloadUpdater().phase("Pending").build());
        }
        cluster.create(migration("team", "kubevirt-workload-update-q3", "vm-8").byWorkloadUpdater().phase("Scheduled").build());
        GenericKubernetesResource fin = migration("team", "kubevirt-workload-update-q4", "vm-8").byWorkloadUpdater()
                .phase("Scheduling").build();
        fin.getMetadata().setFinalizers(List.of("kubevirt.io/migrationJobFinalize"));
        cluster.create(fin);
        cluster.create(migration("team", "kubevirt-workload-update-running", "vm-1").byWorkloadUpdater().phase("Running").build());
        cluster.create(migration("team", "users-own", "vm-2").phase("Pending").build());

        RemediatorConfig config = RunningService.withPolicy(Policies.mode("approve").updaterControl("approve").build());
        AuditLog audit = cluster.audit();
        long mark = audit.mark();
        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            runPauseAndResume(s, audit, mark);
        } finally {
            // KubeVirt's controller would finish the cancelled migration; here its finalizer is
            // removed so the next test's cluster is clean.
            GenericKubernetesResource left = migrationNamed("kubevirt-workload-update-q4");
            if (left != null) {
                left.getMetadata().setFinalizers(List.of());
                cluster.client().resource(left).update();
            }
        }
    }

    /** HCO's HyperConverged and its KubeVirt CR with [LiveMigrate], updated 10 minutes ago, and 8 VMIs failing with cpu:extra:ht. */
    private void hcoWithASystemicSignature() {
        GenericKubernetesResource hc = cluster.create(hyperConverged(NS, List.of("LiveMigrate")));
        Instant t0 = Instant.now().minusSeconds(600);
        cluster.create(kubeVirt(NS).name("kubevirt-kubevirt-hyperconverged").methods(List.of("LiveMigrate"))
                .deployed("v1.9.0", t0).ownedBy(hc).build());
        io.remediator.testing.SystemicFixture.seed(cluster, 8, t0, HT);
    }

    /** Approves the planned pause once the rollout counts the signature; answers the report's id. */
    private String approvePause(RunningService s) {
        await().atMost(Duration.ofSeconds(30)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                && !s.getJson("/api/rollouts/current").path("findings").isEmpty());
        JsonNode report = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
        JsonNode pause = action(report, "PAUSE_WORKLOAD_UPDATES");
        assertThat(pause).as(report.path("remediation").toString()).isNotNull();
        var approved = s.post("/api/reports/" + report.get("id").asText() + "/approve", "{\"pass\":"
                + report.get("remediation").get("pass").asInt() + ",\"actions\":[\"" + pause.get("key").asText()
                + "\"],\"by\":\"alice\"}", RunningService.ADMIN_TOKEN);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(202);
        return report.get("id").asText();
    }

    private static String pauseFollowUp(RunningService s, String id) {
        JsonNode a = action(s.getJson("/api/reports/" + id), "PAUSE_WORKLOAD_UPDATES");
        return a == null ? "" : a.path("followUp").asText("");
    }

    /** Without HCO the KubeVirt CR itself is paused, with the record, and the next look verifies it. */
    @Test
    void withoutHcoTheKubeVirtCrIsPausedWithItsRecordAndVerified() {
        Instant t0 = Instant.now().minusSeconds(600);
        cluster.create(kubeVirt(NS).methods(List.of("LiveMigrate")).deployed("v1.9.0", t0).build());
        io.remediator.testing.SystemicFixture.seed(cluster, 8, t0, HT);
        AuditLog audit = cluster.audit();
        long mark = audit.mark();
        try (RunningService s = RunningService.start(cluster.newClient(), RunningService.withPolicy(
                Policies.mode("approve").updaterControl("approve").build())).awaitReady()) {
            String id = approvePause(s);
            GenericKubernetesResource kv = cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT)
                    .inNamespace(NS).withName("kubevirt").get();
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of().equals(methods(cluster.client()
                    .genericKubernetesResources(KubeVirtResources.KUBEVIRT).inNamespace(NS).withName("kubevirt").get())));
            assertThat(cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT).inNamespace(NS)
                    .withName("kubevirt").get().getMetadata().getAnnotations())
                    .containsEntry(RemediationPlanner.PAUSED_ANNOTATION, "[\"LiveMigrate\"]");
            await().atMost(Duration.ofSeconds(40)).until(() -> pauseFollowUp(s, id).startsWith("done"));
            assertThat(pauseFollowUp(s, id)).isEqualTo("done: KubeVirt's updater is paused: the KubeVirt CR has no"
                    + " workload update methods");
            assertThat(kv).isNotNull();
            assertThat(audit.changesSince(mark, Set.of("hyperconvergeds"))).isEmpty();
        }
    }

    /** Under HCO, a pause the KubeVirt CR does not show 30 s later is a failure ("HCO reverted the pause"). */
    @Test
    void aPauseTheKubeVirtCrDoesNotShowWithin30sIsAFailure() {
        hcoWithASystemicSignature();
        try (RunningService s = RunningService.start(cluster.newClient(), RunningService.withPolicy(
                Policies.mode("approve").updaterControl("approve").build())).awaitReady()) {
            String id = approvePause(s);
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of().equals(methods(hc())));
            Instant paused = Instant.now();
            // HCO never copies it here: the KubeVirt CR keeps [LiveMigrate].
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> pauseFollowUp(s, id).startsWith("failed"));
            assertThat(pauseFollowUp(s, id)).isEqualTo("failed: HCO reverted the pause: 30 s after it the KubeVirt CR"
                    + " still has [LiveMigrate]");
            assertThat(Duration.between(paused, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(25));
        }
    }

    private void runPauseAndResume(RunningService s, AuditLog audit, long mark) {
        {
            // The rollout counts the signature first; then the alert's report plans the pause.
            await().atMost(Duration.ofSeconds(30)).until(() -> s.get("/api/rollouts/current").statusCode() == 200
                    && !s.getJson("/api/rollouts/current").path("findings").isEmpty());
            JsonNode report = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = report.get("id").asText();
            JsonNode pause = action(report, "PAUSE_WORKLOAD_UPDATES");
            assertThat(pause).as(report.path("remediation").toString()).isNotNull();
            assertThat(pause.get("decision").asText()).isEqualTo("AWAITING_APPROVAL");
            assertThat(pause.get("object").asText()).isEqualTo("HyperConverged " + NS + "/kubevirt-hyperconverged");
            assertThat(pause.get("why").asText()).contains("spec.workloadUpdateStrategy.workloadUpdateMethods: []")
                    .contains("(now [LiveMigrate]").contains("hot-plug and volume-update migrations stop")
                    .contains("the alert keeps firing").contains("cpu:extra:ht");
            JsonNode cancel = action(report, "CANCEL_UPDATER_MIGRATIONS");
            assertThat(cancel.get("decision").asText()).isEqualTo("AWAITING_APPROVAL");
            assertThat(cancel.get("why").asText()).contains("delete the 4 migration(s)")
                    .doesNotContain("users-own").doesNotContain("kubevirt-workload-update-running");
            // Nothing written before approval: only dry runs.
            assertThat(audit.changesSince(mark, WRITES)).isEmpty();

            int pass = report.get("remediation").get("pass").asInt();
            var approved = s.post("/api/reports/" + id + "/approve", "{\"pass\":" + pass + ",\"actions\":[\""
                    + pause.get("key").asText() + "\"],\"by\":\"alice\"}", RunningService.ADMIN_TOKEN);
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> List.of().equals(methods(hc())));
            assertThat(hc().getMetadata().getAnnotations()).containsEntry(RemediationPlanner.PAUSED_ANNOTATION, "[\"LiveMigrate\"]");
            await().atMost(Duration.ofSeconds(20)).until(() -> migrationNamed("kubevirt-workload-update-q1") == null
                    && migrationNamed("kubevirt-workload-update-q2") == null
                    && migrationNamed("kubevirt-workload-update-q3") == null);
            assertThat(migrationNamed("kubevirt-workload-update-q4").getMetadata().getDeletionTimestamp()).isNotNull();
            assertThat(migrationNamed("kubevirt-workload-update-running")).isNotNull();
            assertThat(migrationNamed("users-own")).isNotNull();
            // The KubeVirt CR itself was never patched (HCO would revert it): only HCO writes it.
            assertThat(audit.changesSince(mark, Set.of("kubevirts"))).isEmpty();
            hcoReconciles();

            // Resume, offered while paused and approval-only: restores exactly what was recorded.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                s.postWebhook(Payloads.firing(), RunningService.TOKEN);
                JsonNode r = s.getJson("/api/reports/" + id);
                JsonNode resume = action(r, "RESUME_WORKLOAD_UPDATES");
                return resume != null && "AWAITING_APPROVAL".equals(resume.path("decision").asText());
            });
            JsonNode now = s.getJson("/api/reports/" + id);
            JsonNode resume = action(now, "RESUME_WORKLOAD_UPDATES");
            assertThat(resume.get("why").asText()).contains("restore").contains("[LiveMigrate]").contains("still systemic");
            var resumed = s.post("/api/reports/" + id + "/approve", "{\"pass\":" + now.get("remediation").get("pass").asInt()
                    + ",\"actions\":[\"" + resume.get("key").asText() + "\"],\"by\":\"alice\"}", RunningService.ADMIN_TOKEN);
            assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of("LiveMigrate").equals(methods(hc())));
            assertThat(hc().getMetadata().getAnnotations()).doesNotContainKey(RemediationPlanner.PAUSED_ANNOTATION);
        }
    }

    @Test
    void aResumeRefusesShowingBothValuesWhenSomeoneChangedTheMethodsMeanwhile() {
        GenericKubernetesResource hc = hyperConverged(NS, List.of("LiveMigrate", "Evict"));
        hc.getMetadata().setAnnotations(Map.of(RemediationPlanner.PAUSED_ANNOTATION, "[\"LiveMigrate\"]"));
        cluster.create(hc);
        ActionExecutor executor = new ActionExecutor(cluster.client(), List.of("LiveMigrate"), Clock.systemUTC());
        PlannedAction resume = PlannedAction.proposed("RESUME_WORKLOAD_UPDATES " + NS + "/kubevirt-hyperconverged",
                Action.RESUME_WORKLOAD_UPDATES, NS, null, null, null, new Target("HyperConverged", NS, "kubevirt-hyperconverged"),
                1, "policy.actions.resumeWorkloadUpdates=approve", Instant.now()).decided(Decision.APPROVED, "by alice");
        AuditLog audit = cluster.audit();
        long mark = audit.mark();

        WriteOutcome outcome = executor.execute(resume, "r-1");

        assertThat(outcome).isInstanceOf(WriteOutcome.Refused.class);
        assertThat(((WriteOutcome.Refused) outcome).reason()).contains("now [LiveMigrate, Evict]")
                .contains("the pause recorded [LiveMigrate]");
        assertThat(methods(hc())).isEqualTo(List.of("LiveMigrate", "Evict"));
        assertThat(audit.changesSince(mark, WRITES)).isEmpty();
    }
}

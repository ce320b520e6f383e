package io.remediator.remediation;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.migration;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.remediator.config.RemediatorConfig;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.testing.Payloads;
import io.remediator.testing.Policies;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The policy acting on a real API server; the tests play KubeVirt's controllers by writing status. */
@ExtendWith(RealCluster.class)
class RemediationTest {
    private TestCluster cluster;

    @BeforeEach
    void clean(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    private RunningService start(Policies policy) {
        return RunningService.start(cluster.newClient(), RunningService.withPolicy(policy.build())).awaitReady();
    }

    /** This pass's actions by key (actions carried from earlier passes left out). */
    private static Map<String, JsonNode> actions(JsonNode report) {
        Map<String, JsonNode> byKey = new TreeMap<>();
        String pass = report.get("remediation").get("at").asText();
        report.get("remediation").get("actions").forEach(a -> {
            if (a.get("plannedAt").asText().equals(pass)) {
                byKey.put(a.get("key").asText(), a);
            }
        });
        return byKey;
    }

    private static List<String> followUps(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.get("remediation").get("actions").forEach(a -> {
            if (!a.get("followUp").isNull()) {
                out.add(a.get("object").asText().replaceAll("-[0-9a-f]{8}$", "") + ": " + a.get("followUp").asText());
            }
        });
        return out;
    }

    private List<GenericKubernetesResource> migrations() {
        return cluster.client().genericKubernetesResources(KubeVirtResources.MIGRATION).inAnyNamespace().list().getItems();
    }

    private List<GenericKubernetesResource> ourMigrations() {
        return migrations().stream().filter(m -> m.getMetadata().getLabels() != null
                && "kubevirt-remediator".equals(m.getMetadata().getLabels().get("app.kubernetes.io/managed-by"))).toList();
    }

    /** Name and resourceVersion of every KubeVirt object: equal before and after means nothing was written. */
    private Map<String, String> versions() {
        Map<String, String> out = new TreeMap<>();
        for (var kind : List.of(KubeVirtResources.VMI, KubeVirtResources.VM, KubeVirtResources.MIGRATION,
                KubeVirtResources.KUBEVIRT)) {
            cluster.client().genericKubernetesResources(kind).inAnyNamespace().list().getItems().forEach(r -> out.put(
                    kind.getKind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
                    r.getMetadata().getResourceVersion()));
        }
        return out;
    }

    /** Plays KubeVirt: the migration succeeds and its VMI loses the outdated label. */
    private void migrationSucceeded(GenericKubernetesResource migration) {
        migration.getAdditionalProperties().put("status", Map.of("phase", "Succeeded"));
        cluster.client().resource(migration).updateStatus();
        cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace(migration.getMetadata()
                .getNamespace()).withName(String.valueOf((Object) migration.get("spec", "vmiName"))).edit(v -> {
                    v.getMetadata().getLabels().remove(KubeVirtResources.OUTDATED_LABEL);
                    return v;
                });
    }

    private void seedOneOfEachAction() {
        cluster.create(kubeVirt("kubevirt", null, null, null));
        cluster.create(vmi("shop", "movable").migratable().build());
        cluster.create(vm("shop", "gpu", "Always"));
        cluster.create(vmi("shop", "gpu").notMigratable("HostDeviceNotLiveMigratable", "GPU").ownedBy("gpu").build());
        cluster.create(vmi("shop", "orphan").notMigratable("DisksNotLiveMigratable", "RWO").build());
    }

    @Test
    void reportModeProvesEveryActionWithADryRunAndWritesNothing() {
        seedOneOfEachAction();
        Map<String, String> before = versions();

        try (RunningService service = start(Policies.mode("report"))) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

            assertThat(report.get("remediation").get("mode").asText()).isEqualTo("report");
            Map<String, JsonNode> actions = actions(report);
            assertThat(actions).containsOnlyKeys("ENABLE_WORKLOAD_UPDATES kubevirt/kubevirt", "LIVE_MIGRATE shop/movable",
                    "RESTART shop/gpu", "STOP shop/orphan");
            actions.values().forEach(a -> {
                assertThat(a.get("decision").asText()).as(a.toString()).isEqualTo("REPORT_ONLY");
                assertThat(a.get("dryRun").get("accepted").asBoolean()).as(a.toString()).isTrue();
                assertThat(a.get("result").isNull()).isTrue();
            });
            assertThat(actions.get("LIVE_MIGRATE shop/movable").get("object").asText())
                    .matches("VirtualMachineInstanceMigration shop/kvr-movable-[0-9a-f]{8}");
            assertThat(actions.get("RESTART shop/gpu").get("rule").asText()).contains("policy.actions.restart unset");
            assertThat(report.get("remediation").get("nextPassAt").isNull()).isTrue();
        }
        assertThat(versions()).isEqualTo(before);
    }

    @Test
    void autoModeCreatesThePlannedMigrationsUpToTheCapAndARepeatOfTheAlertNoDuplicate() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("Evict")).migrations(3, 2).build());
        cluster.create(vmi("web", "busy").migratable().build());
        cluster.create(migration("web", "someone-elses", "busy").phase("Running").build());
        for (String name : List.of("web-1", "web-2", "web-3", "web-4")) {
            cluster.create(vmi("web", name).migratable().build());
        }

        try (RunningService service = start(Policies.mode("auto"))) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

            Map<String, JsonNode> actions = actions(report);
            List<String> run = new ArrayList<>();
            actions.forEach((k, a) -> {
                if ("RUN".equals(a.get("decision").asText())) {
                    run.add(a.get("vmi").asText());
                    assertThat(a.get("result").get("outcome").asText()).isEqualTo("done");
                }
            });
            assertThat(run).containsExactly("web-1", "web-2");
            assertThat(actions.get("LIVE_MIGRATE web/web-3").get("decision").asText()).isEqualTo("MIGRATION_LIMIT");
            assertThat(actions.get("LIVE_MIGRATE web/web-4").get("decision").asText()).isEqualTo("MIGRATION_LIMIT");
            assertThat(actions.get("LIVE_MIGRATE web/busy").get("decision").asText()).isEqualTo("IN_FLIGHT");
            assertThat(actions.get("LIVE_MIGRATE web/busy").get("why").asText())
                    .isEqualTo("migration someone-elses is in flight (Running); a second one is never created");
            assertThat(ourMigrations()).extracting(m -> String.valueOf((Object) m.get("spec", "vmiName")))
                    .containsExactlyInAnyOrder("web-1", "web-2");
            assertThat(cluster.client().v1().events().inNamespace("web").list().getItems())
                    .anyMatch(e -> e.getInvolvedObject().getName().equals("web-1")
                            && e.getReason().equals("RemediatorLiveMigrate") && e.getMessage().contains(report.get("id").asText()));
            assertThat(report.get("remediation").get("nextPassAt").isNull()).isFalse();
            String page = service.get("/reports/" + report.get("id").asText()).body();
            assertThat(page).contains("Remediation").contains("auto mode").contains("MIGRATION_LIMIT")
                    .contains("VirtualMachineInstanceMigration web/kvr-web-1-")
                    .containsPattern("done<br><small>at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC</small>")
                    .containsPattern("<small>planned \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC</small>");
            assertThat(service.get("/metrics").body())
                    .contains("remediator_actions_total{action=\"LIVE_MIGRATE\",decision=\"RUN\",result=\"done\"} 2.0")
                    .contains("remediator_migrations_in_flight 3.0")
                    .contains("remediator_actions_skipped_total{action=\"LIVE_MIGRATE\",reason=\"IN_FLIGHT\"} 1.0");

            JsonNode repeat = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            Map<String, JsonNode> again = actions(repeat);
            assertThat(again.values()).noneMatch(a -> a.get("decision").asText().equals("RUN"));
            assertThat(migrations()).hasSize(3);
        }
    }

    @Test
    void restartAndStopRunOnlyWhenTheirActionIsSetAndOptedOutVmsAreLeftAlone() {
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.create(vm("ops", "web", "Always"));
        cluster.create(vmi("ops", "web").notMigratable("DisksNotLiveMigratable", "RWO").ownedBy("web").build());
        GenericKubernetesResource keep = vm("ops", "keep", "Always");
        keep.getMetadata().setLabels(Map.of("kubevirt-remediator/skip", "true"));
        cluster.create(keep);
        cluster.create(vmi("ops", "keep").notMigratable("DisksNotLiveMigratable", "RWO").ownedBy("keep").build());
        cluster.create(vmi("ops", "orphan").notMigratable("DisksNotLiveMigratable", "RWO").build());
        cluster.create(vm("ops", "annotated", "Always"));
        GenericKubernetesResource annotated = vmi("ops", "annotated").notMigratable("DisksNotLiveMigratable", "RWO")
                .ownedBy("annotated").build();
        annotated.getMetadata().setAnnotations(Map.of("kubevirt-remediator/skip", "true"));
        cluster.create(annotated);

        try (RunningService service = start(Policies.mode("auto").restart("auto"))) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

            Map<String, JsonNode> actions = actions(report);
            assertThat(actions.get("RESTART ops/web").get("decision").asText()).isEqualTo("RUN");
            assertThat(actions.get("RESTART ops/web").get("rule").asText()).isEqualTo("policy.actions.restart=auto");
            assertThat(actions.get("RESTART ops/keep").get("decision").asText()).isEqualTo("OPTED_OUT");
            assertThat(actions.get("RESTART ops/annotated").get("decision").asText()).isEqualTo("OPTED_OUT");
            assertThat(actions.get("STOP ops/orphan").get("decision").asText()).isEqualTo("REPORT_ONLY");
        }
        var vmis = cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("ops").list().getItems();
        assertThat(vmis).extracting(v -> v.getMetadata().getName()).containsExactlyInAnyOrder("keep", "orphan", "annotated");
    }

    @Test
    void aClosedWindowDefersDisruptiveActions() {
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.create(vm("ops", "web", "Always"));
        cluster.create(vmi("ops", "web").notMigratable("DisksNotLiveMigratable", "RWO").ownedBy("web").build());
        DayOfWeek notToday = LocalDate.now(ZoneOffset.UTC).getDayOfWeek().plus(3);
        String window = notToday.name().substring(0, 1) + notToday.name().substring(1, 3).toLowerCase() + " 01:00-02:00";

        try (RunningService service = start(Policies.mode("auto").restart("auto").windows(window))) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

            JsonNode restart = actions(report).get("RESTART ops/web");
            assertThat(restart.get("decision").asText()).isEqualTo("OUTSIDE_WINDOW");
            assertThat(restart.get("why").asText()).contains(window);
            assertThat(restart.get("dryRun").isNull()).isTrue();
            assertThat(report.get("remediation").get("nextPassAt").isNull()).isFalse();
            assertThat(service.get("/metrics").body()).contains("remediator_deferred_actions 1.0")
                    .contains("remediator_actions_skipped_total{action=\"RESTART\",reason=\"OUTSIDE_WINDOW\"} 1.0");

            // The alert resolves: the report is closed and no pass follows.
            service.awaitReport(service.postWebhook(
                    Payloads.group("resolved", 0, Payloads.alert("resolved", Payloads.OUTDATED, null)), RunningService.TOKEN));
            JsonNode closed = service.getJson("/api/reports/" + report.get("id").asText()).get("remediation");
            assertThat(closed.get("nextPassAt").isNull()).isTrue();
            assertThat(closed.get("notes").toString()).contains("Closed: the alert resolved");
        }
        assertThat(cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("ops")
                .withName("web").get()).isNotNull();
    }

    @Test
    void withoutCreateOnMigrationsTheDryRunShows403AndNothingElseFails() {
        cluster.create(kubeVirt("kubevirt", List.of("Evict"), null, null));
        cluster.create(vmi("team", "db").migratable().build());
        cluster.client().resource(new ClusterRoleBuilder().withNewMetadata().withName("read-only-remediator").endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("kubevirt.io").withResources("virtualmachineinstances",
                                "virtualmachines", "virtualmachineinstancemigrations", "kubevirts")
                                .withVerbs("get", "list", "watch").build(),
                        new PolicyRuleBuilder().withApiGroups("").withResources("pods", "namespaces")
                                .withVerbs("get", "list", "watch").build())
                .build()).createOr(op -> op.update());
        cluster.client().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("read-only-remediator")
                .endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName("read-only-remediator").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName("read-only").withNamespace("remediator").endSubject().build()).createOr(op -> op.update());

        RemediatorConfig config = RunningService.withPolicy(Policies.mode("auto").build());
        cluster.grantReportStore(config.reports().namespace(), "remediator", "read-only");
        try (RunningService service = RunningService.start(cluster.serviceAccountClient("remediator", "read-only"),
                config).awaitReady()) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

            assertThat(report.get("error").isNull()).isTrue();
            assertThat(report.get("diagnosed").asBoolean()).isTrue();
            // Without `list events` the diagnosis stands and says what it could not read.
            assertThat(report.get("findings").toString()).contains("Could not read everything: FailedMigration events")
                    .contains("cannot list resource \\\"events\\\"");
            JsonNode migrate = actions(report).get("LIVE_MIGRATE team/db");
            assertThat(migrate.get("decision").asText()).isEqualTo("DRY_RUN_REFUSED");
            assertThat(migrate.get("dryRun").get("code").asInt()).isEqualTo(403);
            assertThat(migrate.get("dryRun").get("message").asText()).contains("cannot create resource");
            assertThat(migrate.get("result").isNull()).isTrue();
        }
        assertThat(migrations()).isEmpty();
    }

    @Test
    void aFailedMigrationIsRetriedThenLeftToTheOperator() {
        cluster.create(kubeVirt("kubevirt", List.of("Evict"), null, null));
        cluster.create(vmi("team", "flaky").migratable().build());

        try (RunningService service = start(Policies.mode("auto").maxRetries(1).batch(0, "1s"))) {
            String id = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN)).get("id").asText();
            for (int attempt = 1; attempt <= 2; attempt++) {
                int expected = attempt;
                await().atMost(Duration.ofSeconds(20)).until(() -> ourMigrations().size() == expected);
                // Play KubeVirt: the migration this service created fails.
                GenericKubernetesResource m = ourMigrations().stream()
                        .filter(x -> x.getAdditionalProperties().get("status") == null).findFirst().orElseThrow();
                m.getAdditionalProperties().put("status", Map.of("phase", "Failed",
                        "migrationState", Map.of("failed", true, "failureReason", "target pod did not start")));
                cluster.client().resource(m).updateStatus();
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode report = service.getJson("/api/reports/" + id);
                JsonNode a = actions(report).get("LIVE_MIGRATE team/flaky");
                assertThat(a.get("decision").asText()).isEqualTo("GAVE_UP");
                assertThat(a.get("why").asText()).contains("policy.maxRetries=1");
                assertThat(followUps(report)).containsExactly(
                        "VirtualMachineInstanceMigration team/kvr-flaky: failed: target pod did not start",
                        "VirtualMachineInstanceMigration team/kvr-flaky: failed: target pod did not start");
                assertThat(report.get("remediation").get("nextPassAt").isNull()).isTrue();
            });
            assertThat(ourMigrations()).hasSize(2);
            assertThat(service.getJson("/api/reports/" + id).get("remediation").get("pass").asInt()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aClosedReportCannotBeApprovedAnyMore() {
        cluster.create(kubeVirt("kubevirt", List.of("Evict"), null, null));
        cluster.create(vmi("team", "db").migratable().build());

        try (RunningService service = start(Policies.mode("approve"))) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = report.get("id").asText();
            int pass = report.get("remediation").get("pass").asInt();
            service.postWebhook(Payloads.group("resolved", 0, Payloads.alert("resolved", Payloads.OUTDATED, null)),
                    RunningService.TOKEN);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    "Closed".equals(service.getJson("/api/reports/" + id).get("phase").asText()));

            var late = service.post("/api/reports/" + id + "/approve", "{\"pass\":" + pass
                    + ",\"actions\":[\"LIVE_MIGRATE team/db\"]}", RunningService.ADMIN_TOKEN);

            assertThat(late.statusCode()).isEqualTo(409);
            assertThat(late.body()).contains("this report is closed");
            assertThat(migrations()).isEmpty();
        }
    }

    @Test
    void approveModeWaitsForTheAdminTokenThenActs() {
        cluster.create(kubeVirt("kubevirt", List.of("Evict"), null, null));
        cluster.create(vmi("team", "db").migratable().build());

        try (RunningService service = start(Policies.mode("approve").batch(0, "1s"))) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = report.get("id").asText();
            assertThat(actions(report).get("LIVE_MIGRATE team/db").get("decision").asText()).isEqualTo("AWAITING_APPROVAL");
            assertThat(migrations()).isEmpty();

            int pass = report.get("remediation").get("pass").asInt();
            String reviewed = "{\"pass\":" + pass + ",\"actions\":[\"LIVE_MIGRATE team/db\"],\"by\":\"alice\"}";
            assertThat(service.post("/api/reports/" + id + "/approve", reviewed, RunningService.TOKEN).statusCode()).isEqualTo(401);
            // Approving blind (no body) or what was not planned approves nothing.
            assertThat(service.post("/api/reports/" + id + "/approve", "", RunningService.ADMIN_TOKEN).statusCode())
                    .isEqualTo(400);
            var unplanned = service.post("/api/reports/" + id + "/approve", reviewed.replace("team/db", "team/other"),
                    RunningService.ADMIN_TOKEN);
            assertThat(unplanned.statusCode()).isEqualTo(409);
            assertThat(unplanned.body()).contains("not awaiting approval in this plan: [LIVE_MIGRATE team/other]")
                    .contains("\"awaiting\":[\"LIVE_MIGRATE team/db\"]");
            var stale = service.post("/api/reports/" + id + "/approve", reviewed.replace("\"pass\":" + pass,
                    "\"pass\":" + (pass - 1)), RunningService.ADMIN_TOKEN);
            assertThat(stale.statusCode()).isEqualTo(409);
            assertThat(stale.body()).contains("review pass " + pass);
            assertThat(migrations()).isEmpty();

            var approved = service.post("/api/reports/" + id + "/approve", reviewed, RunningService.ADMIN_TOKEN);
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(202);
            assertThat(approved.body()).contains("LIVE_MIGRATE team/db");

            await().atMost(Duration.ofSeconds(20)).until(() -> ourMigrations().size() == 1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    actions(service.getJson("/api/reports/" + id)).get("LIVE_MIGRATE team/db").get("decision").asText())
                    .isEqualTo("APPROVED"));
            assertThat(service.post("/api/reports/" + id + "/approve", reviewed, RunningService.ADMIN_TOKEN).statusCode())
                    .isEqualTo(409);
            JsonNode spec = cluster.client().genericKubernetesResources(io.remediator.report.ReportStore.KIND)
                    .inNamespace(service.reportsNamespace()).list().getItems().stream()
                    .filter(r -> r.getMetadata().getName().equals(id)).findFirst().map(r -> (JsonNode) new com.fasterxml.jackson.databind.ObjectMapper()
                            .valueToTree(r.getAdditionalProperties().get("spec"))).orElseThrow();
            String uid = cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("team")
                    .withName("db").get().getMetadata().getUid();
            assertThat(spec.get("approvedActions")).extracting(JsonNode::asText)
                    .containsExactly("LIVE_MIGRATE team/db #1 uid=" + uid);
            assertThat(spec.get("approvals").get(0).get("by").asText()).isEqualTo("alice");
            assertThat(spec.get("approvals").get(0).get("pass").asInt()).isEqualTo(pass);

            migrationSucceeded(ourMigrations().get(0));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode later = service.getJson("/api/reports/" + id);
                assertThat(followUps(later)).containsExactly(
                        "VirtualMachineInstanceMigration team/kvr-db: done: team/db no longer runs an outdated launcher");
                assertThat(later.get("remediation").get("nextPassAt").isNull()).isTrue();
            });
        }
    }

    @Test
    void theReportFollowsAMigrationAsTheWatchSeesItNotOnlyAtTheNextPass() {
        cluster.create(kubeVirt("kubevirt", List.of("Evict"), null, null));
        cluster.create(vmi("team", "app").migratable().build());

        try (RunningService service = start(Policies.mode("auto").batch(0, "1h"))) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = report.get("id").asText();
            assertThat(actions(report).get("LIVE_MIGRATE team/app").get("result").get("outcome").asText()).isEqualTo("done");
            String nextPass = report.get("remediation").get("nextPassAt").asText();

            // Play KubeVirt: the migration runs, then succeeds and the VMI loses its outdated label.
            GenericKubernetesResource m = ourMigrations().get(0);
            m.getAdditionalProperties().put("status", Map.of("phase", "Running"));
            m = cluster.client().resource(m).updateStatus();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(followUps(service.getJson(
                    "/api/reports/" + id))).containsExactly(
                    "VirtualMachineInstanceMigration team/kvr-app: in progress: migration Running"));

            migrationSucceeded(m);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(followUps(service.getJson(
                    "/api/reports/" + id))).containsExactly(
                    "VirtualMachineInstanceMigration team/kvr-app: done: team/app no longer runs an outdated launcher"));

            JsonNode later = service.getJson("/api/reports/" + id);
            assertThat(later.get("remediation").get("pass").asInt()).isEqualTo(1);
            assertThat(later.get("remediation").get("nextPassAt").asText()).isEqualTo(nextPass);
            assertThat(later.get("outdatedVmis")).isEmpty();
        }
    }

    @Test
    void aResolvedAlertNeverActs() {
        seedOneOfEachAction();
        Map<String, String> before = versions();
        try (RunningService service = start(Policies.mode("auto").restart("auto").stop("auto"))) {
            JsonNode report = service.awaitReport(service.postWebhook(
                    Payloads.group("resolved", 0, Payloads.alert("resolved", Payloads.OUTDATED, null)), RunningService.TOKEN));
            assertThat(report.get("remediation").isNull()).isTrue();
            JsonNode list = service.getJson("/api/reports");
            assertThat(StreamSupport.stream(list.spliterator(), false)).hasSize(1);
        }
        assertThat(versions()).isEqualTo(before);
    }

    @Test
    void enablingKubeVirtsWorkloadUpdatesHandsTheMigrationsToKubeVirtAndAOnceVmIsRestartedByDeletingItsVmi() {
        cluster.create(kubeVirt("kubevirt", null, null, null));
        cluster.create(vmi("team", "db").migratable().build());
        // Once: KubeVirt's restart refuses it (409) and a stop would make it Halted (then Always on its next
        // start); its VM controller starts a fresh VMI when the VMI is deleted (vm.go:1140-1148).
        cluster.create(vm("team", "batch", "Once"));
        GenericKubernetesResource batch = cluster.create(vmi("team", "batch")
                .notMigratable("DisksNotLiveMigratable", "RWO").ownedBy("batch").build());

        try (RunningService service = start(Policies.mode("auto").enableWorkloadUpdates("auto").restart("auto")
                .stop("auto"))) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

            Map<String, JsonNode> actions = actions(report);
            assertThat(actions.get("ENABLE_WORKLOAD_UPDATES kubevirt/kubevirt").get("result").get("outcome").asText())
                    .isEqualTo("done");
            assertThat(actions.get("LIVE_MIGRATE team/db").get("decision").asText()).isEqualTo("HANDED_TO_KUBEVIRT");
            assertThat(actions).doesNotContainKey("STOP team/batch");
            JsonNode restart = actions.get("RESTART team/batch");
            assertThat(restart.get("decision").asText()).isEqualTo("RUN");
            assertThat(restart.get("object").asText()).isEqualTo("VirtualMachineInstance team/batch");
            assertThat(restart.get("result").get("outcome").asText()).isEqualTo("done");
            JsonNode vmiRow = StreamSupport.stream(report.get("outdatedVmis").spliterator(), false)
                    .filter(v -> v.get("name").asText().equals("batch")).findFirst().orElseThrow();
            assertThat(vmiRow.get("explanation").asText()).contains("run strategy Once")
                    .contains("deleting the VMI is its restart").doesNotContain("will not start it again by itself");
        }
        GenericKubernetesResource kv = cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT)
                .inNamespace("kubevirt").withName("kubevirt").get();
        assertThat((Object) kv.get("spec", "workloadUpdateStrategy", "workloadUpdateMethods")).isEqualTo(List.of("LiveMigrate"));
        GenericKubernetesResource vm = cluster.client().genericKubernetesResources(KubeVirtResources.VM)
                .inNamespace("team").withName("batch").get();
        // The run strategy is left as it was: Once, not Halted.
        assertThat((Object) vm.get("spec", "runStrategy")).isEqualTo("Once");
        GenericKubernetesResource now = cluster.client().genericKubernetesResources(KubeVirtResources.VMI)
                .inNamespace("team").withName("batch").get();
        assertThat(now == null || !now.getMetadata().getUid().equals(batch.getMetadata().getUid())
                || now.getMetadata().getDeletionTimestamp() != null).isTrue();
        assertThat(migrations()).isEmpty();
    }

    @Test
    void thePolicysNamespaceSelectorLimitsWhereItActsNotWhatIsDiagnosed() {
        cluster.create(kubeVirt("kubevirt", List.of("Evict"), null, null));
        cluster.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("auto-ok").withLabels(Map.of("remediation", "allowed")).endMetadata().build())
                .createOr(op -> op.update());
        cluster.create(vmi("auto-ok", "a").migratable().build());
        cluster.create(vmi("hands-off", "b").migratable().build());
        RemediatorConfig.Policy base = Policies.mode("auto").build();
        RemediatorConfig.Policy selected = new RemediatorConfig.Policy(base.mode(), base.actions(),
                base.enableWorkloadUpdatesMethods(), new RemediatorConfig.Namespaces(List.of(), List.of(),
                "remediation=allowed"), base.optOutKey(), base.windows(), base.timeZone(), base.limits(), base.maxRetries());

        try (RunningService service = RunningService.start(cluster.newClient(), RunningService.withPolicy(selected))
                .awaitReady()) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

            assertThat(report.get("outdatedVmis")).hasSize(2);
            Map<String, JsonNode> actions = actions(report);
            assertThat(actions.get("LIVE_MIGRATE auto-ok/a").get("decision").asText()).isEqualTo("RUN");
            assertThat(actions.get("LIVE_MIGRATE hands-off/b").get("decision").asText()).isEqualTo("OUT_OF_SCOPE");
        }
        assertThat(ourMigrations()).extracting(m -> m.getMetadata().getNamespace()).containsExactly("auto-ok");
    }
}

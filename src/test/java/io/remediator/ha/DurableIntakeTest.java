package io.remediator.ha;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.report.ReportStore;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.ServiceProcess;
import io.remediator.testing.TcpOutage;
import io.remediator.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost, nothing done twice, one actor: the service killed with SIGKILL at the worst
 * moments, its API server gone while an alert arrives, two replicas at once, and a burst of
 * duplicate deliveries, all against a real API server.
 */
@ExtendWith(RealCluster.class)
class DurableIntakeTest {
    private static final List<String> VMIS = List.of("db-1", "db-2", "db-3");
    private static final String AUTO = "{mode: auto}";

    private TestCluster cluster;
    private String namespace;
    @TempDir
    Path dir;

    @BeforeEach
    void seed(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
        namespace = RunningService.freshNamespace();
        cluster.namespace(namespace);
        // No automated workload updates: each migratable VMI gets a migration from this service.
        cluster.create(kubeVirt("kubevirt", List.of("Evict"), null, null));
        VMIS.forEach(name -> cluster.create(vmi("team", name).migratable().build()));
    }

    /** The migrations that exist per VMI: exactly one each means nothing was lost and nothing done twice. */
    private Map<String, Long> migrationsPerVmi() {
        return cluster.client().genericKubernetesResources(KubeVirtResources.MIGRATION).inNamespace("team").list()
                .getItems().stream().collect(Collectors.groupingBy(m -> String.valueOf((Object) m.get("spec", "vmiName")),
                        Collectors.counting()));
    }

    private GenericKubernetesResource stored(String id) {
        return cluster.client().genericKubernetesResources(ReportStore.KIND).inNamespace(namespace).withName(id).get();
    }

    private static String id(HttpResponse<String> accepted, RunningService http) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        return http.parse(accepted.body()).get("workItems").get(0).asText();
    }

    private static void assertEveryVmiMigratedOnce(JsonNode report) {
        List<String> outcomes = new ArrayList<>();
        // Only Evict is on and the VMIs are migratable with strategy None: the plan also proposes adding
        // LiveMigrate to KubeVirt's methods (report only, unset in this policy); that is on no VMI.
        report.get("remediation").get("actions").forEach(a -> {
            if (a.get("action").asText().equals("LIVE_MIGRATE")) {
                outcomes.add(a.get("vmi").asText() + " " + a.get("decision").asText() + " "
                        + a.path("result").path("outcome").asText());
            }
        });
        assertThat(outcomes).hasSize(3).allSatisfy(o -> assertThat(o).matches("db-\\d RUN (done|already-done)"));
    }

    @Test
    void anAlertAnsweredWith2xxSurvivesAKillRightAfterAndIsDiagnosedAfterRestart() {
        // Someone else holds the Lease, so replica a only takes the webhook: the kill comes before any diagnosis.
        cluster.someoneElseLeads(namespace);
        String id;
        try (ServiceProcess a = ServiceProcess.start(dir, "a", cluster, namespace, AUTO)) {
            a.http().awaitReady();
            id = id(a.http().postWebhook(Payloads.firing(), RunningService.TOKEN), a.http());
            a.kill();
        }
        GenericKubernetesResource afterKill = stored(id);
        assertThat(afterKill).as("the acknowledged alert is stored").isNotNull();
        assertThat(afterKill.getAdditionalProperties().get("status")).isNull();
        assertThat(migrationsPerVmi()).isEmpty();

        cluster.client().leases().inNamespace(namespace).withName("kubevirt-remediator").delete();
        try (ServiceProcess b = ServiceProcess.start(dir, "b", cluster, namespace, AUTO)) {
            JsonNode report = b.http().awaitReady().awaitReport(id);
            assertThat(report.get("diagnosed").asBoolean()).isTrue();
            assertThat(report.get("outdatedVmiCount").asInt()).isEqualTo(3);
            assertEveryVmiMigratedOnce(report);
            assertThat(migrationsPerVmi()).containsOnlyKeys(VMIS).allSatisfy((vmi, n) -> assertThat(n).isEqualTo(1));
        }
    }

    @Test
    void everyKindOfDeliveryAnsweredWith2xxIsStoredBeforeAKill() {
        // A follower only takes the webhook: what it answered must be in the API server when it dies.
        cluster.someoneElseLeads(namespace);
        String changed = Payloads.group("firing", 0, Payloads.alert("firing", Payloads.OUTDATED, null),
                Payloads.alert("firing", Payloads.OUTDATED, "\"cluster\":\"second\""));
        String id;
        try (ServiceProcess a = ServiceProcess.start(dir, "a", cluster, namespace, AUTO)) {
            a.http().awaitReady();
            // New (created without a read), repeated (answered from the watch), then changed (one write).
            id = id(a.http().postWebhook(Payloads.firing(), RunningService.TOKEN), a.http());
            await().atMost(Duration.ofSeconds(10)).until(() -> a.http().get("/api/reports?status=firing")
                    .headers().firstValue("X-Total-Count").orElse("0").equals("1"));
            assertThat(id(a.http().postWebhook(Payloads.firing(), RunningService.TOKEN), a.http())).isEqualTo(id);
            assertThat(id(a.http().postWebhook(changed, RunningService.TOKEN), a.http())).isEqualTo(id);
            a.kill();
        }
        GenericKubernetesResource afterKill = stored(id);
        assertThat(afterKill).as("the acknowledged alerts are stored").isNotNull();
        assertThat((List<?>) afterKill.get("spec", "alerts")).hasSize(2);
        assertThat((Object) afterKill.get("spec", "alertSet")).isEqualTo(2);
        // The repeat's count was coalesced; a kill may lose it (at most one flush interval), never an alert.
        assertThat(((Number) afterKill.get("spec", "deliveries")).intValue()).isBetween(2, 3);
    }

    @Test
    void killedBetweenPlanningAndExecutingABatchTheNextLeaderNeitherRepeatsNorLosesAnAction() throws Exception {
        ServiceProcess a = ServiceProcess.start(dir, "a", cluster, namespace, AUTO);
        AtomicReference<String> planStored = new AtomicReference<>();
        CountDownLatch killed = new CountDownLatch(1);
        // Kill the moment the stored report says a pass is about to write (phase Acting).
        try (Watch w = cluster.client().genericKubernetesResources(ReportStore.KIND).inNamespace(namespace)
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource r) {
                        Object phase = r.get("status", "phase");
                        if ("Acting".equals(phase) && killed.getCount() > 0) {
                            a.kill();
                            planStored.set(r.getMetadata().getName());
                            killed.countDown();
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            a.http().awaitReady().awaitLeading();
            String id = id(a.http().postWebhook(Payloads.firing(), RunningService.TOKEN), a.http());
            assertThat(killed.await(30, TimeUnit.SECONDS)).as("replica a stored its plan (log: " + a.log() + ")").isTrue();
            assertThat(planStored.get()).isEqualTo(id);
        }
        assertThat(a.alive()).isFalse();
        GenericKubernetesResource cutOff = stored(planStored.get());
        assertThat((Object) cutOff.get("status", "phase")).isEqualTo("Acting");
        Map<String, Long> beforeRestart = migrationsPerVmi();
        assertThat(beforeRestart.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));

        // b waits out a's Lease (a could not release it), then finds the cut-off pass and finishes it.
        try (ServiceProcess b = ServiceProcess.start(dir, "b", cluster, namespace, AUTO)) {
            JsonNode report = b.http().awaitReady().awaitReport(planStored.get());
            assertThat(report.get("remediation").get("pass").asInt()).isEqualTo(2);
            assertEveryVmiMigratedOnce(report);
            assertThat(migrationsPerVmi()).containsOnlyKeys(VMIS).allSatisfy((vmi, n) -> assertThat(n).isEqualTo(1));
            // What a had already created shows as already-done: it was not created again.
            report.get("remediation").get("actions").forEach(action -> {
                if (beforeRestart.containsKey(action.get("vmi").asText())) {
                    assertThat(action.get("result").get("outcome").asText()).isEqualTo("already-done");
                }
            });
        }
    }

    @Test
    void whenTheApiServerIsGoneTheWebhookAnswers503AndTheRetrySucceeds() {
        Config admin = Config.fromKubeconfig(cluster.kubeconfigYaml());
        URI api = URI.create(admin.getMasterUrl());
        try (TcpOutage outage = new TcpOutage(api.getHost(), api.getPort());
             RunningService service = RunningService.start(new KubernetesClientBuilder().withConfig(
                     new ConfigBuilder(admin).withMasterUrl("https://127.0.0.1:" + outage.port())
                             .withConnectionTimeout(1_000).withRequestRetryBackoffLimit(1).build()).build(),
                     config())) {
            service.awaitReady().awaitLeading();
            outage.down();
            HttpResponse<String> refused = service.postWebhook(Payloads.firing(), RunningService.TOKEN);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(service.parse(refused.body()).get("error").asText()).contains("retry later");
            assertThat(cluster.client().genericKubernetesResources(ReportStore.KIND).inNamespace(namespace).list()
                    .getItems()).as("nothing stored, nothing acknowledged").isEmpty();

            outage.up();
            // Alertmanager retries a 5xx with backoff; so does this test.
            AtomicReference<HttpResponse<String>> retried = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                retried.set(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
                return retried.get().statusCode() == 200;
            });
            JsonNode report = service.awaitReport(retried.get());
            assertThat(report.get("diagnosed").asBoolean()).isTrue();
            assertEveryVmiMigratedOnce(report);
        }
    }

    @Test
    void ofTwoReplicasExactlyOneActsAndTheOtherTakesOverWithinTheLeaseWhenItDies() {
        try (ServiceProcess a = ServiceProcess.start(dir, "a", cluster, namespace, AUTO);
             ServiceProcess b = ServiceProcess.start(dir, "b", cluster, namespace, AUTO)) {
            a.http().awaitReady();
            b.http().awaitReady();
            await().atMost(Duration.ofSeconds(20)).until(() -> a.http().leading() || b.http().leading());
            ServiceProcess leader = a.http().leading() ? a : b;
            ServiceProcess follower = leader == a ? b : a;
            assertThat(follower.http().leading()).isFalse();
            // The follower learns the holder at its next try (every retryPeriod).
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> follower.http().get("/readyz").body().contains("leader: " + leader.name()));
            assertThat(follower.http().get("/metrics").body()).contains("remediator_leader{identity=\"" + follower.name() + "\"} 0.0");
            assertThat(leader.http().get("/metrics").body()).contains("remediator_leader{identity=\"" + leader.name() + "\"} 1.0");

            // The follower takes the webhook; the leader acts; both serve the same report.
            String id = id(follower.http().postWebhook(Payloads.firing(), RunningService.TOKEN), follower.http());
            JsonNode report = follower.http().awaitReport(id);
            assertEveryVmiMigratedOnce(report);
            assertThat((Object) stored(id).get("status", "actor")).isEqualTo(leader.name());
            assertThat(leader.http().getJson("/api/reports/" + id).get("phase").asText())
                    .isEqualTo(report.get("phase").asText());
            assertThat(migrationsPerVmi()).allSatisfy((vmi, n) -> assertThat(n).isEqualTo(1));

            Instant died = Instant.now();
            leader.kill();
            await().atMost(Duration.ofSeconds(15)).until(() -> follower.http().leading());
            Duration takeover = Duration.between(died, Instant.now());
            assertThat(takeover).as("lease 4s, renewal every 500ms").isLessThan(Duration.ofSeconds(4 + 3));

            // The survivor acts on a new episode: one more VMI, one more migration.
            cluster.create(vmi("team", "db-4").migratable().build());
            String newer = id(follower.http().postWebhook(Payloads.group("firing", 0,
                    Payloads.alert("firing", Payloads.OUTDATED, null).replace("2026-11-23T10:00", "2026-11-24T09:00")),
                    RunningService.TOKEN), follower.http());
            assertThat(newer).isNotEqualTo(id);
            follower.http().awaitReport(newer);
            assertThat((Object) stored(newer).get("status", "actor")).isEqualTo(follower.name());
            assertThat(migrationsPerVmi()).containsOnlyKeys("db-1", "db-2", "db-3", "db-4")
                    .allSatisfy((vmi, n) -> assertThat(n).isEqualTo(1));
        }
    }

    @Test
    void fiftyConcurrentDeliveriesOfOneGroupToTwoReplicasMakeOneReport() throws Exception {
        try (RunningService a = RunningService.start(cluster.newClient(), config());
             RunningService b = RunningService.start(cluster.newClient(), config())) {
            a.awaitReady();
            b.awaitReady();
            ExecutorService senders = Executors.newFixedThreadPool(50);
            try {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    RunningService to = i % 2 == 0 ? a : b;
                    answers.add(senders.submit(() -> to.postWebhook(Payloads.firing(), RunningService.TOKEN)));
                }
                List<String> ids = new ArrayList<>();
                for (Future<HttpResponse<String>> answer : answers) {
                    ids.add(id(answer.get(60, TimeUnit.SECONDS), a));
                }
                assertThat(ids).containsOnly(ids.get(0));
                List<GenericKubernetesResource> reports = cluster.client().genericKubernetesResources(ReportStore.KIND)
                        .inNamespace(namespace).list().getItems();
                assertThat(reports).hasSize(1);
                // Repeats answered from the watch are counted within a second, all of them.
                await().atMost(Duration.ofSeconds(10)).until(() -> stored(ids.get(0)).get("spec", "deliveries"),
                        n -> Integer.valueOf(50).equals(n));
                JsonNode report = a.awaitReport(ids.get(0));
                assertThat(report.get("deliveries").asInt()).isEqualTo(50);
                assertEveryVmiMigratedOnce(report);
                assertThat(migrationsPerVmi()).allSatisfy((vmi, n) -> assertThat(n).isEqualTo(1));
            } finally {
                senders.shutdownNow();
            }
        }
    }

    private io.remediator.config.RemediatorConfig config() {
        var d = RunningService.withPolicy(io.remediator.testing.Policies.mode("auto").build());
        return new io.remediator.config.RemediatorConfig(d.server(), d.webhook(), d.diagnosis(),
                RunningService.withReportsNamespace(d.reports(), namespace), d.policy(), d.api(), d.leaderElection(),
                d.publicUrl(), d.slack());
    }
}

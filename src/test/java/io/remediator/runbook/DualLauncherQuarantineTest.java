package io.remediator.runbook;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.launcherPod;
import static io.remediator.testing.KubeVirtObjects.migration;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.remediator.config.RemediatorConfig;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * next-capabilities §2.6's `dual` fixture on the real API server: VMI db-7 with two Running
 * launcher pods (their status written through pods/status, as the kubelet would), its updater
 * migration Succeeded. Quarantined even with `mode: auto`; cleared when the stale pod ends.
 */
@ExtendWith(RealCluster.class)
class DualLauncherQuarantineTest {
    private TestCluster cluster;

    @BeforeEach
    void cluster(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    private void phase(String name, String phase) {
        Pod p = cluster.client().pods().inNamespace("team").withName(name).get();
        p.setStatus(new PodStatusBuilder().withPhase(phase).build());
        cluster.client().pods().resource(p).updateStatus();
    }

    @Test
    void twoRunningLaunchersAfterASucceededMigrationAreCriticalQuarantinedAndClearWhenTheStalePodEnds(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).deployed("v1.9.0", Instant.now().minusSeconds(3_600)).build());
        GenericKubernetesResource db = cluster.create(vmi("team", "db-7").node("node-2").migratable().build());
        cluster.create(launcherPod(db, "virt-launcher-db-7-old", "node-1"));
        cluster.create(launcherPod(db, "virt-launcher-db-7-new", "node-2"));
        phase("virt-launcher-db-7-old", "Running");
        phase("virt-launcher-db-7-new", "Running");
        cluster.create(migration("team", "kubevirt-workload-update-db-7", "db-7").byWorkloadUpdater()
                .succeeded(Instant.now().minusSeconds(30), 10).build());
        RemediatorConfig d = RunningService.withPolicy(io.remediator.testing.Policies.mode("auto").liveMigrate("auto")
                .restart("auto").build());
        io.remediator.testing.FakeSlack slack = new io.remediator.testing.FakeSlack();
        RemediatorConfig config = new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(), d.policy(),
                d.api(), d.leaderElection(), "https://remediator.example.com", slack.botConfig(dir,
                new RemediatorConfig.Approval("none", "", Duration.ofMinutes(30), "", "EVICT", "", List.of(), "")),
                d.rollout(), d.systemic(), new RemediatorConfig.DualLauncher(Duration.ofSeconds(5)));
        try (slack; RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            // The grace (5 s here) runs from the newest pod's creation: a migration's hand-off is not a finding.
            await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
            JsonNode report = s.awaitReport(s.postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN));
            assertThat(report.get("dualLaunchers")).singleElement().satisfies(x -> {
                assertThat(x.get("vmi").asText()).isEqualTo("db-7");
                assertThat(x.get("current").asText()).isEqualTo("virt-launcher-db-7-new");
                assertThat(x.get("pods")).extracting(p -> p.get("node").asText()).containsExactlyInAnyOrder("node-1", "node-2");
            });
            assertThat(report.get("findings").get(0).asText()).startsWith("CRITICAL: team/db-7 runs in 2 active launcher pods");
            JsonNode db7 = null;
            for (JsonNode v : report.get("outdatedVmis")) {
                db7 = "db-7".equals(v.path("name").asText()) ? v : db7;
            }
            assertThat(db7).isNotNull();
            assertThat(db7.get("branch").asText()).isEqualTo("DUAL_LAUNCHER");
            assertThat(db7.get("explanation").asText()).startsWith("CRITICAL: team/db-7");
            // mode auto, liveMigrate auto: still nothing for it.
            JsonNode actions = report.path("remediation").path("actions");
            assertThat(actions).isNotEmpty().filteredOn(a -> "db-7".equals(a.path("vmi").asText()))
                    .isNotEmpty().allSatisfy(a -> assertThat(a.get("decision").asText()).isEqualTo("QUARANTINED"));
            assertThat(cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.MIGRATION)
                    .inNamespace("team").list().getItems()).hasSize(1);
            assertThat(s.get("/metrics").body()).contains("remediator_dual_launcher_vmis 1.0");
            // A Warning Event on the VMI, once, and a Slack message of its own, once.
            await().atMost(Duration.ofSeconds(20)).alias("the DualLauncher Event").until(() -> cluster.client().v1().events()
                    .inNamespace("team").list().getItems().stream().anyMatch(e -> "DualLauncher".equals(e.getReason())
                            && "Warning".equals(e.getType()) && "db-7".equals(e.getInvolvedObject().getName())
                            && "VirtualMachineInstance".equals(e.getInvolvedObject().getKind())
                            && e.getMessage().startsWith("CRITICAL: team/db-7 runs in 2 active launcher pods")));
            await().atMost(Duration.ofSeconds(20)).alias("its own Slack message").until(() -> slack.calls("chat.postMessage")
                    .stream().anyMatch(c -> c.form().getOrDefault("text", "").contains("team/db-7 runs in 2 launcher pods")));
            String notice = slack.calls("chat.postMessage").stream().filter(c -> c.form().getOrDefault("text", "")
                    .contains("team/db-7 runs in 2 launcher pods")).findFirst().orElseThrow().form().get("blocks");
            assertThat(notice).contains("virt-launcher-db-7-old").contains("virt-launcher-db-7-new")
                    .contains("KubeVirt\\u0027s current").contains("QUARANTINED");
            s.awaitReport(s.postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN));
            Thread.sleep(2_000);
            assertThat(slack.calls("chat.postMessage")).filteredOn(c -> c.form().getOrDefault("text", "")
                    .contains("team/db-7 runs in 2 launcher pods")).hasSize(1);
            assertThat(cluster.client().v1().events().inNamespace("team").list().getItems())
                    .filteredOn(e -> "DualLauncher".equals(e.getReason()) && "db-7".equals(e.getInvolvedObject().getName()))
                    .hasSize(1);

            // The stale source pod ends (case c): the finding clears at the next diagnosis.
            phase("virt-launcher-db-7-old", "Succeeded");
            JsonNode again = s.awaitReport(s.postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN));
            await().atMost(Duration.ofSeconds(20)).until(() -> s.getJson("/api/reports/" + again.get("id").asText())
                    .path("dualLaunchers").isMissingNode());
            assertThat(s.get("/metrics").body()).contains("remediator_dual_launcher_vmis 0.0");
        }
    }

    /** Writes the VMI's `status.activePods` and `status.migrationState` as virt-controller and virt-handler would. */
    private void kubeVirtsView(String vmi, java.util.Map<String, Object> migrationState, Pod... pods) {
        var vmis = cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.VMI).inNamespace("team");
        GenericKubernetesResource r = vmis.withName(vmi).get();
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> status = (java.util.Map<String, Object>) r.getAdditionalProperties().get("status");
        java.util.Map<String, Object> active = new java.util.LinkedHashMap<>();
        for (Pod p : pods) {
            active.put(p.getMetadata().getUid(), p.getSpec().getNodeName());
        }
        status.put("activePods", active);
        status.put("migrationState", migrationState);
        vmis.resource(r).update(); // KubeVirt's VMI CRD has no status subresource
    }

    /**
     * An updated VMI on {@code node} with a Running source pod on {@code sourceNode} and a Running
     * target pod on {@code node}, both in its `status.activePods`, its migrationState {@code completed} or not.
     */
    private void runningTwice(String name, String node, String sourceNode, String migrationUid, boolean completed) {
        GenericKubernetesResource vmi = cluster.create(vmi("team", name).outdated(false).node(node).migratable().build());
        String src = "virt-launcher-" + name + "-src";
        String tgt = "virt-launcher-" + name + "-tgt";
        Pod source = cluster.create(launcherPod(vmi, src, sourceNode));
        Pod target = cluster.create(launcherPod(vmi, tgt, node));
        phase(src, "Running");
        phase(tgt, "Running");
        kubeVirtsView(name, java.util.Map.of("migrationUid", migrationUid, "completed", completed, "sourcePod", src,
                "targetPod", tgt), source, target);
    }

    /**
     * kubevirt/kubevirt#18320: the updater's migration Succeeded and the VMI, updated, runs on the
     * target, yet the source pod still runs. The VMI is no longer outdated (KubeVirt lists it with
     * two active pods: the service keeps it for that), and the finding gives KubeVirt's own view.
     * A hand-off the VMI still shows as under way is none, even with its migration object gone.
     */
    @Test
    void anUpdatedVmiStillRunningInItsSourcePodIsFoundWithKubeVirtsOwnViewAndAHandOffIsNot() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0", Instant.now().minusSeconds(3_600))
                .build());
        runningTwice("web-3", "node-2", "node-1", "m-1", true);
        // Another, mid hand-off: its migrationState is not completed; its migration object is already gone.
        runningTwice("api-4", "node-1", "node-3", "m-2", false);
        cluster.create(vmi("team", "old-1").migratable().build());
        RemediatorConfig d = RunningService.defaultConfig();
        RemediatorConfig config = new RemediatorConfig(d.server(), d.webhook(), d.diagnosis(), d.reports(), d.policy(),
                d.api(), d.leaderElection(), d.publicUrl(), d.slack(), d.rollout(), d.systemic(),
                new RemediatorConfig.DualLauncher(Duration.ofSeconds(5)));
        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
            JsonNode report = s.awaitReport(s.postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN));
            assertThat(report.get("dualLaunchers")).singleElement().satisfies(x -> {
                assertThat(x.get("vmi").asText()).isEqualTo("web-3");
                assertThat(x.get("current").asText()).isEqualTo("virt-launcher-web-3-tgt");
                assertThat(x.get("activePodNodes").toString()).isEqualTo("[\"node-1\",\"node-2\"]");
            });
            assertThat(report.get("findings").get(0).asText()).startsWith("CRITICAL: team/web-3 runs in 2 active launcher pods")
                    .contains("its migrationState: virt-launcher-web-3-src → virt-launcher-web-3-tgt (completed)")
                    .contains("KubeVirt's status.activePods lists 2 (on node-1, node-2)");
            // During a rollout it is reason enough to recommend pausing KubeVirt's updater (report mode: not run).
            assertThat(report.path("remediation").path("actions")).filteredOn(a -> "PAUSE_WORKLOAD_UPDATES"
                    .equals(a.path("action").asText())).singleElement().satisfies(a -> {
                        assertThat(a.path("why").asText()).contains("team/web-3 runs in two launchers");
                        assertThat(a.path("decision").asText()).isEqualTo("REPORT_ONLY");
                    });
            assertThat(cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.KUBEVIRT)
                    .inNamespace("kubevirt").withName("kubevirt").get().get("spec", "workloadUpdateStrategy",
                            "workloadUpdateMethods").toString()).isEqualTo("[LiveMigrate]");
        }
    }
}

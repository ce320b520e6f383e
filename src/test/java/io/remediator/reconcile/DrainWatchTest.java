package io.remediator.reconcile;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.remediator.testing.Policies;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * next-capabilities §4.5 / §4.6 V3 on the real API server with KubeVirt's CRDs: cordoning a node
 * with a VMI KubeVirt refuses to evict makes a drain-blocker report within seconds and before any
 * alert, named after the node and the cordon's time from the node's managedFields; the restart it
 * plans waits for a person even in `auto`; the alert's report, when it comes, links to it and plans
 * nothing for that VMI; the uncordon resolves and closes it; nothing of a node, VM or VMI is written.
 */
@ExtendWith(RealCluster.class)
class DrainWatchTest {
    private static final String NS = "drain";
    private static final String NODE = "drain-node-1";
    private TestCluster cluster;

    @BeforeEach
    void cluster(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    @AfterEach
    void nodes() {
        cluster.client().nodes().withName(NODE).delete();
    }

    private static Map<String, JsonNode> byName(JsonNode list, String field) {
        Map<String, JsonNode> out = new HashMap<>();
        list.forEach(n -> out.put(n.get(field).asText(), n));
        return out;
    }

    /** KubeVirt's VMCannotBeEvicted for one VMI, as Alertmanager delivers it. */
    private static String alertFor(String name) {
        return """
                {"receiver":"kubevirt-remediator","status":"firing","alerts":[{"status":"firing",
                   "labels":{"alertname":"VMCannotBeEvicted","severity":"warning","namespace":"%1$s","name":"%2$s",
                             "node":"%3$s","pod":"virt-controller-a","job":"kubevirt-prometheus-metrics"},
                   "annotations":{"runbook_url":"https://kubevirt.io/monitoring/runbooks/VMCannotBeEvicted"},
                   "startsAt":"2026-12-07T08:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",
                   "generatorURL":"http://prometheus.example/graph","fingerprint":"0a1b2c3d4e5f6a7b"}],
                 "groupLabels":{"alertname":"VMCannotBeEvicted"},"commonLabels":{"alertname":"VMCannotBeEvicted"},
                 "commonAnnotations":{},"externalURL":"http://alertmanager.example:9093","version":"4",
                 "groupKey":"{}:{alertname=\\"VMCannotBeEvicted\\"}","truncatedAlerts":0}
                """.formatted(NS, name, NODE);
    }

    private List<JsonNode> drainReports(RunningService s) {
        return StreamSupport.stream(s.getJson("/api/reports").spliterator(), false)
                .filter(r -> r.get("id").asText().startsWith("drain-")).toList();
    }

    @Test
    void aCordonWithAVmiKubeVirtWillNotEvictIsAReportWithinSecondsThatTheAlertLinksToAndTheUncordonCloses() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).evictionStrategy("LiveMigrate")
                .deployed("v1.9.0", Instant.now().minusSeconds(86_400)).build());
        cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata()
                .withNewSpec().withUnschedulable(false).endSpec().build()).create();
        cluster.create(vm(NS, "gpu-1", "Always"));
        cluster.create(vmi(NS, "gpu-1").outdated(false).node(NODE).ownedBy("gpu-1").evictionStrategy("LiveMigrate")
                .notMigratable("HostDeviceNotLiveMigratable", "VMI uses a PCI host devices").build());
        // Migratable, and one whose strategy lets it be shut down: neither holds the drain up.
        cluster.create(vm(NS, "web-2", "Always"));
        cluster.create(vmi(NS, "web-2").outdated(false).node(NODE).ownedBy("web-2").evictionStrategy("LiveMigrate")
                .migratable().build());
        cluster.create(vm(NS, "batch-3", "Always"));
        cluster.create(vmi(NS, "batch-3").outdated(false).node(NODE).ownedBy("batch-3").evictionStrategy("None")
                .notMigratable("DisksNotLiveMigratable", "PVC data is not shared").build());

        var config = RunningService.withPolicy(Policies.mode("auto").restart("auto").stop("auto").build());
        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady().awaitLeading()) {
            // Not drained: nothing to report, however long it looks.
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> drainReports(s).isEmpty());

            cluster.client().nodes().withName(NODE).edit(n -> new NodeBuilder(n).editSpec().withUnschedulable(true)
                    .endSpec().build());
            Instant cordoned = Instant.now();
            long mark = cluster.audit().mark();
            Node node = cluster.client().nodes().withName(NODE).get();
            await().atMost(Duration.ofSeconds(10)).alias("a drain-blocker report within 10 s of the cordon")
                    .until(() -> !drainReports(s).isEmpty());
            String id = drainReports(s).get(0).get("id").asText();
            assertThat(Duration.between(cordoned, Instant.now())).isLessThan(Duration.ofSeconds(10));
            // Named after the node and the drain's start. Kubernetes 1.30 records the cordon's time in the node's
            // managedFields (DrainStartsTest); this 1.20 test server keeps none, so the start is when the watch
            // first saw it, and the report says so.
            assertThat(node.getMetadata().getManagedFields()).isEmpty();
            assertThat(id).startsWith("drain-" + NODE + "-");
            long since = Long.parseLong(id.substring(("drain-" + NODE + "-").length()));
            assertThat(since).isBetween(cordoned.getEpochSecond() - 1, cordoned.getEpochSecond() + 10);
            var stored = cluster.client().resources(io.remediator.report.RemediationReport.class)
                    .inNamespace(s.reportsNamespace()).withName(id).get().getSpec();
            assertThat(stored.alerts()).singleElement().satisfies(a -> {
                assertThat(a.labels()).containsEntry("namespace", NS).containsEntry("name", "gpu-1")
                        .containsEntry("node", NODE);
                assertThat(a.annotations().get("summary")).contains("node " + NODE + " is cordoned")
                        .contains("(approximately: first seen then)");
                assertThat(a.startsAt().getEpochSecond()).isEqualTo(since);
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> s.getJson("/api/reports/" + id).path("remediation")
                    .path("actions").size() > 0);
            JsonNode report = s.getJson("/api/reports/" + id);
            assertThat(report.get("runbook").asText()).isEqualTo("VMCannotBeEvicted");
            assertThat(report.get("receiver").asText()).isEqualTo("drain-watch");
            Map<String, JsonNode> vmis = byName(report.get("nonEvictableVmis"), "name");
            assertThat(vmis).containsOnlyKeys("gpu-1");
            assertThat(vmis.get("gpu-1").get("branch").asText()).isEqualTo("VCE_DRAIN_BLOCKED");
            assertThat(report.get("drainBlockedNodes")).extracting(JsonNode::asText).containsExactly(NODE);
            Map<String, JsonNode> actions = byName(report.get("remediation").get("actions"), "key");
            assertThat(actions.get("RESTART drain/gpu-1").get("decision").asText()).isEqualTo("AWAITING_APPROVAL");

            // The alert arrives a minute later: its report links to the drain report and plans nothing for gpu-1.
            JsonNode alerted = s.awaitReport(s.postWebhook(alertFor("gpu-1"), RunningService.TOKEN));
            String alertId = alerted.get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> s.getJson("/api/reports/" + alertId).path("remediation")
                    .path("actions").size() > 0);
            JsonNode restart = byName(s.getJson("/api/reports/" + alertId).get("remediation").get("actions"), "key")
                    .get("RESTART drain/gpu-1");
            assertThat(restart.get("decision").asText()).isEqualTo("OWNED_BY_DRAIN_REPORT");
            assertThat(restart.get("why").asText()).contains(id);
            assertThat(restart.path("dryRun").isMissingNode() || restart.path("dryRun").isNull()).isTrue();
            // Nothing of a node, VM or VMI was written by the service while the drain was held up.
            assertThat(cluster.audit().changesSince(mark,
                    Set.of("nodes", "virtualmachines", "virtualmachineinstances"))).isEmpty();

            cluster.client().nodes().withName(NODE).edit(n -> new NodeBuilder(n).editSpec().withUnschedulable(false)
                    .endSpec().build());
            await().atMost(Duration.ofSeconds(20)).alias("the drain report resolved and closed by the uncordon")
                    .until(() -> {
                        JsonNode r = s.getJson("/api/reports/" + id);
                        return "resolved".equals(r.get("status").asText()) && "Closed".equals(r.get("phase").asText());
                    });
        }
    }
}

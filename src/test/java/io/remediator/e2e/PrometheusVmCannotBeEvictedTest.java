package io.remediator.e2e;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.remediator.report.Alert;
import io.remediator.report.RemediationReport;
import io.remediator.testing.RealAlertmanager;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RealPrometheus;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * next-capabilities §4.6 V1, the real payload path of the second runbook: Debian's Prometheus scrapes
 * a stand-in for virt-controller's per-VMI series with `honor_labels` (as KubeVirt's ServiceMonitor
 * does), evaluates KubeVirt v1.9.0's own `VMCannotBeEvicted` rule (only `for` shortened), and Debian's
 * Alertmanager delivers it with the shipped example config. The same series is scraped from two
 * virt-controller pods (a leader change), so two alerts name one VMI.
 */
@ExtendWith(RealCluster.class)
class PrometheusVmCannotBeEvictedTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void kubeVirtsVmCannotBeEvictedRuleBecomesOneReportWithTheVmisOwnNamespaceAndOneVmiForTwoScrapes(
            TestCluster cluster, @TempDir Path dir) throws Exception {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).evictionStrategy("LiveMigrate")
                .deployed("v1.9.0", Instant.now().minusSeconds(86_400)).build());
        cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("e2e-node-1").endMetadata()
                .withNewSpec().withUnschedulable(false).endSpec().build()).create();
        cluster.create(vm("prod", "gpu-1", "Always"));
        cluster.create(vmi("prod", "gpu-1").outdated(false).node("e2e-node-1").ownedBy("gpu-1")
                .evictionStrategy("LiveMigrate").notMigratable("HostDeviceNotLiveMigratable", "VMI uses a PCI host devices")
                .build());
        // What virt-controller's vmistats collector exports for that VMI (vmistats_collector.go:71-95).
        HttpServer virtController = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        virtController.createContext("/metrics", exchange -> {
            byte[] body = """
                    # TYPE kubevirt_vmi_non_evictable gauge
                    kubevirt_vmi_non_evictable{name="gpu-1",namespace="prod",node="e2e-node-1"} 1
                    # TYPE kubevirt_vmi_info gauge
                    kubevirt_vmi_info{evictable="false",flavor="<none>",guest_os_arch="",guest_os_kernel_release="",\
                    guest_os_machine="",guest_os_name="",guest_os_version_id="",instance_type="<none>",name="gpu-1",\
                    namespace="prod",node="e2e-node-1",os="<none>",outdated="false",phase="running",preference="<none>",\
                    vmi_pod="virt-launcher-gpu-1-abcde",workload="<none>"} 1
                    """.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        virtController.start();

        JsonNode rule = YAML.readTree(Path.of("src/test/resources/kubevirt/vm-cannot-be-evicted-rule.yaml").toFile());
        ObjectNode groups = YAML.createObjectNode().set("groups", rule.at("/spec/groups").deepCopy());
        groups.withArray("groups").get(0).withArray("rules").forEach(r -> ((ObjectNode) r).put("for", "2s"));
        Files.writeString(dir.resolve("kubevirt-rules.yaml"), YAML.writeValueAsString(groups));
        Path token = Files.writeString(dir.resolve("token"), RunningService.TOKEN);
        int port = virtController.getAddress().getPort();
        try (RunningService service = RunningService.start(cluster.newClient()).awaitReady()) {
            String amConfig = Files.readString(Path.of("alertmanager-examples/alertmanager.yml"))
                    .replace("http://kubevirt-remediator.kubevirt-remediator.svc:8080", service.baseUrl())
                    .replace("/etc/alertmanager/secrets/kubevirt-remediator/token", token.toString())
                    .replace("group_wait: 30s", "group_wait: 1s").replace("group_interval: 5m", "group_interval: 2s");
            assertThat(amConfig).contains("alertname = VMCannotBeEvicted").doesNotContain("group_wait: 30s");
            try (RealAlertmanager am = RealAlertmanager.withConfig(dir, amConfig);
                 RealPrometheus prometheus = RealPrometheus.start(dir, """
                         global: {scrape_interval: 1s, evaluation_interval: 1s}
                         rule_files: [kubevirt-rules.yaml]
                         alerting:
                           alertmanagers:
                             - static_configs: [{targets: ['%1$s']}]
                         scrape_configs:
                           # KubeVirt's ServiceMonitor: honorLabels, so the VMI's namespace wins over the target's.
                           - job_name: kubevirt-prometheus-metrics
                             honor_labels: true
                             static_configs:
                               - targets: ['127.0.0.1:%2$d']
                                 labels: {namespace: kubevirt, pod: virt-controller-7d9c8b6f54-x2kqp,
                                          container: virt-controller, service: kubevirt-prometheus-metrics, endpoint: metrics}
                               - targets: ['localhost:%2$d']
                                 labels: {namespace: kubevirt, pod: virt-controller-7d9c8b6f54-q8zrt,
                                          container: virt-controller, service: kubevirt-prometheus-metrics, endpoint: metrics}
                         """.formatted(am.url().replace("http://", ""), port))) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .failFast("prometheus or alertmanager exited", () -> !prometheus.isAlive() || !am.isAlive())
                        .alias("a diagnosed VMCannotBeEvicted report holding both alerts (prometheus log "
                                + prometheus.logPath() + ", alertmanager log " + am.logPath() + ")")
                        .until(() -> StreamSupport.stream(service.getJson("/api/reports").spliterator(), false)
                                .map(r -> service.getJson("/api/reports/" + r.get("id").asText()))
                                .anyMatch(r -> r.path("diagnosed").asBoolean() && r.path("alerts").asInt() == 2
                                        && r.path("nonEvictableVmis").size() == 1));
                assertThat(prometheus.query("ALERTS{alertname=\"VMCannotBeEvicted\",alertstate=\"firing\"}")).hasSize(2);
                JsonNode summary = service.getJson("/api/reports").get(0);
                JsonNode report = service.getJson("/api/reports/" + summary.get("id").asText());
                assertThat(report.get("runbook").asText()).isEqualTo("VMCannotBeEvicted");
                assertThat(report.get("status").asText()).isEqualTo("firing");
                JsonNode gpu = report.get("nonEvictableVmis").get(0);
                assertThat(gpu.get("namespace").asText()).isEqualTo("prod");
                assertThat(gpu.get("name").asText()).isEqualTo("gpu-1");
                assertThat(gpu.get("alerts").asInt()).isEqualTo(2);
                assertThat(gpu.get("branch").asText()).isEqualTo("VCE_STRATEGY_MISMATCH");
                assertThat(report.get("findings").toString())
                        .contains("2 firing alert(s) name 1 VMI(s); alerts that differ only in scrape labels");

                List<Alert> alerts = cluster.client().resources(RemediationReport.class)
                        .inNamespace(service.reportsNamespace()).withName(summary.get("id").asText()).get()
                        .getSpec().alerts();
                assertThat(alerts).hasSize(2).allSatisfy(a -> assertThat(a.labels())
                        .containsEntry("alertname", "VMCannotBeEvicted")
                        // honor_labels: the VMI's namespace, not KubeVirt's, and no exported_namespace.
                        .containsEntry("namespace", "prod").doesNotContainKey("exported_namespace")
                        .containsEntry("name", "gpu-1").containsEntry("node", "e2e-node-1")
                        .containsEntry("severity", "warning").containsEntry("operator_health_impact", "none")
                        .containsEntry("kubernetes_operator_part_of", "kubevirt")
                        .containsEntry("job", "kubevirt-prometheus-metrics"));
                assertThat(alerts).extracting(a -> a.labels().get("pod"))
                        .containsExactlyInAnyOrder("virt-controller-7d9c8b6f54-x2kqp", "virt-controller-7d9c8b6f54-q8zrt");
                assertThat(alerts.get(0).annotations())
                        .containsEntry("runbook_url", "https://kubevirt.io/monitoring/runbooks/VMCannotBeEvicted")
                        .containsEntry("description", "Eviction policy for VirtualMachine gpu-1 in namespace prod"
                                + " (on node e2e-node-1) is set to Live Migration but the VM is not migratable");
                assertThat(alerts.get(0).generatorURL()).contains("kubevirt_vmi_non_evictable");
            }
        } finally {
            virtController.stop(0);
            cluster.client().nodes().withName("e2e-node-1").delete();
        }
    }
}

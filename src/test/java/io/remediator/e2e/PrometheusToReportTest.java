package io.remediator.e2e;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.remediator.report.RemediationReport;
import io.remediator.report.ReportStore;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with the real peers an operator runs: Debian's Prometheus scrapes a stand-in for
 * virt-controller's metrics endpoint (`kubevirt_vmi_number_of_outdated 3`), evaluates KubeVirt's
 * own alert rule (only its `for` shortened here), and sends to Debian's Alertmanager configured
 * with the shipped example receiver; the service stores, diagnoses and reports it. Prometheus also
 * scrapes the service and evaluates the chart's own rules on it.
 */
@ExtendWith(RealCluster.class)
class PrometheusToReportTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void kubeVirtsRuleFiringInPrometheusBecomesAReportWithTheLabelsARealAlertCarries(TestCluster cluster,
                                                                                      @TempDir Path dir) throws Exception {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        for (String name : List.of("db-1", "db-2", "db-3")) {
            cluster.create(vmi("prod", name).migratable().build());
        }
        HttpServer virtController = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        virtController.createContext("/metrics", exchange -> {
            byte[] body = ("# HELP kubevirt_vmi_number_of_outdated Indication for the total number of VirtualMachineInstance"
                    + " workloads that are not running within the most up-to-date version of the virt-launcher environment.\n"
                    + "# TYPE kubevirt_vmi_number_of_outdated gauge\nkubevirt_vmi_number_of_outdated 3\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        virtController.start();

        // KubeVirt's rule as virt-operator installs it, with `for: 24h` shortened to seconds.
        JsonNode kubevirtRule = YAML.readTree(Path.of("src/test/resources/kubevirt/kubevirt-alert-rule.yaml").toFile());
        ObjectNode groups = YAML.createObjectNode().set("groups", kubevirtRule.at("/spec/groups").deepCopy());
        groups.withArray("groups").get(0).withArray("rules").forEach(r -> ((ObjectNode) r).put("for", "2s"));
        Files.writeString(dir.resolve("kubevirt-rules.yaml"), YAML.writeValueAsString(groups));
        Files.copy(Path.of("charts/kubevirt-remediator/files/prometheus-rules.yaml"), dir.resolve("remediator-rules.yaml"));

        Path token = Files.writeString(dir.resolve("token"), RunningService.TOKEN);
        try (RunningService service = RunningService.start(cluster.newClient()).awaitReady()) {
            // The shipped example, pointed at this service and its token; only the waits are shortened.
            String example = Files.readString(Path.of("alertmanager-examples/alertmanager.yml"));
            String amConfig = example
                    .replace("http://kubevirt-remediator.kubevirt-remediator.svc:8080", service.baseUrl())
                    .replace("/etc/alertmanager/secrets/kubevirt-remediator/token", token.toString())
                    .replace("group_wait: 30s", "group_wait: 1s").replace("group_interval: 5m", "group_interval: 10s");
            assertThat(amConfig).contains(service.baseUrl()).contains(token.toString()).contains("group_wait: 1s");
            try (RealAlertmanager am = RealAlertmanager.withConfig(dir, amConfig);
                 RealPrometheus prometheus = RealPrometheus.start(dir, """
                         global: {scrape_interval: 1s, evaluation_interval: 1s}
                         rule_files: [kubevirt-rules.yaml, remediator-rules.yaml]
                         alerting:
                           alertmanagers:
                             - static_configs: [{targets: ['%s']}]
                         scrape_configs:
                           # What KubeVirt's ServiceMonitor gives the virt-controller leader's series.
                           - job_name: kubevirt-prometheus-metrics
                             static_configs:
                               - targets: ['127.0.0.1:%d']
                                 labels: {namespace: kubevirt, pod: virt-controller-7d9c8b6f54-x2kqp,
                                          container: virt-controller, service: kubevirt-prometheus-metrics, endpoint: metrics}
                           - job_name: kubevirt-remediator
                             static_configs:
                               - targets: ['127.0.0.1:%d']
                                 labels: {namespace: kubevirt-remediator}
                         """.formatted(am.url().replace("http://", ""), virtController.getAddress().getPort(),
                         service.port()))) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .failFast("prometheus or alertmanager exited", () -> !prometheus.isAlive() || !am.isAlive())
                        .alias("a diagnosed report (prometheus log " + prometheus.logPath() + ", alertmanager log "
                                + am.logPath() + ")")
                        .until(() -> StreamSupport.stream(service.getJson("/api/reports").spliterator(), false)
                                .anyMatch(r -> r.get("diagnosed").asBoolean()));
                JsonNode summary = service.getJson("/api/reports").get(0);
                JsonNode report = service.getJson("/api/reports/" + summary.get("id").asText());
                assertThat(report.get("status").asText()).isEqualTo("firing");
                assertThat(report.get("receiver").asText()).isEqualTo("kubevirt-remediator");
                assertThat(report.get("externalURL").asText()).startsWith("http");
                assertThat(report.get("outdatedVmiCount").asInt()).isEqualTo(3);

                // The alert as the report stores it (its labels and annotations shared by all alerts of
                // the delivery are stored once, in spec.commonLabels/commonAnnotations), read back whole.
                io.remediator.report.Alert alert = cluster.client().resources(RemediationReport.class)
                        .inNamespace(service.reportsNamespace()).withName(summary.get("id").asText()).get()
                        .getSpec().alerts().get(0);
                assertThat(alert.labels()).containsEntry("alertname", "OutdatedVirtualMachineInstanceWorkloads")
                        .containsEntry("namespace", "kubevirt").containsEntry("severity", "warning")
                        .containsEntry("operator_health_impact", "none")
                        .containsEntry("kubernetes_operator_part_of", "kubevirt")
                        .containsEntry("kubernetes_operator_component", "kubevirt")
                        .containsEntry("job", "kubevirt-prometheus-metrics")
                        .containsEntry("pod", "virt-controller-7d9c8b6f54-x2kqp")
                        .containsEntry("instance", "127.0.0.1:" + virtController.getAddress().getPort());
                assertThat(alert.annotations()).containsEntry("runbook_url",
                        "https://kubevirt.io/monitoring/runbooks/OutdatedVirtualMachineInstanceWorkloads");
                assertThat(alert.fingerprint()).isNotBlank();
                assertThat(alert.generatorURL()).contains("/graph?g0.expr=").contains("kubevirt_vmi_number_of_outdated");

                // Prometheus scrapes the service, and the chart's rules evaluate on its series without error.
                await().atMost(Duration.ofSeconds(30)).until(() -> prometheus.query("remediator_leader == 1").size() == 1);
                List<String> health = new ArrayList<>();
                prometheus.api("rules").path("groups").forEach(g -> g.path("rules").forEach(r -> health.add(
                        g.get("name").asText() + "/" + r.get("name").asText() + " " + r.get("health").asText()
                                + r.path("lastError").asText())));
                assertThat(health).hasSize(12).allSatisfy(h -> assertThat(h).endsWith(" ok"));
                // Every query of the chart's rollout dashboard evaluates in this Prometheus without error.
                JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                        Path.of("charts/kubevirt-remediator/files/grafana-dashboard.json").toFile());
                List<String> exprs = new ArrayList<>();
                dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
                assertThat(exprs).hasSize(8);
                for (String expr : exprs) {
                    JsonNode answer = prometheus.evaluate(expr);
                    assertThat(answer.path("status").asText()).as(expr + ": " + answer).isEqualTo("success");
                }
                assertThat(prometheus.query("ALERTS{alertname=~\"KubevirtRemediator.*\",alertstate=\"firing\"}")).isEmpty();
                assertThat(prometheus.query("ALERTS{alertname=\"OutdatedVirtualMachineInstanceWorkloads\",alertstate=\"firing\"}"))
                        .hasSize(1);
            }
        } finally {
            virtController.stop(0);
        }
    }
}

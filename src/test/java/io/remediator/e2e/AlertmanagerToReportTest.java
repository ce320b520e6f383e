package io.remediator.e2e;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealAlertmanager;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole path with real peers: Alertmanager 0.25 → webhook → diagnosis on kube-apiserver → report. */
@ExtendWith(RealCluster.class)
class AlertmanagerToReportTest {

    @Test
    void alertPostedToAlertmanagerBecomesAReportWithTheSeededVmis(TestCluster cluster, @TempDir Path dir)
            throws Exception {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate", "Evict"), 10, "1m"));
        cluster.create(vmi("prod", "billing-db").node("worker-a").migratable().build());
        cluster.create(vmi("prod", "license-server").node("worker-b")
                .notMigratable("HostDeviceNotLiveMigratable", "VMI uses a USB dongle").build());
        cluster.create(vmi("dev", "sandbox").outdated(false).migratable().build());

        try (RunningService service = RunningService.start(cluster.newClient());
             RealAlertmanager am = RealAlertmanager.start(dir, service.baseUrl() + "/alertmanager/webhook",
                     RunningService.TOKEN)) {
            service.awaitReady();
            Instant start = Instant.now();
            am.postAlerts("""
                    [{"labels":{"alertname":"%s","severity":"warning","kubernetes_operator_part_of":"kubevirt"},
                      "annotations":{"summary":"Some virtual machines have outdated virt-launcher images"},
                      "startsAt":"%s"}]""".formatted(Payloads.OUTDATED, start));

            JsonNode report = awaitReport(service, am, "firing");
            List<String> vmis = StreamSupport.stream(report.get("outdatedVmis").spliterator(), false)
                    .map(v -> v.get("namespace").asText() + "/" + v.get("name").asText() + " migratable="
                            + v.get("liveMigratable").asBoolean() + " " + v.get("recommendedAction").asText())
                    .toList();
            assertThat(vmis).containsExactly("prod/billing-db migratable=true WAIT",
                    "prod/license-server migratable=false WAIT");
            assertThat(report.get("receiver").asText()).isEqualTo("kubevirt-remediator");
            assertThat(report.get("externalURL").asText()).startsWith("http");
            assertThat(report.get("cluster").get("workloadUpdateMethods")).hasSize(2);

            // Ending the alert makes Alertmanager send the resolved notification (send_resolved: true).
            am.postAlerts("""
                    [{"labels":{"alertname":"%s","severity":"warning","kubernetes_operator_part_of":"kubevirt"},
                      "startsAt":"%s","endsAt":"%s"}]""".formatted(Payloads.OUTDATED, start, Instant.now()));
            // The resolution is a delivery of the same episode: it closes the same report, which keeps its diagnosis.
            JsonNode resolved = awaitReport(service, am, "resolved");
            assertThat(resolved.get("id").asText()).isEqualTo(report.get("id").asText());
            assertThat(resolved.get("phase").asText()).isEqualTo("Closed");
            assertThat(resolved.get("deliveries").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(resolved.get("diagnosed").asBoolean()).isTrue();
            assertThat(service.getJson("/api/reports")).hasSize(1);
        }
    }

    private static JsonNode awaitReport(RunningService service, RealAlertmanager am, String status) {
        await().atMost(Duration.ofSeconds(30))
                .failFast("alertmanager exited", () -> !am.isAlive())
                .alias("a completed " + status + " report (alertmanager log: " + am.logPath() + ")")
                .until(() -> completedReportId(service, status) != null);
        return service.getJson("/api/reports/" + completedReportId(service, status));
    }

    private static String completedReportId(RunningService service, String status) {
        return StreamSupport.stream(service.getJson("/api/reports").spliterator(), false)
                .filter(r -> status.equals(r.get("status").asText()) && !r.get("completedAt").isNull()
                        && ("resolved".equals(status) ? "Closed".equals(r.get("phase").asText())
                        : !"Acting".equals(r.get("phase").asText())))
                .map(r -> r.get("id").asText())
                .findFirst().orElse(null);
    }
}

package io.remediator.webhook;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static io.remediator.testing.Payloads.OUTDATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Alertmanager re-sends every group, often: repeats of an unchanged alert set are answered from the
 * cache, counted in the report, and start no pass within diagnosis.repeatPassInterval; a changed
 * alert set still starts one at once.
 */
@ExtendWith(RealCluster.class)
class RepeatDeliveryTest {

    @Test
    void aThousandRepeatsOfAnUnchangedEpisodeCauseNoFurtherPassButAChangedAlertSetDoesAtOnce(TestCluster cluster)
            throws Exception {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.create(vmi("ns-1", "outdated-1").notMigratable("DisksNotLiveMigratable", "RWO").build());
        var d = RunningService.defaultConfig();
        var shipped = new io.remediator.config.RemediatorConfig(d.server(), d.webhook(),
                RunningService.withRepeatPassInterval(d.diagnosis(), Duration.ofMinutes(5)), d.reports(), d.policy(), d.api(),
                d.leaderElection(), d.publicUrl(), d.slack());
        try (RunningService s = RunningService.start(cluster.newClient(), shipped).awaitReady().awaitLeading()) {
            JsonNode first = s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = first.get("id").asText();
            assertThat(first.get("remediation").get("pass").asInt()).isEqualTo(1);

            List<Integer> codes = new ArrayList<>();
            ExecutorService alertmanagers = Executors.newFixedThreadPool(8);
            try {
                List<Future<HttpResponse<String>>> sent = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    sent.add(alertmanagers.submit(() -> s.postWebhook(Payloads.firing(), RunningService.TOKEN)));
                }
                for (Future<HttpResponse<String>> f : sent) {
                    HttpResponse<String> r = f.get();
                    codes.add(r.statusCode());
                    assertThat(s.parse(r.body()).get("workItems").get(0).asText()).isEqualTo(id);
                }
            } finally {
                alertmanagers.shutdown();
            }
            assertThat(codes).containsOnly(200);

            // Every repeat is counted in the report (coalesced writes, within seconds).
            await().atMost(Duration.ofSeconds(20)).until(() -> s.getJson("/api/reports/" + id).get("deliveries").asInt(),
                    n -> n == 1001);
            // Give a pass the time it would take to start, then check none did.
            Thread.sleep(3_000);
            JsonNode afterRepeats = s.getJson("/api/reports/" + id);
            assertThat(afterRepeats.get("remediation").get("pass").asInt()).as("passes after 1,000 repeats").isEqualTo(1);
            assertThat(afterRepeats.get("deliveriesHandled").asInt()).isEqualTo(1);
            String metrics = s.get("/metrics").body();
            assertThat(metrics).contains("remediator_deliveries_stored_total{alertname=\"" + OUTDATED
                    + "\",episode=\"repeat\"} 1000.0");
            assertThat(metrics).doesNotContain("reason=\"REPEAT\"");

            // One more alert in the group: a different alert set, diagnosed at once.
            String changed = Payloads.group("firing", 0, Payloads.alert("firing", OUTDATED, null),
                    Payloads.alert("firing", OUTDATED, "\"cluster\":\"second\""));
            HttpResponse<String> answer = s.postWebhook(changed, RunningService.TOKEN);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode afterChange = await().atMost(Duration.ofSeconds(15))
                    .until(() -> s.getJson("/api/reports/" + id), r -> r.get("remediation").get("pass").asInt() == 2);
            assertThat(afterChange.get("alertCount").asInt()).isEqualTo(2);
            assertThat(s.get("/metrics").body()).contains("remediator_passes_total{reason=\"ALERTS_CHANGED\"} 1.0")
                    .contains("remediator_passes_total{reason=\"FIRST_PASS\"} 1.0")
                    .contains("episode=\"changed\"} 1.0");
        }
    }
}

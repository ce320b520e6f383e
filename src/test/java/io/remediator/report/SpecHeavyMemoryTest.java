package io.remediator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PlannedAction;
import io.remediator.runbook.RecommendedAction;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.ServiceProcess;
import io.remediator.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * redteam-2 N1 and N5: reports whose bulk is their alerts (1,200 alerts of 38 labels each, about
 * 480 KB as stored, just under the spec's half of maxObjectBytes) and their plans (300 actions
 * awaiting approval) once cost the leader about 9 MB of heap each; 23 of them crash-looped a
 * replica on the image's heap, at take-over and at every restart. Here `reports.maxReports` (100)
 * of them are stored, and a replica on that heap (256 MB, serial GC, exit on OOM) takes over,
 * serves the index, the pages and concurrent readers, and records deliveries.
 */
@ExtendWith(RealCluster.class)
class SpecHeavyMemoryTest {
    /** 30 reports near maxObjectBytes each (23 crash-looped the replica before the change). */
    private static final int REPORTS = 30;
    private static final int ALERTS = 1_200;
    private static final int LABELS = 36;
    private static final int AWAITING = 300;
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void aReplicaOnTheImagesHeapTakesOverReportsHeavyWithAlertsAndPlansAndServes(TestCluster cluster,
                                                                                 @TempDir Path dir) throws Exception {
        String ns = RunningService.freshNamespace();
        cluster.namespace(ns);
        ReportStore store = new ReportStore(cluster.client(), ns, 1_000_000);
        List<PlannedAction> awaiting = IntStream.range(0, AWAITING).mapToObj(i -> {
            PlannedAction a = ReportStoreTest.action(i, false);
            return new PlannedAction(a.key(), a.action(), a.namespace(), a.vmi(), a.vm(), a.targetUid(), a.object(),
                    a.attempt(), Decision.AWAITING_APPROVAL, a.why(), a.rule(), a.dryRun(), null, a.plannedAt(), null, null);
        }).toList();
        for (int r = 0; r < REPORTS; r++) {
            ReportSpec delivery = ReportSpec.delivered(T0.plusSeconds(r), "OutdatedVirtualMachineInstanceWorkloads",
                    heavyAlerts(r), "{}:{heavy-" + r + "}", "kubevirt-remediator", "http://am", 0);
            StoredReport stored = store.recordDelivery(delivery);
            store.writeStatus(stored, ReportStoreTest.status(IntStream.range(0, 20)
                    .mapToObj(i -> ReportStoreTest.vmi(i, RecommendedAction.LIVE_MIGRATE)).toList(), awaiting)
                    .withPhase(ReportPhase.AwaitingApproval));
        }
        StoredReport one = store.get(store.all().get(0).name()).orElseThrow();
        assertThat(one.spec().alerts()).hasSize(ALERTS);
        assertThat(store.specBytes(one.spec())).as("the spec as stored, near its limit")
                .isBetween(400_000, store.maxSpecBytes());
        assertThat(one.status().remediation().actions()).as("the plan as stored, not cut").hasSize(AWAITING);

        try (ServiceProcess service = ServiceProcess.start(dir, "image-heap", cluster, ns, "{mode: report}",
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"))) {
            service.awaitTakeOver(Duration.ofSeconds(180));
            JsonNode list = service.index(REPORTS);
            String id = list.get(0).get("id").asText();
            JsonNode report = new ObjectMapper().readTree(service.http().get("/api/reports/" + id).body());
            assertThat(report.get("alertCount").asInt()).isEqualTo(ALERTS);

            // 32 concurrent readers of whole reports and their pages (redteam-2 W8: 64 of them once
            // caused 27 full GCs): each read builds no alert.
            ExecutorService readers = Executors.newFixedThreadPool(8);
            try {
                // Each may take up to 60 s: this guards memory (every read answered, no OutOfMemoryError),
                // and on 2 cores the take-over's passes over the 30 reports of 1 MB run meanwhile
                // (a 10 s limit once timed a reader out with the replica alive).
                List<Future<Integer>> answers = IntStream.range(0, 16).mapToObj(i -> readers.submit(() -> service.http()
                        .get((i % 2 == 0 ? "/api/reports/" : "/reports/") + list.get(i % REPORTS).get("id").asText(),
                                Duration.ofSeconds(60)).statusCode())).toList();
                for (Future<Integer> a : answers) {
                    assertThat(a.get()).as("log:%n%s", Files.readString(service.log())).isEqualTo(200);
                }
            } finally {
                readers.shutdownNow();
            }
            assertThat(service.http().postWebhook(io.remediator.testing.Payloads.firing(), RunningService.TOKEN)
                    .statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> service.http().getJson("/api/reports?pageSize=500").size() == REPORTS + 1);
            assertThat(service.alive()).as("alive; log:%n%s", Files.readString(service.log())).isTrue();
        }
    }

    /** Red-team-2's shape: 1,200 alerts, labels k00..k35 whose values differ from alert to alert. */
    private static List<Alert> heavyAlerts(int report) {
        return IntStream.range(0, ALERTS).mapToObj(i -> {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("alertname", "OutdatedVirtualMachineInstanceWorkloads");
            for (int k = 0; k < LABELS; k++) {
                labels.put("k%02d".formatted(k), String.valueOf((i + k + report) % 10));
            }
            labels.put("i", String.valueOf(i));
            return new Alert("firing", labels, Map.of("summary", "s"), T0, null, null, "fp-" + i);
        }).toList();
    }
}

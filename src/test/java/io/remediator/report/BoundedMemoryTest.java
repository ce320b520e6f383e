package io.remediator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.RecommendedAction;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.ServiceProcess;
import io.remediator.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports near the size limit must not take a replica down: a new leader takes over and the index
 * answers with a heap far smaller than what the reports take, because lists and the leader's cache
 * hold reports without their VMI lists, a page at a time.
 */
@ExtendWith(RealCluster.class)
class BoundedMemoryTest {
    private static final int REPORTS = 40;
    /** About 800 bytes each as stored: a report of nearly 1 MB that the store need not cut. */
    private static final int VMIS = 1_150;

    @Test
    void aSmallHeapTakesOverAndListsReportsOfNearlyAMegabyteEach(TestCluster cluster, @TempDir Path dir) throws Exception {
        String ns = RunningService.freshNamespace();
        cluster.namespace(ns);
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        ReportStore store = new ReportStore(cluster.client(), ns, 1_000_000);
        List<OutdatedVmi> vmis = IntStream.range(0, VMIS).mapToObj(i -> ReportStoreTest.vmi(i, RecommendedAction.LIVE_MIGRATE))
                .toList();
        for (int i = 0; i < REPORTS; i++) {
            StoredReport r = store.recordDelivery(ReportStoreTest.delivery("group-" + i, "2026-11-20T10:00:00Z", "resolved",
                    Instant.parse("2026-11-20T10:00:00Z").plusSeconds(i)));
            store.writeStatus(r, ReportStoreTest.status(vmis, List.of()).withPhase(ReportPhase.Closed));
        }
        long stored = cluster.client().genericKubernetesResources(ReportStore.KIND).inNamespace(ns).list().getItems()
                .stream().mapToLong(o -> json.valueToTree(o).toString().length()).sum();
        assertThat(stored).as("what the reports take as JSON").isGreaterThan(REPORTS * 900_000L);
        StoredReport first = store.get(store.all().get(0).name()).orElseThrow();
        assertThat(first.status().omittedVmis()).as("not cut").isZero();

        try (ServiceProcess service = ServiceProcess.start(dir, "small-heap", cluster, ns, "{mode: report}",
                List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"))) {
            service.awaitTakeOver(Duration.ofSeconds(60));
            JsonNode list = service.index(REPORTS);
            assertThat(list.get(0).get("outdatedVmiCount").asInt()).isEqualTo(VMIS);
            var one = service.http().get("/api/reports/" + list.get(0).get("id").asText());
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(service.http().get("/reports").statusCode()).isEqualTo(200);
            assertThat(service.alive()).isTrue();
        }
    }
}

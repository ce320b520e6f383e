package io.remediator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A hung API server (not an unreachable one: connections open, answers never come). */
@ExtendWith(RealCluster.class)
class ApiStallTest {
    @Test
    void readyzTurnsFalseWithinSecondsOfAStallAndTrueAgainAfterIt(TestCluster cluster) throws Exception {
        // redteam-2 D11: /readyz said ok for the first 30 s of a freeze (the client's request timeout).
        try (RunningService service = RunningService.start(cluster.newClient()).awaitReady()) {
            assertThat(service.get("/readyz").statusCode()).isEqualTo(200);
            Thread freeze = new Thread(() -> {
                try {
                    cluster.freezeApiServer(Duration.ofSeconds(16));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long started = System.nanoTime();
            freeze.start();
            try {
                // A delivery during the stall is answered within Alertmanager's 10 s, 503 (the other
                // half of D11: it took 30-36 s), and its retry after the thaw is stored.
                Thread.sleep(300);
                long posted = System.nanoTime();
                String body = io.remediator.testing.Payloads.firing().replace("\"groupKey\":\"{}:", "\"groupKey\":\"{}/stall:");
                var during = service.postWebhook(body, RunningService.TOKEN);
                assertThat(Duration.ofNanos(System.nanoTime() - posted)).isLessThan(Duration.ofSeconds(10));
                assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
                assertThat(during.headers().firstValue("Retry-After")).isPresent();
                // Probed every 5 s, each probe answering within its own 5 s deadline.
                await().atMost(Duration.ofSeconds(14)).pollInterval(Duration.ofMillis(250))
                        .until(() -> service.get("/readyz").statusCode() == 503);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(14));
                // Says what, not the API server's address or error text (redteam-2 W1).
                assertThat(service.get("/readyz").body()).isEqualTo("Kubernetes API not reachable");
            } finally {
                freeze.join();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> service.get("/readyz").statusCode() == 200);
            String body = io.remediator.testing.Payloads.firing().replace("\"groupKey\":\"{}:", "\"groupKey\":\"{}/stall:");
            assertThat(service.postWebhook(body, RunningService.TOKEN).statusCode()).isEqualTo(200);
            assertThat(service.getJson("/api/reports")).anySatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("firing"));
        }
    }
}

package io.remediator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.remediator.testing.Payloads;
import io.remediator.testing.RunningService;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the Kubernetes API does not answer, the service says so and asks Alertmanager to retry. */
class UnreachableApiTest {
    @Test
    void webhookAnswers503AndReadyzIsNotReady() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        var client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + closedPort)
                .withConnectionTimeout(500).withRequestRetryBackoffLimit(0).build()).build();
        try (RunningService service = RunningService.start(client)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> service.get("/readyz").statusCode() == 503);
            assertThat(service.get("/healthz").statusCode()).isEqualTo(200);

            var response = service.postWebhook(Payloads.firing(), RunningService.TOKEN);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(service.parse(response.body()).get("error").asText()).contains("not reachable");
            var reports = service.get("/api/reports");
            assertThat(reports.statusCode()).isEqualTo(503);
            assertThat(service.parse(reports.body()).get("error").asText())
                    .isEqualTo("reports are stored in the Kubernetes API, which did not answer; try again");
        }
    }
}

package io.remediator.webhook;

import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A service account without RBAC for KubeVirt: the refusal must show in the report, not vanish. */
@ExtendWith(RealCluster.class)
class ForbiddenDiagnosisTest {
    @Test
    void aForbiddenListIsReportedWithTheApisAnswer(TestCluster cluster) throws Exception {
        cluster.reset();
        cluster.create(vmi("ns-1", "outdated-1").migratable().build());
        var limited = cluster.serviceAccountClient("remediator", "no-rbac");
        var config = RunningService.defaultConfig();
        // It may keep its reports, and nothing else.
        cluster.grantReportStore(config.reports().namespace(), "remediator", "no-rbac");

        try (RunningService service = RunningService.start(limited, config)) {
            service.awaitReady();
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String id = report.get("id").asText();
            assertThat(report.get("diagnosed").asBoolean()).isFalse();
            assertThat(report.get("error").asText())
                    .startsWith("Kubernetes API answered 403 Forbidden: ")
                    .contains("User \"system:serviceaccount:remediator:no-rbac\" cannot list resource");
            assertThat(service.get("/reports/" + id).body()).contains("Diagnosis failed").contains("403");
            assertThat(service.get("/reports").body()).contains("diagnosis failed");
            assertThat(service.get("/metrics").body())
                    .contains("remediator_diagnosis_duration_seconds_count{alertname=\"" + Payloads.OUTDATED
                            + "\",outcome=\"error\"} 1");
        }
    }
}

package io.remediator.webhook;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static io.remediator.testing.Payloads.OUTDATED;
import static io.remediator.testing.Payloads.alert;
import static io.remediator.testing.Payloads.group;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The webhook as Alertmanager uses it, against the service running on a real API server. */
@ExtendWith(RealCluster.class)
class WebhookTest {
    private RunningService service;

    @BeforeEach
    void start(TestCluster cluster) {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.create(vmi("ns-1", "outdated-1").migratable().build());
        cluster.create(vmi("ns-2", "outdated-2").notMigratable("DisksNotLiveMigratable", "RWO disk").build());
        service = RunningService.start(cluster.newClient()).awaitReady();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void firingAlertYieldsAReportListingTheOutdatedVmis() {
        JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

        assertThat(report.get("alertname").asText()).isEqualTo(OUTDATED);
        assertThat(report.get("status").asText()).isEqualTo("firing");
        assertThat(report.get("receivedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(report.get("cluster").get("workloadUpdateMethods")).extracting(JsonNode::asText)
                .containsExactly("LiveMigrate");
        assertThat(report.get("cluster").get("batchEvictionSize").asInt()).isEqualTo(10);
        assertThat(report.get("cluster").get("defaulted")).extracting(JsonNode::asText).contains("batchEvictionSize");
        List<String> vmis = StreamSupport.stream(report.get("outdatedVmis").spliterator(), false)
                .map(v -> v.get("namespace").asText() + "/" + v.get("name").asText() + " "
                        + v.get("liveMigratable").asText() + " " + v.get("reason").asText() + " " + v.get("node").asText()
                        + " vm=" + v.get("vm").asText() + " runStrategy=" + v.get("runStrategy").asText()
                        + " evictionStrategy=" + v.get("evictionStrategy").asText()
                        + " inFlight=" + v.get("migrations").get("inFlightPhase").asText()
                        + " failed=" + v.get("migrations").get("failedCount").asInt()
                        + " " + v.get("branch").asText() + " " + v.get("recommendedAction").asText())
                .toList();
        assertThat(vmis).containsExactly(
                "ns-1/outdated-1 true null node-1 vm=null runStrategy=null evictionStrategy=None inFlight=null failed=0"
                        + " KUBEVIRT_WILL_MIGRATE WAIT",
                "ns-2/outdated-2 false DisksNotLiveMigratable node-1 vm=null runStrategy=null evictionStrategy=None"
                        + " inFlight=null failed=0 NOT_MIGRATABLE_NOT_AUTOMATED STOP");
        assertThat(report.get("recommendedActionCounts").toString())
                .isEqualTo("{\"NONE\":0,\"WAIT\":1,\"LIVE_MIGRATE\":0,\"EVICT\":0,\"RESTART\":0,\"STOP\":1}");

        assertThat(service.get("/metrics").body())
                .contains("remediator_outdated_vmis_by_action{action=\"STOP\"} 1.0")
                .contains("remediator_outdated_vmis_by_action{action=\"WAIT\"} 1.0")
                .contains("remediator_outdated_vmis_by_action{action=\"LIVE_MIGRATE\"} 0.0");
        String stopPage = service.get("/reports/" + report.get("id").asText() + "?action=STOP").body();
        assertThat(stopPage).contains("ns-2/<strong>outdated-2</strong>").doesNotContain("outdated-1</strong>")
                .contains("NOT_MIGRATABLE_NOT_AUTOMATED").contains("kubectl delete vmi -n ns-2 outdated-2");
        assertThat(service.get("/reports/" + report.get("id").asText() + "?action=SOMETIMES").statusCode())
                .isEqualTo(400);

        JsonNode list = service.getJson("/api/reports");
        assertThat(list.get(0).get("id").asText()).isEqualTo(report.get("id").asText());
        assertThat(list.get(0).get("outdatedVmiCount").asInt()).isEqualTo(2);

        HttpResponse<String> page = service.get("/reports/" + report.get("id").asText());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.body()).contains("outdated-1", "outdated-2", "DisksNotLiveMigratable", "LiveMigrate");
        assertThat(service.get("/reports").body()).contains(OUTDATED).contains("/reports/" + report.get("id").asText());
    }

    @Test
    void theSamplePayloadShippedInTheExamplesIsAccepted() throws java.io.IOException {
        String sample = java.nio.file.Files.readString(java.nio.file.Path.of("alertmanager-examples/sample-webhook.json"));
        JsonNode report = service.awaitReport(service.postWebhook(sample, RunningService.TOKEN));
        assertThat(report.get("outdatedVmis")).hasSize(2);
    }

    @Test
    void resolvedAlertIsRecordedButNotDiagnosed() {
        JsonNode report = service.awaitReport(service.postWebhook(
                group("resolved", 0, alert("resolved", OUTDATED, null)), RunningService.TOKEN));

        assertThat(report.get("status").asText()).isEqualTo("resolved");
        assertThat(report.get("diagnosed").asBoolean()).isFalse();
        assertThat(report.get("outdatedVmis")).isEmpty();
    }

    @Test
    void everyAlertOfAGroupIsHandledAndUnknownAlertnamesAreOnlyCounted() {
        HttpResponse<String> response = service.postWebhook(group("firing", 3,
                alert("firing", OUTDATED, "\"prometheus\":\"openshift-monitoring/k8s-0\""),
                alert("firing", OUTDATED, "\"prometheus\":\"openshift-monitoring/k8s-1\""),
                alert("firing", "KubeVirtNoAvailableNodesToRunVMs", null)), RunningService.TOKEN);

        assertThat(service.parse(response.body()).get("ignoredAlerts").asInt()).isEqualTo(1);
        JsonNode report = service.awaitReport(response);
        assertThat(report.get("alertCount").asInt()).isEqualTo(2);
        assertThat(report.get("truncatedAlerts").asInt()).isEqualTo(3);
        assertThat(report.get("outdatedVmis")).hasSize(2);
        assertThat(service.get("/metrics").body())
                .contains("remediator_alerts_received_total{alertname=\"other\",handled=\"false\",status=\"firing\"} 1.0")
                .contains("remediator_alerts_received_total{alertname=\"" + OUTDATED + "\",handled=\"true\",status=\"firing\"} 2.0");
    }

    @Test
    void unknownAlertnameAloneIsAcceptedAndMakesNoReport() {
        HttpResponse<String> response = service.postWebhook(group("firing", 0,
                alert("firing", "SomethingElse", null)), RunningService.TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(service.parse(response.body()).get("workItems")).isEmpty();
        assertThat(service.getJson("/api/reports")).isEmpty();
    }

    @Test
    void fieldsFromNewerAlertmanagersAreIgnored() {
        String body = Payloads.firing().replaceFirst("\\{", "{\"notification_reason\":\"repeat_interval\","
                + "\"routeLabels\":{\"team\":\"virt\"},\"somethingFromTheFuture\":[1,2],");
        JsonNode report = service.awaitReport(service.postWebhook(body, RunningService.TOKEN));
        assertThat(report.get("outdatedVmis")).hasSize(2);
    }

    @Test
    void malformedJsonIs400WithAReason() {
        HttpResponse<String> r = service.postWebhook("{\"version\":\"4\",", RunningService.TOKEN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(service.parse(r.body()).get("error").asText()).startsWith("malformed JSON");
        assertThat(service.getJson("/api/reports")).isEmpty();
    }

    @Test
    void wrongVersionIs400NamingTheField() {
        HttpResponse<String> r = service.postWebhook(Payloads.firing().replace("\"version\":\"4\"", "\"version\":\"3\""),
                RunningService.TOKEN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(service.parse(r.body()).get("problems").get(0).asText())
                .isEqualTo("version: only \"4\" is supported, got \"3\"");
    }

    @Test
    void missingRequiredFieldsAre400ListingEachOne() {
        HttpResponse<String> r = service.postWebhook("""
                {"version":"4","status":"firing","alerts":[{"status":"firing","labels":{}}]}""", RunningService.TOKEN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(service.parse(r.body()).get("problems")).extracting(JsonNode::asText).containsExactly(
                "groupKey: required", "receiver: required", "alerts[0].labels.alertname: required",
                "alerts[0].startsAt: required");
    }

    @Test
    void badOrMissingTokenIs401AndChangesNothing() {
        HttpResponse<String> wrong = service.postWebhook(Payloads.firing(), "not-the-token");
        HttpResponse<String> missing = service.postWebhook(Payloads.firing(), null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(service.getJson("/api/reports")).isEmpty();
    }

    @Test
    void bodyOverTheLimitIs413() {
        // Alertmanager (Go's HTTP client) declares the length of the body it sends.
        String[] r = service.postHeadOnly("/alertmanager/webhook", 1024 * 1024 + 1, RunningService.TOKEN);
        assertThat(r[0]).isEqualTo("HTTP/1.1 413 Payload Too Large");
        assertThat(r[1]).contains("webhook.maxBodyBytes");
        assertThat(service.getJson("/api/reports")).isEmpty();
    }

    @Test
    void theReportPageShowsHcoKubeVirtsOwnCountAndVmisWaitingForALiveUpdate(TestCluster cluster) {
        cluster.reset();
        GenericKubernetesResource hc = cluster.create(io.remediator.testing.KubeVirtObjects.hyperConverged("hco-ns",
                List.of("LiveMigrate")));
        cluster.create(kubeVirt("hco-ns").name("kubevirt-kubevirt-hyperconverged").methods(List.of("LiveMigrate"))
                .outdatedCount(2).ownedBy(hc).build());
        cluster.create(vmi("ns-1", "outdated-1").migratable().build());
        cluster.create(vmi("ns-1", "mem-added").outdated(false).migratable().condition("HotMemoryChange", "True").build());

        JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
        String page = service.get("/reports/" + report.get("id").asText()).body();

        assertThat(report.get("cluster").get("hyperConverged").get("name").asText()).isEqualTo("kubevirt-hyperconverged");
        assertThat(report.get("cluster").get("kubeVirtOutdatedCount").asInt()).isEqualTo(2);
        assertThat(report.get("pendingLiveUpdateVmis").get(0).get("condition").asText()).isEqualTo("HotMemoryChange");
        assertThat(page).contains("HyperConverged <code>hco-ns/kubevirt-hyperconverged</code>")
                .contains("2 outdated workloads (what the alert fires on)")
                .contains("Waiting for a live-update migration").contains("mem-added").contains("HotMemoryChange")
                .contains("eviction: None").doesNotContain("were left out");
    }

    @Test
    void unknownReportIs404() {
        assertThat(service.get("/api/reports/does-not-exist").statusCode()).isEqualTo(404);
        assertThat(service.get("/reports/does-not-exist").statusCode()).isEqualTo(404);
    }

    @Test
    void opsEndpointsAnswer() {
        service.postWebhook(Payloads.firing(), "wrong");
        assertThat(service.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(service.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(service.get("/metrics").body())
                .contains("remediator_webhook_requests_total{outcome=\"unauthorized\"} 1.0")
                .contains("remediator_kubernetes_reachable 1.0");
    }
}

package io.remediator.remediation;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.remediator.testing.Payloads;
import io.remediator.testing.Policies;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The annotation scheme on the real API server (docs/owners.md; next-capabilities §5.5 N3, N4, N7):
 * a namespace's `policy` tightens the cluster's, a VM's window narrows its namespace's, an invalid
 * `time-zone` is a finding and a Warning Event on the Namespace, a VM's `approvers` is ignored.
 */
@ExtendWith(RealCluster.class)
class NamespaceOwnersTest {
    private static final List<String> NAMESPACES = List.of("owners-pay", "owners-lab");
    private TestCluster cluster;

    @BeforeEach
    void clean(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    /** This API server runs no namespace controller (a deleted Namespace would stay Terminating): strip them instead. */
    @AfterEach
    void stripAnnotations() {
        NAMESPACES.forEach(n -> cluster.client().namespaces().withName(n).edit(ns -> new NamespaceBuilder(ns)
                .editMetadata().withAnnotations(Map.of()).withLabels(Map.of()).endMetadata().build()));
    }

    private void namespace(String name, Map<String, String> labels, Map<String, String> annotations) {
        cluster.namespace(name);
        cluster.client().namespaces().withName(name).edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .withLabels(labels).withAnnotations(annotations).endMetadata().build());
    }

    private static Map<String, JsonNode> actions(JsonNode report) {
        Map<String, JsonNode> byKey = new TreeMap<>();
        report.get("remediation").get("actions").forEach(a -> byKey.put(a.get("key").asText(), a));
        return byKey;
    }

    @Test
    void aNamespaceTightensThePolicyAVmNarrowsItsWindowAndAnInvalidZoneIsAFindingAndAnEvent() {
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        namespace("owners-pay", Map.of(OwnerAnnotations.OWNER, "pay"), Map.of(OwnerAnnotations.POLICY, "approve",
                OwnerAnnotations.SLACK_CHANNEL, "C0PAY00001"));
        namespace("owners-lab", Map.of(), Map.of(OwnerAnnotations.TIME_ZONE, "CEST"));
        cluster.create(vm("owners-pay", "db-1", "Always"));
        cluster.create(vmi("owners-pay", "db-1").notMigratable("DisksNotLiveMigratable", "RWO").ownedBy("db-1").build());
        GenericKubernetesResource sneaky = vm("owners-pay", "db-2", "Always");
        // Someone who may edit the VM tries to name themselves approver, and to widen the window.
        sneaky.getMetadata().setAnnotations(Map.of(OwnerAnnotations.APPROVERS, "U0MALLORY1",
                OwnerAnnotations.WINDOW, "Sun 00:00-01:00"));
        cluster.create(sneaky);
        cluster.create(vmi("owners-pay", "db-2").notMigratable("DisksNotLiveMigratable", "RWO").ownedBy("db-2").build());
        cluster.create(vm("owners-lab", "lab-1", "Always"));
        cluster.create(vmi("owners-lab", "lab-1").notMigratable("DisksNotLiveMigratable", "RWO").ownedBy("lab-1").build());
        // A VMI with no VM opts itself out for a day.
        GenericKubernetesResource solo = vmi("owners-lab", "solo").notMigratable("DisksNotLiveMigratable", "RWO").build();
        String until = java.time.Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        solo.getMetadata().setAnnotations(Map.of(OwnerAnnotations.SKIP_UNTIL, until));
        cluster.create(solo);

        try (RunningService service = RunningService.start(cluster.newClient(), RunningService.withPolicy(
                Policies.mode("auto").restart("report").build())).awaitReady()) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            Map<String, JsonNode> actions = actions(report);
            // The cluster says report for restarts: nothing a namespace says loosens it.
            assertThat(actions.get("RESTART owners-lab/lab-1").get("decision").asText()).isEqualTo("REPORT_ONLY");
            assertThat(report.get("remediation").get("notes").toString())
                    .contains("namespace owners-lab: kubevirt-remediator/time-zone 'CEST' is not an IANA zone (ignored; UTC"
                            + " applies)")
                    .contains("VM owners-pay/db-2: kubevirt-remediator/approvers is ignored");
            await().atMost(Duration.ofSeconds(20)).alias("the Warning Event on Namespace owners-lab").until(() ->
                    cluster.client().v1().events().inNamespace("owners-lab").list().getItems().stream().anyMatch(e ->
                            "Namespace".equals(e.getInvolvedObject().getKind())
                                    && "owners-lab".equals(e.getInvolvedObject().getName())
                                    && "Warning".equals(e.getType()) && "InvalidAnnotation".equals(e.getReason())
                                    && e.getMessage().contains("'CEST' is not an IANA zone")));
        }

        try (RunningService service = RunningService.start(cluster.newClient(), RunningService.withPolicy(
                Policies.mode("auto").restart("auto").build())).awaitReady()) {
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));
            Map<String, JsonNode> actions = actions(report);
            // policy: approve on the Namespace: the cluster's auto waits for a person there, not elsewhere.
            assertThat(actions.get("RESTART owners-pay/db-1").get("decision").asText()).isEqualTo("AWAITING_APPROVAL");
            assertThat(actions.get("RESTART owners-pay/db-1").get("why").asText())
                    .startsWith("namespace owners-pay: kubevirt-remediator/policy=approve");
            // db-2's own window applies on top (Sun 00:00-01:00): once approved it would still wait for it.
            assertThat(actions.get("RESTART owners-pay/db-2").get("decision").asText()).isEqualTo("AWAITING_APPROVAL");
            assertThat(actions.get("RESTART owners-lab/lab-1").get("decision").asText()).isEqualTo("RUN");
            JsonNode soloAction = actions.entrySet().stream().filter(e -> e.getKey().endsWith(" owners-lab/solo"))
                    .map(Map.Entry::getValue).findFirst().orElseThrow();
            assertThat(soloAction.get("decision").asText()).isEqualTo("OPTED_OUT");
            assertThat(soloAction.get("why").asText()).isEqualTo("the VM or VMI carries kubevirt-remediator/skip-until="
                    + until + ": left alone until then");
        }
    }
}

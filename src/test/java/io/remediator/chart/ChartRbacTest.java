package io.remediator.chart;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.launcherPod;
import static io.remediator.testing.KubeVirtObjects.migration;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.remediator.config.RemediatorConfig;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The RBAC the chart ships, applied to a real API server: the service can read all it needs. */
@ExtendWith(RealCluster.class)
class ChartRbacTest {

    @Test
    void theChartsClusterRoleIsEnoughForAFullDiagnosisWithANamespaceSelector(TestCluster cluster) {
        cluster.reset();
        List<JsonNode> docs = RenderedChart.render(Map.of("webhook.token", "s3cret"));
        cluster.namespace(RenderedChart.NAMESPACE);
        for (String kind : List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding")) {
            cluster.client().resource(RenderedChart.kind(docs, kind).toString()).inNamespace(RenderedChart.NAMESPACE)
                    .createOr(op -> op.update());
        }
        String account = RenderedChart.kind(docs, "ServiceAccount").at("/metadata/name").asText();

        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("rbac-prod")
                .withLabels(Map.of("remediate", "yes")).endMetadata().build()).createOr(op -> op.update());
        cluster.create(vm("rbac-prod", "db", "Always"));
        GenericKubernetesResource db = cluster.create(vmi("rbac-prod", "db").ownedBy("db")
                .notMigratable("DisksNotLiveMigratable", "RWO").build());
        cluster.create(launcherPod(db, "virt-launcher-db-x1", "node-1"));
        cluster.create(migration("rbac-prod", "db-mig", "db").phase("Scheduling").build());
        cluster.create(vmi("rbac-dev", "scratch").migratable().build());

        RemediatorConfig d = RunningService.defaultConfig();
        RemediatorConfig config = new RemediatorConfig(d.server(), d.webhook(),
                new RemediatorConfig.Diagnosis(500, 3, 30,
                        new RemediatorConfig.Namespaces(List.of(), List.of(), "remediate=yes")),
                d.reports(), d.policy(), d.api());
        try (RunningService service = RunningService.start(
                cluster.serviceAccountClient(RenderedChart.NAMESPACE, account), config)) {
            service.awaitReady();
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

            assertThat(report.get("error").isNull()).as(report.get("error").asText()).isTrue();
            assertThat(report.get("outdatedVmis")).hasSize(1);
            JsonNode v = report.get("outdatedVmis").get(0);
            assertThat(v.get("vm").asText()).isEqualTo("db");
            assertThat(v.get("launcherPods").get(0).get("name").asText()).isEqualTo("virt-launcher-db-x1");
            assertThat(v.get("migrations").get("inFlightPhase").asText()).isEqualTo("Scheduling");
            assertThat(report.get("outOfScopeVmis").asInt()).isEqualTo(1);
        }
    }
}

package io.remediator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every object the chart renders, for several values sets, sent to a real kube-apiserver with
 * KubeVirt's, the chart's and prometheus-operator's real CRDs as a server-side dry run: it must be
 * accepted, and come back with nothing pruned.
 */
@ExtendWith(RealCluster.class)
class ChartDryRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void crds(TestCluster cluster) {
        cluster.installPrometheusOperatorCrds();
        try {
            cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                    .withName(RenderedChart.NAMESPACE).endMetadata().build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Sends each rendered object as a dry-run create; returns what the API server would store, by kind. */
    private static Map<String, JsonNode> dryRun(TestCluster cluster, Map<String, Object> values) throws Exception {
        Map<String, JsonNode> accepted = new LinkedHashMap<>();
        for (JsonNode doc : RenderedChart.render(values)) {
            GenericKubernetesResource object = JSON.treeToValue(doc, GenericKubernetesResource.class);
            var resource = object.getMetadata().getNamespace() == null && namespaced(object.getKind())
                    ? cluster.client().resource(object).inNamespace(RenderedChart.NAMESPACE)
                    : cluster.client().resource(object);
            GenericKubernetesResource stored = resource.dryRun().create();
            accepted.put(object.getKind(), JSON.valueToTree(stored));
        }
        return accepted;
    }

    private static boolean namespaced(String kind) {
        return !List.of("ClusterRole", "ClusterRoleBinding").contains(kind);
    }

    @Test
    void theDefaultsAreAccepted(TestCluster cluster) throws Exception {
        Map<String, JsonNode> accepted = dryRun(cluster, Map.of("webhook.token", "s3cret-0123456789abcdef"));
        assertThat(accepted.keySet()).containsExactlyInAnyOrder("ServiceAccount", "Secret", "ConfigMap", "ClusterRole",
                "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment", "PodDisruptionBudget");
    }

    @Test
    void everyOptionOnIsAcceptedAndTheMonitoringObjectsKeepEveryField(TestCluster cluster) throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("webhook.existingSecret", "remediator-webhook");
        values.put("api.existingSecret", "remediator-admin");
        values.put("slack.existingSecret", "remediator-slack");
        values.put("slack.channel", "C0123ABCD");
        values.put("config.publicUrl", "https://remediator.example.com");
        values.put("serviceMonitor.enabled", "true");
        values.put("serviceMonitor.labels.release", "kube-prometheus-stack");
        values.put("prometheusRule.enabled", "true");
        values.put("prometheusRule.labels.release", "kube-prometheus-stack");
        values.put("scrapeAnnotations", "true");
        values.put("networkPolicy.enabled", "true");
        values.put("networkPolicy.from[0].namespaceSelector.matchLabels.name", "monitoring");
        values.put("image.digest", "sha256:" + "a".repeat(64));
        values.put("nameOverride", "kvr");
        Map<String, JsonNode> accepted = dryRun(cluster, values);

        assertThat(accepted.keySet()).contains("ServiceMonitor", "PrometheusRule", "NetworkPolicy");
        List<JsonNode> rendered = RenderedChart.render(values);
        for (String kind : List.of("ServiceMonitor", "PrometheusRule")) {
            // Pruning would drop a misspelt or misplaced field silently: what comes back is what was sent.
            assertThat(accepted.get(kind).get("spec")).as(kind).isEqualTo(RenderedChart.kind(rendered, kind).get("spec"));
        }
        JsonNode endpoint = accepted.get("ServiceMonitor").at("/spec/endpoints/0");
        assertThat(endpoint.get("port").asText()).isEqualTo("http");
        assertThat(endpoint.get("path").asText()).isEqualTo("/metrics");
        assertThat(accepted.get("ServiceMonitor").at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        List<String> alerts = new ArrayList<>();
        accepted.get("PrometheusRule").at("/spec/groups/0/rules").forEach(r -> alerts.add(r.get("alert").asText()));
        assertThat(alerts).contains("KubevirtRemediatorNoLeader", "KubevirtRemediatorWebhookFailing",
                "KubevirtRemediatorWebhookRejecting", "KubevirtRemediatorReportsStuck", "KubevirtRemediatorActionsFailing",
                "KubevirtRemediatorCircuitBreakerOpen", "KubevirtRemediatorNotifierFailing");
        assertThat(accepted.get("Deployment").at("/spec/template/metadata/annotations/prometheus.io~1scrape").asText())
                .isEqualTo("true");
    }

    @Test
    void theAlertmanagerConfigExampleIsAcceptedInKubeVirtsNamespaceWithNothingPruned(TestCluster cluster) throws Exception {
        try {
            cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kubevirt")
                    .endMetadata().build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        List<String> kinds = new ArrayList<>();
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("alertmanager-examples/alertmanagerconfig.yaml"))) {
            for (var item : cluster.client().load(in).items()) {
                GenericKubernetesResource sent = JSON.convertValue(item, GenericKubernetesResource.class);
                GenericKubernetesResource stored = cluster.client().resource(sent).dryRun().create();
                kinds.add(stored.getKind() + " " + stored.getMetadata().getNamespace());
                if ("AlertmanagerConfig".equals(stored.getKind())) {
                    JsonNode storedSpec = JSON.valueToTree(stored.getAdditionalProperties().get("spec"));
                    JsonNode sentSpec = JSON.valueToTree(sent.getAdditionalProperties().get("spec"));
                    assertThat(storedSpec).isEqualTo(sentSpec);
                    assertThat((Object) stored.get("spec", "route", "continue")).isEqualTo(true);
                }
            }
        }
        assertThat(kinds).containsExactly("AlertmanagerConfig kubevirt", "Secret kubevirt");
    }

    @Test
    void oneReplicaWithoutABudgetIsAccepted(TestCluster cluster) throws Exception {
        Map<String, JsonNode> accepted = dryRun(cluster, Map.of("webhook.token", "s3cret-0123456789abcdef", "replicas", "1",
                "podDisruptionBudget.enabled", "false", "fullnameOverride", "remediator-one"));
        assertThat(accepted).doesNotContainKey("PodDisruptionBudget");
        assertThat(accepted.get("Deployment").at("/spec/replicas").asInt()).isEqualTo(1);
    }
}

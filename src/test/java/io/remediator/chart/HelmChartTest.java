package io.remediator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.remediator.config.ConfigLoader;
import io.remediator.config.RemediatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart, rendered and linted by Helm itself (helm-java embeds the real Helm library). */
class HelmChartTest {
    private static List<JsonNode> render(Map<String, Object> values) {
        return RenderedChart.render(values);
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        return RenderedChart.kind(docs, kind);
    }

    @Test
    void rendersARunnableReadOnlyDeployment() throws IOException {
        List<JsonNode> docs = render(Map.of("webhook.token", "s3cret"));

        assertThat(docs).extracting(d -> d.get("kind").asText()).containsExactlyInAnyOrder(
                "ServiceAccount", "Secret", "ConfigMap", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service",
                "Deployment", "PodDisruptionBudget");
        JsonNode container = kind(docs, "Deployment").at("/spec/template/spec/containers/0");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(kind(docs, "Secret").at("/stringData/token").asText()).isEqualTo("s3cret");

        JsonNode rules = kind(docs, "ClusterRole").get("rules");
        List<String> writes = new ArrayList<>();
        rules.forEach(rule -> rule.get("verbs").forEach(v -> {
            if (!List.of("get", "list", "watch").contains(v.asText())) {
                rule.get("resources").forEach(r -> writes.add(v.asText() + " " + r.asText()));
            }
        }));
        // By default the only writes are migrations (non-disruptive) and the audit Events.
        assertThat(writes).containsExactlyInAnyOrder("create virtualmachineinstancemigrations", "create events");

        List<String> allWrites = new ArrayList<>();
        kind(render(Map.of("webhook.token", "s3cret", "rbac.actions.restart", "true", "rbac.actions.stop", "true",
                "rbac.actions.enableWorkloadUpdates", "true")), "ClusterRole").get("rules").forEach(rule ->
                rule.get("verbs").forEach(v -> rule.get("resources").forEach(r -> allWrites.add(v.asText() + " " + r.asText()))));
        assertThat(allWrites).contains("delete virtualmachineinstances", "patch virtualmachines", "patch kubevirts");
    }

    @Test
    void renderedConfigIsOneTheServiceAccepts(@TempDir Path dir) throws IOException {
        List<JsonNode> docs = render(Map.of("webhook.existingSecret", "my-token", "config.diagnosis.pageSize", "250"));
        assertThat(docs).noneMatch(d -> "Secret".equals(d.get("kind").asText()));
        Path config = Files.writeString(dir.resolve("config.yaml"), kind(docs, "ConfigMap").at("/data/config.yaml").asText());
        // The Deployment mounts the Secret at this path; here a file stands in for it.
        String mountedTokenPath = "/etc/kubevirt-remediator/webhook/token";
        assertThat(Files.readString(config)).contains(mountedTokenPath);
        Path token = Files.writeString(dir.resolve("token"), "token-0123456789abcdef");
        Files.writeString(config, Files.readString(config).replace(mountedTokenPath, token.toString()));

        RemediatorConfig loaded = new ConfigLoader(Map.of()).load(config);
        assertThat(loaded.diagnosis().pageSize()).isEqualTo(250);
        assertThat(loaded.server().port()).isEqualTo(8080);
    }

    @Test
    void slackFromAnExistingSecretIsMountedAndConfiguredAsTheServiceTakesIt(@TempDir Path dir) throws IOException {
        List<JsonNode> docs = render(Map.of("webhook.existingSecret", "my-token", "slack.existingSecret", "my-slack",
                "slack.channel", "C0123ABCD", "config.publicUrl", "https://remediator.example.com",
                "config.slack.approval.mode", "link"));
        JsonNode pod = kind(docs, "Deployment").at("/spec/template/spec");
        assertThat(pod.get("volumes").toString()).contains("\"secretName\":\"my-slack\"");
        assertThat(pod.at("/containers/0/volumeMounts").toString()).contains("/etc/kubevirt-remediator/slack");
        String yaml = kind(docs, "ConfigMap").at("/data/config.yaml").asText();
        // The mounted Secret's files, stood in for by files here.
        Path token = Files.writeString(dir.resolve("token"), "token-0123456789abcdef");
        Path bot = Files.writeString(dir.resolve("bot-token"), "xoxb-0123456789-abcdef");
        Path key = Files.writeString(dir.resolve("link-key"), "link-key-0123456789abcdef0123456789");
        Path config = Files.writeString(dir.resolve("config.yaml"), yaml
                .replace("/etc/kubevirt-remediator/webhook/token", token.toString())
                .replace("/etc/kubevirt-remediator/slack/bot-token", bot.toString())
                .replace("/etc/kubevirt-remediator/slack/link-key", key.toString()));

        RemediatorConfig loaded = new ConfigLoader(Map.of()).load(config);
        assertThat(loaded.slack().enabled()).isTrue();
        assertThat(loaded.slack().channel()).isEqualTo("C0123ABCD");
        assertThat(loaded.slack().approval().mode()).isEqualTo("link");
        assertThat(render(Map.of("webhook.existingSecret", "my-token")).toString()).doesNotContain("/etc/kubevirt-remediator/slack");
    }

    @Test
    void twoReplicasPreferTwoNodesAndADrainKeepsOneUp() {
        List<JsonNode> docs = render(Map.of("webhook.token", "s3cret"));
        JsonNode pdb = kind(docs, "PodDisruptionBudget");
        assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
        assertThat(pdb.at("/spec/selector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("kubevirt-remediator");
        JsonNode anti = kind(docs, "Deployment").at("/spec/template/spec/affinity/podAntiAffinity"
                + "/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm");
        assertThat(anti.get("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        assertThat(render(Map.of("webhook.token", "s3cret", "podDisruptionBudget.enabled", "false")))
                .noneMatch(d -> "PodDisruptionBudget".equals(d.get("kind").asText()));
    }

    @Test
    void aTypoInTheValuesOrAKeyTheChartOwnsIsRefusedWithAMessage() {
        assertThatThrownBy(() -> render(Map.of("webhook.token", "s3cret", "replica", "3")))
                .hasMessageContaining("replica");
        assertThatThrownBy(() -> render(Map.of("webhook.token", "s3cret", "service.prot", "9090")))
                .hasMessageContaining("prot");
        assertThatThrownBy(() -> render(Map.of("webhook.token", "s3cret", "config.server.port", "9090")))
                .hasMessageContaining("config.server.port is the chart's: set service.port");
        assertThatThrownBy(() -> render(Map.of("webhook.token", "s3cret", "config.webhook.bearerToken", "x")))
                .hasMessageContaining("config.webhook.bearerToken(File) is the chart's");
        assertThatThrownBy(() -> render(Map.of("webhook.token", "s3cret", "config.reports.namespace", "elsewhere")))
                .hasMessageContaining("config.reports.namespace is the chart's");
    }

    @Test
    void clusterScopedNamesCarryTheNamespaceAndEachReleaseElectsWithItsOwnLease() throws IOException {
        List<JsonNode> docs = render(Map.of("webhook.token", "s3cret"));
        assertThat(kind(docs, "ClusterRole").at("/metadata/name").asText()).isEqualTo("kubevirt-remediator-remediator");
        assertThat(kind(docs, "ClusterRoleBinding").at("/roleRef/name").asText()).isEqualTo("kubevirt-remediator-remediator");
        assertThat(kind(docs, "Role").at("/metadata/name").asText()).isEqualTo("remediator");
        assertThat(kind(docs, "ConfigMap").at("/data/config.yaml").asText()).contains("leaseName: remediator");
        // The notifier writes status.slack as a merge patch: the Role must allow it (as TestCluster's does).
        assertThat(kind(docs, "Role").at("/rules/0/verbs").toString()).contains("\"patch\"");
        List<JsonNode> other = render(Map.of("webhook.token", "s3cret", "fullnameOverride", "other"));
        assertThat(kind(other, "ClusterRole").at("/metadata/name").asText()).isEqualTo("kubevirt-remediator-other");
        assertThat(kind(other, "ConfigMap").at("/data/config.yaml").asText()).contains("leaseName: other");
    }

    @Test
    void imageByDigestPullSecretsServiceAccountAnnotationsAndExtraEnvReachThePod() {
        String digest = "sha256:" + "a".repeat(64);
        JsonNode pod = kind(render(Map.of("webhook.token", "s3cret", "image.digest", digest,
                "imagePullSecrets[0].name", "my-registry", "podAnnotations.team", "virt",
                "extraEnv[0].name", "JAVA_TOOL_OPTIONS", "extraEnv[0].value", "-Xmx300m",
                "serviceAccount.create", "false", "serviceAccount.name", "existing-sa")), "Deployment").at("/spec/template");
        assertThat(pod.at("/spec/containers/0/image").asText()).isEqualTo("kubevirt-remediator@" + digest);
        assertThat(pod.at("/spec/imagePullSecrets/0/name").asText()).isEqualTo("my-registry");
        assertThat(pod.at("/metadata/annotations/team").asText()).isEqualTo("virt");
        assertThat(pod.at("/spec/containers/0/env/0/value").asText()).isEqualTo("-Xmx300m");
        assertThat(pod.at("/spec/serviceAccountName").asText()).isEqualTo("existing-sa");
        assertThatThrownBy(() -> render(Map.of("webhook.token", "s3cret", "serviceAccount.create", "false")))
                .hasMessageContaining("serviceAccount.name is required when serviceAccount.create is false");
    }

    @Test
    void theAdminTokenComesFromASecretFileNeverTheConfigMap(@TempDir Path dir) throws IOException {
        List<JsonNode> docs = render(Map.of("webhook.existingSecret", "my-token", "api.existingSecret", "my-admin",
                "config.policy.mode", "approve"));
        assertThat(kind(docs, "Deployment").at("/spec/template/spec/volumes").toString()).contains("\"secretName\":\"my-admin\"");
        String yaml = kind(docs, "ConfigMap").at("/data/config.yaml").asText();
        assertThat(yaml).contains("adminTokenFile: /etc/kubevirt-remediator/api/admin-token").doesNotContain("adminToken:");
        Path token = Files.writeString(dir.resolve("token"), "token-0123456789abcdef");
        Path admin = Files.writeString(dir.resolve("admin"), "admin-token-0123456789");
        Path config = Files.writeString(dir.resolve("config.yaml"), yaml
                .replace("/etc/kubevirt-remediator/webhook/token", token.toString())
                .replace("/etc/kubevirt-remediator/api/admin-token", admin.toString()));
        RemediatorConfig loaded = new ConfigLoader(Map.of()).load(config);
        assertThat(loaded.api().adminTokenFile()).isEqualTo(admin.toString());
        assertThat(loaded.policy().mode()).isEqualTo("approve");
    }

    @Test
    void theRolloutDashboardIsAnOptInConfigMapForGrafanasSidecar() throws IOException {
        assertThat(render(Map.of("webhook.token", "s3cret")).toString()).doesNotContain("grafana_dashboard");
        JsonNode map = render(Map.of("webhook.token", "s3cret", "grafanaDashboard.enabled", "true")).stream()
                .filter(d -> "ConfigMap".equals(d.get("kind").asText()) && d.path("metadata").path("labels")
                        .has("grafana_dashboard")).findFirst().orElseThrow();
        assertThat(map.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                map.at("/data/kubevirt-workload-rollout.json").asText());
        assertThat(dashboard.get("title").asText()).isEqualTo("KubeVirt workload rollout");
        assertThat(dashboard.get("panels")).hasSize(6);
    }

    @Test
    void anOptInNetworkPolicyLetsOnlyTheNamedPeersIn() {
        assertThat(render(Map.of("webhook.token", "s3cret"))).noneMatch(d -> "NetworkPolicy".equals(d.get("kind").asText()));
        JsonNode policy = kind(render(Map.of("webhook.token", "s3cret", "networkPolicy.enabled", "true",
                "networkPolicy.from[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name", "monitoring")),
                "NetworkPolicy");
        assertThat(policy.at("/spec/ingress/0/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText())
                .isEqualTo("monitoring");
        assertThat(policy.at("/spec/ingress/0/ports/0/port").asInt()).isEqualTo(8080);
        assertThatThrownBy(() -> render(Map.of("webhook.token", "s3cret", "networkPolicy.enabled", "true")))
                .hasMessageContaining("networkPolicy.from is required");
    }

    @Test
    void anOptInCronJobPublishesThePreflightThroughTheServiceWithTheAdminToken() {
        assertThat(render(Map.of("webhook.token", "s3cret"))).noneMatch(d -> "CronJob".equals(d.get("kind").asText()));
        List<JsonNode> docs = render(Map.of("webhook.token", "s3cret", "api.existingSecret", "my-admin",
                "preflight.schedule", "0 6 * * 1", "networkPolicy.enabled", "true",
                "networkPolicy.from[0].namespaceSelector.matchLabels.team", "monitoring"));
        JsonNode job = kind(docs, "CronJob");
        assertThat(job.at("/spec/schedule").asText()).isEqualTo("0 6 * * 1");
        assertThat(job.at("/spec/concurrencyPolicy").asText()).isEqualTo("Forbid");
        JsonNode pod = job.at("/spec/jobTemplate/spec/template/spec");
        assertThat(pod.at("/containers/0/args").toString()).isEqualTo("[\"preflight\",\"--publish\",\"http://"
                + pod.at("/containers/0/args/2").asText().substring(7) + "\",\"--token-file\","
                + "\"/etc/kubevirt-remediator/api/admin-token\"]");
        assertThat(pod.at("/containers/0/args/2").asText()).matches("http://[a-z0-9-]+\\.[a-z0-9-]+\\.svc:8080");
        assertThat(pod.at("/volumes").toString()).contains("\"secretName\":\"my-admin\"");
        assertThat(pod.at("/automountServiceAccountToken").asBoolean()).isFalse();
        // The job's pods may reach the service through the NetworkPolicy; the service may keep its ConfigMap.
        assertThat(kind(docs, "NetworkPolicy").at("/spec/ingress/1/from/0/podSelector/matchLabels").toString())
                .contains("\"app.kubernetes.io/component\":\"preflight\"");
        assertThat(docs.stream().filter(d -> "Role".equals(d.get("kind").asText())).findFirst().orElseThrow()
                .at("/rules").toString()).contains("kubevirt-remediator-preflight");
        assertThatThrownBy(() -> render(Map.of("webhook.token", "s3cret", "preflight.schedule", "0 6 * * 1")))
                .hasMessageContaining("preflight.schedule needs api.existingSecret");
    }

    @Test
    void refusesToRenderWithoutAWebhookToken() {
        assertThatThrownBy(() -> render(Map.of()))
                .hasMessageContaining("webhook.existingSecret or webhook.token is required");
    }

    @Test
    void lintsCleanOnceATokenIsGiven(@TempDir Path dir) throws IOException {
        // helm lint only reads values.yaml, whose default deliberately has no token; lint a copy with one.
        Path copy = dir.resolve("kubevirt-remediator");
        try (Stream<Path> files = Files.walk(RenderedChart.CHART)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(RenderedChart.CHART.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        Path values = copy.resolve("values.yaml");
        Files.writeString(values, Files.readString(values).replace("token: \"\"", "token: \"lint\""));

        LintResult result = new Helm(copy).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }
}

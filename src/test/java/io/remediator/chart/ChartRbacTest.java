package io.remediator.chart;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.launcherPod;
import static io.remediator.testing.KubeVirtObjects.migration;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.remediator.config.RemediatorConfig;
import io.remediator.remediation.Action;
import io.remediator.remediation.ActionExecutor;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PlannedAction;
import io.remediator.report.ReportStore;
import io.remediator.testing.KubeVirtApiStandIn;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The RBAC the chart ships, applied to a real API server: the service can read all it needs, and write what rbac.actions allows. */
@ExtendWith(RealCluster.class)
class ChartRbacTest {

    /** Applies the chart's ServiceAccount and RBAC; returns the account's name. */
    private static String applyRbac(TestCluster cluster, Map<String, Object> values) {
        List<JsonNode> docs = RenderedChart.render(values);
        cluster.namespace(RenderedChart.NAMESPACE);
        // Reports an earlier test left in the release namespace would be taken over by this test's service.
        cluster.client().genericKubernetesResources(ReportStore.KIND).inNamespace(RenderedChart.NAMESPACE).delete();
        for (String kind : List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")) {
            cluster.client().resource(RenderedChart.kind(docs, kind).toString()).inNamespace(RenderedChart.NAMESPACE)
                    .createOr(op -> op.update());
        }
        return RenderedChart.kind(docs, "ServiceAccount").at("/metadata/name").asText();
    }

    /** As the chart configures it: reports and the Lease in the release namespace, where its Role applies. */
    private static RemediatorConfig inReleaseNamespace(RemediatorConfig c) {
        return new RemediatorConfig(c.server(), c.webhook(), c.diagnosis(),
                RunningService.withReportsNamespace(c.reports(), RenderedChart.NAMESPACE), c.policy(), c.api(),
                c.leaderElection(), c.publicUrl(), c.slack());
    }

    @Test
    void theChartsClusterRoleIsEnoughForAFullDiagnosisWithANamespaceSelector(TestCluster cluster) {
        cluster.reset();
        String account = applyRbac(cluster, Map.of("webhook.token", "s3cret"));

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
        RemediatorConfig config = inReleaseNamespace(new RemediatorConfig(d.server(), d.webhook(),
                new RemediatorConfig.Diagnosis(500, 3, 30,
                        new RemediatorConfig.Namespaces(List.of(), List.of(), "remediate=yes"), d.diagnosis().repeatPassInterval()),
                d.reports(), d.policy(), d.api(), d.leaderElection(), d.publicUrl(), d.slack()));
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
            // With no rollout to count from, the leader keeps its failure counts in the one ConfigMap the Role names.
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.client().configMaps().inNamespace(RenderedChart.NAMESPACE)
                    .withName(io.remediator.rollout.FailureWindows.NAME).get() != null);
        }
    }

    @Test
    void withEveryRbacActionEnabledEveryActionsDryRunIsAccepted(TestCluster cluster, @TempDir Path dir) {
        cluster.reset();
        String account = applyRbac(cluster, Map.of("webhook.token", "s3cret", "rbac.actions.evict", true,
                "rbac.actions.restart", true, "rbac.actions.stop", true, "rbac.actions.enableWorkloadUpdates", true));
        cluster.create(kubeVirt("kubevirt", null, null, null));
        cluster.create(vmi("rbac-all", "movable").migratable().build());
        cluster.create(vm("rbac-all", "web", "Always"));
        cluster.create(vmi("rbac-all", "web").ownedBy("web").notMigratable("DisksNotLiveMigratable", "RWO").build());
        cluster.create(vm("rbac-all", "batch", "Manual"));
        cluster.create(vmi("rbac-all", "batch").ownedBy("batch").notMigratable("DisksNotLiveMigratable", "RWO").build());
        cluster.create(vm("rbac-all", "once", "Once"));
        cluster.create(vmi("rbac-all", "once").ownedBy("once").notMigratable("DisksNotLiveMigratable", "RWO").build());
        GenericKubernetesResource orphan = cluster.create(vmi("rbac-all", "orphan")
                .notMigratable("DisksNotLiveMigratable", "RWO").build());
        cluster.create(launcherPod(orphan, "virt-launcher-orphan-x1", "node-1"));

        try (KubeVirtApiStandIn virtApi = KubeVirtApiStandIn.register(cluster, dir);
             KubernetesClient client = cluster.serviceAccountClient(RenderedChart.NAMESPACE, account);
             RunningService service = RunningService.start(cluster.serviceAccountClient(RenderedChart.NAMESPACE,
                     account), inReleaseNamespace(RunningService.defaultConfig()))) {
            service.awaitReady();
            JsonNode report = service.awaitReport(service.postWebhook(Payloads.firing(), RunningService.TOKEN));

            Map<String, String> dryRuns = new TreeMap<>();
            report.get("remediation").get("actions").forEach(a -> dryRuns.put(a.get("key").asText(),
                    a.get("dryRun").get("accepted").asBoolean() ? "accepted" : a.get("dryRun").get("message").asText()));
            assertThat(dryRuns).containsExactly(
                    Map.entry("ENABLE_WORKLOAD_UPDATES kubevirt/kubevirt", "accepted"),
                    Map.entry("LIVE_MIGRATE rbac-all/movable", "accepted"),
                    Map.entry("RESTART rbac-all/batch", "accepted"),
                    // Once: restarted by deleting its VMI (KubeVirt's restart refuses Once).
                    Map.entry("RESTART rbac-all/once", "accepted"),
                    Map.entry("RESTART rbac-all/web", "accepted"),
                    Map.entry("STOP rbac-all/orphan", "accepted"));
            // The restarts and the stop reached KubeVirt's API through the aggregator, as the chart's account.
            assertThat(virtApi.calls()).extracting(KubeVirtApiStandIn.Call::verb, KubeVirtApiStandIn.Call::vm,
                            KubeVirtApiStandIn.Call::dryRun, KubeVirtApiStandIn.Call::user)
                    .contains(org.assertj.core.groups.Tuple.tuple("restart", "batch", true, "system:serviceaccount:"
                                    + RenderedChart.NAMESPACE + ":" + account));

            // No runbook branch stops a Manual VM; prove stop's RBAC on KubeVirt's API through the executor.
            PlannedAction stop = new PlannedAction("STOP rbac-all/batch", Action.STOP, "rbac-all", "batch", "batch", null,
                    io.remediator.remediation.Target.parse("VirtualMachine rbac-all/batch"), 1, Decision.RUN, "",
                    "policy.actions.stop=auto", null, null, Instant.now(), null, null);
            assertThat(new ActionExecutor(client, List.of("LiveMigrate"), Clock.systemUTC()).dryRun(stop).asDryRun()
                    .accepted()).isTrue();
            assertThat(virtApi.calls()).extracting(KubeVirtApiStandIn.Call::verb, KubeVirtApiStandIn.Call::vm,
                            KubeVirtApiStandIn.Call::dryRun, KubeVirtApiStandIn.Call::user)
                    .contains(org.assertj.core.groups.Tuple.tuple("stop", "batch", true, "system:serviceaccount:"
                            + RenderedChart.NAMESPACE + ":" + account));

            // No runbook branch recommends EVICT; prove its RBAC through the executor directly.
            PlannedAction evict = new PlannedAction("EVICT rbac-all/orphan", Action.EVICT, "rbac-all", "orphan", null, null,
                    io.remediator.remediation.Target.parse("Pod rbac-all/virt-launcher-orphan-x1"), 1, Decision.RUN, "", "policy.actions.evict=auto", null,
                    null, Instant.now(), null, null);
            ActionExecutor executor = new ActionExecutor(client, List.of("LiveMigrate"), Clock.systemUTC());
            assertThat(executor.dryRun(evict).asDryRun().accepted()).isTrue();
            PlannedAction restart = new PlannedAction("RESTART rbac-all/web", Action.RESTART, "rbac-all", "web", "web", null,
                    io.remediator.remediation.Target.parse("VirtualMachine rbac-all/web"), 1, Decision.RUN, "", "policy.actions.restart=auto", null,
                    null, Instant.now(), null, null);
            assertThat(executor.dryRun(restart).asDryRun().accepted()).isTrue();

            // The chart's defaults take the disruptive writes away again: the same dry run is refused.
            applyRbac(cluster, Map.of("webhook.token", "s3cret"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(403).equals(executor.dryRun(evict).asDryRun().code()));
            assertThat(executor.dryRun(evict).asDryRun().message()).contains("cannot create resource \"pods/eviction\"");
            // The real API server refuses KubeVirt's restart subresource before virt-api sees it.
            // Counted in this test's namespace only: the stand-in answers the whole cluster, and one CI
            // run saw a restart of a "web" VM it did not know (404) land in this window, not this test's.
            java.util.function.Supplier<List<KubeVirtApiStandIn.Call>> ours = () -> virtApi.calls().stream()
                    .filter(c -> c.namespace().equals("rbac-all")).toList();
            int callsBefore = ours.get().size();
            assertThat(executor.dryRun(restart).asDryRun().code()).isEqualTo(403);
            assertThat(executor.dryRun(restart).asDryRun().message())
                    .contains("cannot update resource \"virtualmachines/restart\" in API group \"subresources.kubevirt.io\"");
            assertThat(ours.get()).as("virt-api calls for rbac-all: %s", virtApi.calls()).hasSize(callsBefore);
        }
    }
}

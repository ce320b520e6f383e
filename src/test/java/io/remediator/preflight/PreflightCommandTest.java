package io.remediator.preflight;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.remediator.kubevirt.ClusterNode;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.testing.AuditLog;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `preflight` on the real API server with KubeVirt's CRDs (next-capabilities §3.5, this slice):
 * nodes with KVM allocatable and machine-type labels written through nodes/status, one VMI per
 * outcome and flag, the exit codes 3 → 2 → 0 as the fixture is repaired, `-n`, the audit log's
 * zero writes, and an RBAC gap answered with exit 1 and the verb and resource.
 */
@ExtendWith(RealCluster.class)
class PreflightCommandTest {
    private static final List<String> NODES = List.of("kvm-1", "kvm-2", "kvm-3", "kvm-cordoned", "kvm-down", "kvm-tainted");
    private TestCluster cluster;
    private Path kubeconfig;

    @BeforeEach
    void cluster(TestCluster cluster, @TempDir Path dir) throws Exception {
        this.cluster = cluster;
        cluster.reset();
        kubeconfig = cluster.writeKubeconfig(dir);
        node("kvm-1", false, "pc-q35-rhel9.4.0", "pc-q35-rhel8.6.0");
        node("kvm-2", false, "pc-q35-rhel9.4.0");
        node("kvm-3", false, "pc-q35-rhel9.4.0");
        node("kvm-cordoned", true, "pc-q35-rhel8.6.0");
        // virt-handler's node labeller: kvm-1 and kvm-2 are Skylakes that take each other's host-model
        // VMs; kvm-3 is an Icelake whose host model no other node offers.
        labels("kvm-1", Map.of("host-model-cpu.node.kubevirt.io/Skylake-Client-IBRS", "true",
                "cpu-model-migration.node.kubevirt.io/Skylake-Client-IBRS", "true", "cpu-feature.node.kubevirt.io/ssbd", "true"));
        labels("kvm-2", Map.of("host-model-cpu.node.kubevirt.io/Skylake-Client-IBRS", "true",
                "host-model-required-features.node.kubevirt.io/ssbd", "true",
                "cpu-model-migration.node.kubevirt.io/Skylake-Client-IBRS", "true", "cpu-feature.node.kubevirt.io/ssbd", "true"));
        labels("kvm-3", Map.of("host-model-cpu.node.kubevirt.io/Icelake-Server", "true",
                "host-model-required-features.node.kubevirt.io/avx512vnni", "true",
                "cpu-model-migration.node.kubevirt.io/Icelake-Server", "true"));
    }

    private void labels(String node, Map<String, String> labels) {
        cluster.client().nodes().withName(node).edit(n -> {
            n.getMetadata().getLabels().putAll(labels);
            return n;
        });
    }

    /** A KVM node the node controller says is not Ready (written through nodes/status), and one tainted NoSchedule. */
    private void unavailableNodes() {
        node("kvm-down", false, "pc-q35-rhel9.4.0");
        var down = cluster.client().nodes().withName("kvm-down").get();
        down.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.NodeConditionBuilder().withType("Ready")
                .withStatus("Unknown").withReason("NodeStatusUnknown").withMessage("Kubelet stopped posting node status.")
                .build()));
        cluster.client().nodes().resource(down).updateStatus();
        node("kvm-tainted", false, "pc-q35-rhel9.4.0");
        cluster.client().nodes().withName("kvm-tainted").edit(n -> {
            n.getSpec().setTaints(List.of(new io.fabric8.kubernetes.api.model.TaintBuilder().withKey("example.com/maintenance")
                    .withEffect("NoSchedule").build()));
            return n;
        });
    }

    /**
     * The outcomes, flags and sentences of every VM and each gate's result and evidence, as the
     * golden file `src/test/resources/preflight/golden.json` holds them; `GOLDEN_UPDATE=1`
     * rewrites it (then read the diff).
     */
    private static void matchesGolden(JsonNode report) throws Exception {
        ObjectMapper json = new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        Map<String, Object> vms = new java.util.TreeMap<>();
        vms(report).forEach((k, v) -> {
            List<String> flags = new java.util.ArrayList<>();
            v.get("flags").forEach(f -> flags.add(f.asText()));
            java.util.Collections.sort(flags);
            vms.put(k, Map.of("outcome", v.get("outcome").asText(), "flags", flags, "why", v.get("why").asText()));
        });
        Map<String, Object> gates = new java.util.TreeMap<>();
        report.get("gates").forEach(g -> gates.put(g.get("gate").asText(), Map.of("result", g.get("result").asText(),
                "evidence", g.get("evidence").asText())));
        String actual = json.writeValueAsString(Map.of("vms", vms, "gates", gates, "exitCode",
                report.get("exitCode").asInt())) + "\n";
        Path golden = Path.of("src/test/resources/preflight/golden.json");
        if ("1".equals(System.getenv("GOLDEN_UPDATE"))) {
            java.nio.file.Files.createDirectories(golden.getParent());
            java.nio.file.Files.writeString(golden, actual);
        }
        assertThat(actual).isEqualTo(java.nio.file.Files.readString(golden));
    }

    @AfterEach
    void nodesGo() {
        NODES.forEach(n -> cluster.client().nodes().withName(n).delete());
    }

    private void node(String name, boolean cordoned, String... machineTypes) {
        Map<String, String> labels = new HashMap<>();
        for (String t : machineTypes) {
            labels.put("machine-type.node.kubevirt.io/" + t, "true");
        }
        var created = cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(labels).endMetadata().withNewSpec().withUnschedulable(cordoned).endSpec().build()).create();
        created.setStatus(new NodeStatusBuilder().addToAllocatable(ClusterNode.KVM_RESOURCE, new Quantity("1k")).build());
        cluster.client().nodes().resource(created).updateStatus();
    }

    private GenericKubernetesResource running(GenericKubernetesResource vmi, String machineType) {
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) vmi.getAdditionalProperties().get("status");
        status.put("machine", Map.of("type", machineType));
        return vmi;
    }

    private record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    private Run preflight(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new java.util.ArrayList<>(List.of("--kubeconfig", kubeconfig.toString()));
        all.addAll(List.of(args));
        int code = PreflightCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, JsonNode> vms(JsonNode report) {
        Map<String, JsonNode> out = new HashMap<>();
        report.get("namespaces").forEach(ns -> ns.get("vms").forEach(v ->
                out.put(ns.get("namespace").asText() + "/" + v.get("name").asText(), v)));
        return out;
    }

    private static String gate(JsonNode report, String name) {
        for (JsonNode g : report.get("gates")) {
            if (name.equals(g.get("gate").asText())) {
                return g.get("result").asText();
            }
        }
        throw new AssertionError("no gate " + name);
    }

    @Test
    void everyRunningVmGetsKubeVirtsOutcomeAndTheExitCodeFollowsTheRepairs() throws Exception {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate", "Evict"))
                .deployed("v1.9.0", Instant.now().minusSeconds(86_400)).build());
        cluster.create(running(vmi("prod", "web").outdated(false).node("kvm-2").migratable().build(), "pc-q35-rhel9.4.0"));
        cluster.create(running(vmi("prod", "old").outdated(false).node("kvm-1").migratable().build(), "pc-q35-rhel8.6.0"));
        cluster.create(vmi("prod", "db").outdated(false).node("kvm-1").evictionStrategy("LiveMigrate")
                .notMigratable("DisksNotLiveMigratable", "RWO").build());
        cluster.create(vm("lab", "batch", "Always"));
        cluster.create(vmi("lab", "batch").outdated(false).ownedBy("batch").evictionStrategy("None")
                .notMigratable("DisksNotLiveMigratable", "RWO").build());
        cluster.create(vm("lab", "manual", "Manual"));
        cluster.create(vmi("lab", "manual").outdated(false).ownedBy("manual").evictionStrategy("None")
                .notMigratable("DisksNotLiveMigratable", "RWO").build());
        // A budget no disruption controller ever raises above 0, over db's launcher pod.
        GenericKubernetesResource db = cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("prod")
                .withName("db").get();
        var pod = io.remediator.testing.KubeVirtObjects.launcherPod(db, "virt-launcher-db-x1", "kvm-1");
        pod.getMetadata().getLabels().put("vm.kubevirt.io/name", "db");
        cluster.create(pod);
        GenericKubernetesResource pdb = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion(cluster.policyApiVersion()).withKind("PodDisruptionBudget")
                .withNewMetadata().withNamespace("prod").withName("db-budget").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("minAvailable", 1, "selector",
                        Map.of("matchLabels", Map.of("vm.kubevirt.io/name", "db")))))
                .build();
        GenericKubernetesResource stored = cluster.create(pdb);
        // What the disruption controller would write (none runs here), through the status subresource.
        stored.getAdditionalProperties().put("status", Map.of("disruptionsAllowed", 0, "currentHealthy", 1,
                "desiredHealthy", 1, "expectedPods", 1));
        cluster.client().resource(stored).updateStatus();
        // A host-model VMI on the Icelake: no other node offers its model for migration.
        cluster.create(running(vmi("prod", "cpu").outdated(false).node("kvm-3").migratable().build(), "pc-q35-rhel9.4.0"));
        // The last update left one VMI in its old launcher.
        cluster.create(vmi("lab", "leftover").node("kvm-2").migratable().build());
        unavailableNodes();
        AuditLog audit = cluster.audit();
        long mark = audit.mark();

        Run notReady = preflight("-o", "json");

        assertThat(notReady.code()).as(notReady.err()).isEqualTo(3);
        JsonNode report = notReady.json();
        Map<String, JsonNode> vms = vms(report);
        assertThat(vms.get("prod/web").get("outcome").asText()).isEqualTo("MIGRATES");
        assertThat(vms.get("prod/web").get("flags")).isEmpty();
        assertThat(vms.get("prod/cpu").get("flags").toString()).contains("HOST_MODEL_NO_MATCH");
        assertThat(vms.get("prod/cpu").get("why").asText()).contains("host-model (Icelake-Server on kvm-3, requiring"
                + " avx512vnni)");
        assertThat(vms.get("prod/old").get("outcome").asText()).isEqualTo("MIGRATES");
        assertThat(vms.get("prod/old").get("flags").toString()).contains("NO_TARGET_NODE");
        assertThat(vms.get("prod/db").get("outcome").asText()).isEqualTo("NEVER_UPDATED");
        assertThat(vms.get("prod/db").get("flags").toString()).contains("BLOCKS_DRAINS");
        assertThat(vms.get("prod/db").get("why").asText()).contains("429");
        assertThat(vms.get("lab/batch").get("outcome").asText()).isEqualTo("EVICTED_RESTARTS");
        assertThat(vms.get("lab/manual").get("outcome").asText()).isEqualTo("EVICTED_STAYS_DOWN");
        assertThat(gate(report, "PREVIOUS_ROLLOUT_COMPLETE")).isEqualTo("FAIL");
        assertThat(gate(report, "CONTROL_PLANE_HEALTHY")).isEqualTo("PASS");
        assertThat(gate(report, "KVM_NODES")).isEqualTo("PASS");
        assertThat(gate(report, "UPDATE_METHODS")).isEqualTo("WARN");
        assertThat(gate(report, "NODES")).isEqualTo("WARN");
        assertThat(gate(report, "PDB_BLOCKERS")).isEqualTo("WARN");
        assertThat(report.get("gates").toString()).contains("prod/db-budget (disruptionsAllowed 0) over db")
                .contains("pc-q35-rhel8.6.0 on 1 schedulable KVM node(s)");
        assertThat(gate(report, "MACHINE_TYPES")).isEqualTo("WARN");
        assertThat(report.get("gates").toString()).contains("kvm-cordoned (cordoned)").contains("kvm-down (not Ready)")
                .contains("kvm-tainted (tainted example.com/maintenance)");
        assertThat(report.get("cannotPredict").asText()).contains("cannot be predicted");
        matchesGolden(report);
        // It only read.
        assertThat(audit.writesSince(mark)).isEmpty();

        // The table groups by namespace and fits 100 columns.
        Run table = preflight();
        assertThat(table.code()).isEqualTo(3);
        assertThat(table.out()).contains("NAMESPACE lab:").contains("NAMESPACE prod:").contains("EVICTED_STAYS_DOWN");
        assertThat(table.out().lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(100));
        // -n narrows.
        JsonNode prod = preflight("-o", "json", "-n", "prod").json();
        assertThat(vms(prod).keySet()).containsExactlyInAnyOrder("prod/web", "prod/old", "prod/db", "prod/cpu");

        // The leftover is updated: ready, with warnings (VMs go down or stay outdated).
        cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("lab").withName("leftover")
                .edit(v -> {
                    v.getMetadata().getLabels().remove(KubeVirtResources.OUTDATED_LABEL);
                    return v;
                });
        assertThat(preflight("-o", "json").code()).isEqualTo(2);
        assertThat(preflight("-o", "json", "--fail-on", "fail").code()).as("warnings do not fail").isZero();

        // Only VMs that migrate, LiveMigrate alone, no cordoned node: ready.
        for (String[] v : new String[][] {{"prod", "db"}, {"prod", "old"}, {"lab", "batch"}, {"lab", "manual"},
                {"prod", "cpu"}}) {
            cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace(v[0]).withName(v[1]).delete();
        }
        cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT).inNamespace("kubevirt").withName("kubevirt")
                .edit(kv -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec = (Map<String, Object>) kv.getAdditionalProperties().get("spec");
                    spec.put("workloadUpdateStrategy", Map.of("workloadUpdateMethods", List.of("LiveMigrate")));
                    return kv;
                });
        for (String n : List.of("kvm-cordoned", "kvm-down", "kvm-tainted")) {
            cluster.client().nodes().withName(n).delete();
        }
        Run ready = preflight("-o", "json");
        assertThat(ready.code()).as(ready.out()).isZero();
        assertThat(gate(ready.json(), "PDB_BLOCKERS")).as("the budget's VM is gone").isEqualTo("PASS");
        assertThat(gate(ready.json(), "MACHINE_TYPES")).isEqualTo("PASS");
    }

    @Test
    void theServiceServesTheSamePreflightAsJsonAndHtmlKeptForAMinuteWithItsMetrics() throws Exception {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0",
                Instant.now().minusSeconds(86_400)).build());
        cluster.create(running(vmi("prod", "web").outdated(false).node("kvm-2").migratable().build(), "pc-q35-rhel9.4.0"));
        try (io.remediator.testing.RunningService s = io.remediator.testing.RunningService.start(cluster.newClient())
                .awaitReady()) {
            var first = s.post("/api/preflight", "", null);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            JsonNode report = s.parse(first.body());
            assertThat(vms(report).get("prod/web").get("outcome").asText()).isEqualTo("MIGRATES");
            assertThat(gate(report, "KVM_NODES")).isEqualTo("PASS");
            assertThat(gate(report, "NODES")).as("kvm-cordoned").isEqualTo("WARN");
            // Kept for a minute: the same computation answers again.
            JsonNode again = s.parse(s.post("/api/preflight", "", null).body());
            assertThat(again.get("generatedAt").asText()).isEqualTo(report.get("generatedAt").asText());
            var page = s.get("/preflight");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Pre-flight for the next KubeVirt update: ready with warnings")
                    .contains("id=\"gates\"").contains("KVM_NODES").contains("<code>web</code>")
                    .doesNotContainIgnoringCase("<script");
            assertThat(s.get("/metrics").body())
                    .contains("remediator_preflight_gates{gate=\"KVM_NODES\",result=\"PASS\"} 1.0")
                    .contains("remediator_preflight_gates{gate=\"KVM_NODES\",result=\"FAIL\"} 0.0")
                    .contains("remediator_preflight_vmis{outcome=\"MIGRATES\"} 1.0");
        }
    }

    /** The chart's CronJob runs `preflight --publish`: the service keeps the result in its ConfigMap and posts it to Slack. */
    @Test
    void publishedTheResultIsKeptInAConfigMapAndPostedToThePlatformAndOwnerChannels(@TempDir Path dir) throws Exception {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0",
                Instant.now().minusSeconds(86_400)).build());
        cluster.create(running(vmi("prod", "web").outdated(false).node("kvm-2").migratable().build(), "pc-q35-rhel9.4.0"));
        cluster.create(vmi("prod", "db").outdated(false).node("kvm-1").evictionStrategy("LiveMigrate")
                .notMigratable("DisksNotLiveMigratable", "RWO").build());
        cluster.create(running(vmi("lab", "x").outdated(false).node("kvm-2").migratable().build(), "pc-q35-rhel9.4.0"));
        cluster.namespace("prod");
        cluster.client().namespaces().withName("prod").edit(n -> new io.fabric8.kubernetes.api.model.NamespaceBuilder(n)
                .editMetadata().withAnnotations(Map.of(io.remediator.remediation.OwnerAnnotations.SLACK_CHANNEL, "C0PROD0001"))
                .endMetadata().build());
        Path admin = Files.writeString(dir.resolve("admin-token"), io.remediator.testing.RunningService.ADMIN_TOKEN + "\n");
        Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-admin-token-0123\n");
        try (io.remediator.testing.FakeSlack slack = new io.remediator.testing.FakeSlack()) {
            var config = io.remediator.testing.RunningService.withSlack(io.remediator.testing.RunningService.withPolicy(
                    io.remediator.testing.Policies.mode("report").build()), slack.botConfig(dir,
                    new io.remediator.config.RemediatorConfig.Approval("none", "", java.time.Duration.ofMinutes(30), "",
                            "EVICT", "", List.of(), "")));
            try (io.remediator.testing.RunningService s = io.remediator.testing.RunningService.start(cluster.newClient(),
                    config).awaitReady()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int code = PreflightCommand.run(new String[] {"--publish", s.baseUrl(), "--token-file", admin.toString()},
                        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                        Clock.systemUTC());
                assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
                JsonNode answer = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
                assertThat(answer.get("exitCode").asInt()).isEqualTo(2);
                assertThat(answer.get("failed")).isEmpty();
                assertThat(answer.get("published").toString()).contains("ConfigMap ")
                        .contains("Slack: the platform channel and 1 owner channel(s)");
                var kept = cluster.client().configMaps().inAnyNamespace().withField("metadata.name",
                        io.remediator.report.PreflightResults.NAME).list().getItems();
                assertThat(kept).hasSize(1);
                assertThat(kept.get(0).getMetadata().getAnnotations()).containsEntry("kubevirt-remediator.io/exit-code", "2");
                assertThat(new ObjectMapper().readTree(kept.get(0).getData().get("preflight.json")).get("exitCode").asInt())
                        .isEqualTo(2);
                assertThat(kept.get(0).getData().get("preflight.md")).contains("## KubeVirt update pre-flight");
                // The platform channel: the verdict, the gates that warn, every namespace; prod's channel: prod only.
                var posts = slack.calls("chat.postMessage");
                assertThat(posts).extracting(c -> c.form().get("text")).contains("KubeVirt update pre-flight: ready with warnings",
                        "KubeVirt update pre-flight: ready with warnings — prod");
                String owner = posts.stream().filter(c -> "C0PROD0001".equals(c.form().get("channel"))).findFirst()
                        .orElseThrow().form().get("blocks");
                assertThat(owner).contains("prod/db").contains("NEVER_UPDATED").doesNotContain("lab/");
                kept.get(0).getMetadata().setResourceVersion(null);
                cluster.client().configMaps().inNamespace(kept.get(0).getMetadata().getNamespace())
                        .withName(kept.get(0).getMetadata().getName()).delete();

                ByteArrayOutputStream refusedErr = new ByteArrayOutputStream();
                assertThat(PreflightCommand.run(new String[] {"--publish", s.baseUrl(), "--token-file", wrong.toString()},
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(refusedErr, true, StandardCharsets.UTF_8), Clock.systemUTC())).isEqualTo(1);
                assertThat(refusedErr.toString(StandardCharsets.UTF_8)).contains("publishing needs the admin token");
            }
        } finally {
            cluster.client().namespaces().withName("prod").edit(n -> new io.fabric8.kubernetes.api.model.NamespaceBuilder(n)
                    .editMetadata().withAnnotations(Map.of()).endMetadata().build());
        }
    }

    @Test
    void aUserWithoutTheRightToListVmisGetsExitOneWithTheVerbAndResource(@TempDir Path dir) throws Exception {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).build());
        var limited = cluster.serviceAccountClient("preflight-users", "nobody");
        Config admin = Config.fromKubeconfig(cluster.kubeconfigYaml());
        String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " + admin.getMasterUrl()
                + "\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: "
                + limited.getConfiguration().getOauthToken() + "\ncontexts:\n- name: x\n  context:\n    cluster: c\n"
                + "    user: u\ncurrent-context: x\n";
        kubeconfig = Files.writeString(dir.resolve("limited"), yaml);

        Run denied = preflight();

        assertThat(denied.code()).isEqualTo(1);
        assertThat(denied.err()).contains("forbidden").contains("cannot list resource")
                .containsPattern("virtualmachineinstances|kubevirts");

        // Bound to a read-only ClusterRole (get and list, nothing else): it works, and writes nothing.
        cluster.client().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder().withNewMetadata()
                .withName("preflight-reader").endMetadata().withRules(
                        new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder().withApiGroups("kubevirt.io")
                                .withResources("virtualmachineinstances", "virtualmachines",
                                        "virtualmachineinstancemigrations", "kubevirts").withVerbs("get", "list").build(),
                        new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder().withApiGroups("")
                                .withResources("nodes", "pods").withVerbs("get", "list").build(),
                        new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder().withApiGroups("policy")
                                .withResources("poddisruptionbudgets").withVerbs("get", "list").build()).build())
                .createOr(o -> o.update());
        cluster.client().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder().withNewMetadata()
                .withName("preflight-reader").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole").withName("preflight-reader").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withNamespace("preflight-users").withName("nobody").endSubject().build()).createOr(o -> o.update());
        cluster.create(vmi("prod", "web").outdated(false).node("kvm-2").migratable().build());
        AuditLog audit = cluster.audit();
        long mark = audit.mark();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> preflight("-o", "json").code() != 1);
        Run read = preflight("-o", "json");
        assertThat(read.code()).as(read.err()).isIn(0, 2, 3);
        assertThat(vms(read.json())).containsKey("prod/web");
        assertThat(audit.writesSince(mark)).as("the reader wrote nothing").isEmpty();
        limited.close();
    }
}

package io.remediator.runbook.nonevictable;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.remediation.Action;
import io.remediator.remediation.ActionExecutor;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.Target;
import io.remediator.remediation.WriteOutcome;
import io.remediator.runbook.VmiFinding;
import io.remediator.testing.KubeVirtApiStandIn;
import io.remediator.testing.Policies;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * next-capabilities §4.6 V2–V7 on the real API server with KubeVirt's CRDs: one VMI per branch,
 * six alerts (two for one VMI, differing only in `pod`), a cordoned node, the restart through the
 * virt-api stand-in after approval, the template patch, and no write to any VMI.
 */
@ExtendWith(RealCluster.class)
class NonEvictableReportTest {
    private static final String NS = "vce";
    private static final Set<String> VMI_WRITES = Set.of("virtualmachineinstances");
    private TestCluster cluster;

    @BeforeEach
    void cluster(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    @AfterEach
    void nodes() {
        List.of("vce-node-1", "vce-node-2").forEach(n -> cluster.client().nodes().withName(n).delete());
    }

    private void node(String name, boolean cordoned) {
        cluster.client().nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
                .withName(name).endMetadata().withNewSpec().withUnschedulable(cordoned).endSpec().build()).create();
    }

    static String alert(String name, String node, String pod) {
        return """
                {"status":"firing","labels":{"alertname":"VMCannotBeEvicted","severity":"warning",
                   "operator_health_impact":"none","kubernetes_operator_part_of":"kubevirt",
                   "kubernetes_operator_component":"kubevirt","namespace":"%s","name":"%s","node":"%s",
                   "pod":"%s","container":"virt-controller","endpoint":"metrics",
                   "service":"kubevirt-prometheus-metrics","job":"kubevirt-prometheus-metrics","instance":"10.244.1.17:8443"},
                 "annotations":{"description":"Eviction policy for VirtualMachine %s in namespace %s (on node %s) is set to Live Migration but the VM is not migratable",
                   "runbook_url":"https://kubevirt.io/monitoring/runbooks/VMCannotBeEvicted"},
                 "startsAt":"2026-12-07T08:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",
                 "generatorURL":"http://prometheus.example/graph","fingerprint":"%08x"}
                """.formatted(NS, name, node, pod, name, NS, node, (name + pod).hashCode());
    }

    static String group(String... alerts) {
        return """
                {"receiver":"kubevirt-remediator","status":"firing","alerts":[%s],
                 "groupLabels":{"alertname":"VMCannotBeEvicted"},
                 "commonLabels":{"alertname":"VMCannotBeEvicted","severity":"warning"},
                 "commonAnnotations":{},"externalURL":"http://alertmanager.example:9093","version":"4",
                 "groupKey":"{}:{alertname=\\"VMCannotBeEvicted\\"}","truncatedAlerts":0}
                """.formatted(String.join(",", alerts));
    }

    private static Map<String, JsonNode> byName(JsonNode list, String field) {
        Map<String, JsonNode> out = new HashMap<>();
        list.forEach(n -> out.put(n.get(field).asText(), n));
        return out;
    }

    @Test
    void everyBranchOnTheRealApiServerWithTheDrainBlockedRestartApprovedThroughKubeVirtsApiAndNoVmiWritten(
            @TempDir Path tmp) {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).evictionStrategy("LiveMigrate")
                .deployed("v1.9.0", Instant.now().minusSeconds(86_400)).build());
        node("vce-node-1", true);
        node("vce-node-2", false);
        String disks = "cannot migrate VMI: PVC data is not shared, live migration requires that all PVCs must be"
                + " shared (using ReadWriteMany access mode)";
        cluster.create(vm(NS, "gpu-1", "Always"));
        cluster.create(vmi(NS, "gpu-1").outdated(false).node("vce-node-1").ownedBy("gpu-1").evictionStrategy("LiveMigrate")
                .notMigratable("HostDeviceNotLiveMigratable", "VMI uses a PCI host devices").build());
        cluster.create(vm(NS, "db-2", "Always"));
        cluster.create(vmi(NS, "db-2").outdated(false).node("vce-node-2").ownedBy("db-2").evictionStrategy("LiveMigrate")
                .notMigratable("DisksNotLiveMigratable", disks).build());
        cluster.create(vm(NS, "web-3", "Always"));
        cluster.create(vmi(NS, "web-3").outdated(false).node("vce-node-2").ownedBy("web-3").evictionStrategy("LiveMigrate")
                .migratable().build());
        cluster.create(vmi(NS, "solo-4").outdated(false).node("vce-node-2").evictionStrategy("LiveMigrate")
                .notMigratable("DisksNotLiveMigratable", disks).build());
        GenericKubernetesResource accepted = vm(NS, "accepted-5", "Always");
        accepted.getMetadata().setAnnotations(Map.of(NonEvictableClassifier.ACCEPT_UNTIL, "2099-01-01T00:00:00Z"));
        cluster.create(accepted);
        cluster.create(vmi(NS, "accepted-5").outdated(false).node("vce-node-1").ownedBy("accepted-5")
                .evictionStrategy("LiveMigrate").notMigratable("InterfaceNotLiveMigratable", "bridge on pod network").build());

        // The alert's own report is tested here: with the drain-blocker watch on, its report for the
        // cordoned vce-node-1 would take gpu-1 over (OWNED_BY_DRAIN_REPORT, DrainWatchTest) at a time of its own.
        var config = RunningService.withoutDrainWatch(RunningService.withPolicy(Policies.mode("auto").restart("auto")
                .stop("auto").patchEvictionStrategy("auto").build()));
        try (KubeVirtApiStandIn virtApi = KubeVirtApiStandIn.register(cluster, tmp);
             RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            long mark = cluster.audit().mark();
            JsonNode report = s.awaitReport(s.postWebhook(group(alert("gpu-1", "vce-node-1", "virt-controller-a"),
                    alert("gpu-1", "vce-node-1", "virt-controller-b"), alert("db-2", "vce-node-2", "virt-controller-a"),
                    alert("web-3", "vce-node-2", "virt-controller-a"), alert("solo-4", "vce-node-2", "virt-controller-a"),
                    alert("accepted-5", "vce-node-1", "virt-controller-a")), RunningService.TOKEN));
            String id = report.get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode r = s.getJson("/api/reports/" + id);
                return r.path("remediation").path("actions").size() > 0 && !"Acting".equals(r.path("phase").asText());
            });
            report = s.getJson("/api/reports/" + id);
            assertThat(report.get("runbook").asText()).isEqualTo("VMCannotBeEvicted");
            assertThat(report.get("alerts").asInt()).isEqualTo(6);
            Map<String, JsonNode> vmis = byName(report.get("nonEvictableVmis"), "name");
            assertThat(vmis).hasSize(5);
            assertThat(vmis.get("gpu-1").get("branch").asText()).isEqualTo("VCE_DRAIN_BLOCKED");
            assertThat(vmis.get("gpu-1").get("alerts").asInt()).isEqualTo(2);
            assertThat(vmis.get("db-2").get("branch").asText()).isEqualTo("VCE_STRATEGY_MISMATCH");
            assertThat(vmis.get("web-3").get("branch").asText()).isEqualTo("VCE_STALE");
            assertThat(vmis.get("solo-4").get("branch").asText()).isEqualTo("VCE_NO_VM");
            assertThat(vmis.get("accepted-5").get("branch").asText()).isEqualTo("VCE_ACCEPTED");
            assertThat(report.get("drainBlockedNodes")).extracting(JsonNode::asText).containsExactly("vce-node-1");
            assertThat(report.get("findings").toString()).contains("6 firing alert(s) name 5 VMI(s); alerts that differ"
                    + " only in scrape labels");
            assertThat(report.toString()).doesNotContainIgnoringCase("shutdown");

            Map<String, JsonNode> actions = byName(report.get("remediation").get("actions"), "key");
            // auto, yet the drain-blocked restart and the stop of a VMI without a VM wait for a person.
            assertThat(actions.get("RESTART vce/gpu-1").get("decision").asText()).isEqualTo("AWAITING_APPROVAL");
            assertThat(actions.get("RESTART vce/gpu-1").get("object").asText()).isEqualTo("VirtualMachine vce/gpu-1");
            assertThat(actions.get("STOP vce/solo-4").get("decision").asText()).isEqualTo("AWAITING_APPROVAL");
            JsonNode patch = actions.get("PATCH_EVICTION_STRATEGY vce/db-2");
            assertThat(patch.get("decision").asText()).isEqualTo("RUN");
            assertThat(patch.get("result").get("outcome").asText()).isEqualTo("done");
            assertThat(patch.get("change").get("value").asText()).isEqualTo("LiveMigrateIfPossible");
            assertThat(actions).doesNotContainKeys("RESTART vce/accepted-5", "RESTART vce/web-3");
            GenericKubernetesResource db = cluster.client().genericKubernetesResources(KubeVirtResources.VM)
                    .inNamespace(NS).withName("db-2").get();
            assertThat((Object) db.get("spec", "template", "spec", "evictionStrategy")).isEqualTo("LiveMigrateIfPossible");
            assertThat(virtApi.calls()).filteredOn(c -> !c.dryRun()).isEmpty();

            var approved = s.post("/api/reports/" + id + "/approve", "{\"pass\":" + report.get("remediation").get("pass")
                    .asInt() + ",\"actions\":[\"RESTART vce/gpu-1\"],\"by\":\"alice\"}", RunningService.ADMIN_TOKEN);
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).alias("the approved restart").until(() -> virtApi.calls().stream()
                    .anyMatch(c -> !c.dryRun() && c.verb().equals("restart") && c.vm().equals("gpu-1")));
            assertThat(virtApi.calls()).filteredOn(c -> !c.dryRun()).extracting(KubeVirtApiStandIn.Call::vm)
                    .contains("gpu-1")
                    // db-2's template was changed in pass 1, so pass 2 restarts it (VCE_FIX_NEEDS_RESTART, auto).
                    .containsOnly("gpu-1", "db-2");
            // No VMI was patched, replaced or deleted: the template changed on the VM, the restart went through virt-api.
            assertThat(cluster.audit().changesSince(mark, VMI_WRITES)).isEmpty();

            String page = s.get("/reports/" + id).body();
            assertThat(page).contains("VMIs that cannot be evicted (5)").contains("A drain is waiting now on node <code>vce-node-1</code>.")
                    .contains("VCE_DRAIN_BLOCKED").contains("virtctl restart -n vce gpu-1");
            assertThat(s.get("/metrics").body())
                    .contains("remediator_runbook_vmis{action=\"RESTART\",alertname=\"VMCannotBeEvicted\"}");
        }
    }

    @Test
    void aTemplatePatchOnAVmThatChangedSinceItWasDiagnosedIsRefusedWith409AndNotWritten() {
        cluster.create(vm(NS, "db-9", "Always"));
        var reads = new io.remediator.kubevirt.EvictionReads(cluster.client());
        String diagnosedAt = reads.vm(NS, "db-9").orElseThrow().resourceVersion();
        PlannedAction p = new PlannedAction("PATCH_EVICTION_STRATEGY vce/db-9", Action.PATCH_EVICTION_STRATEGY, NS, "db-9",
                "db-9", "uid", new Target("VirtualMachine", NS, "db-9"), 1, null, null, "rule", null, null, Instant.now(),
                null, null, new VmiFinding.Change("spec.template.spec.evictionStrategy", "None", diagnosedAt), false);
        ActionExecutor executor = new ActionExecutor(cluster.client(), List.of("LiveMigrate"), Clock.systemUTC());
        assertThat(executor.dryRun(p)).isInstanceOf(WriteOutcome.Done.class);
        // Someone edits the VM between the plan and the write.
        cluster.client().genericKubernetesResources(KubeVirtResources.VM).inNamespace(NS).withName("db-9")
                .edit(v -> {
                    v.getMetadata().setLabels(Map.of("edited", "by-someone"));
                    return v;
                });
        WriteOutcome outcome = executor.execute(p, "report-x");
        assertThat(outcome).isInstanceOfSatisfying(WriteOutcome.Refused.class, r -> assertThat(r.code()).isEqualTo(409));
        GenericKubernetesResource after = cluster.client().genericKubernetesResources(KubeVirtResources.VM).inNamespace(NS)
                .withName("db-9").get();
        assertThat((Object) after.get("spec", "template", "spec", "evictionStrategy")).isNull();
    }

    @Test
    void anAbandonedDrainsMarkIsCancelledThroughKubeVirtsEvacuateCancelAndThisServiceWritesNoVmi(@TempDir Path tmp) {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).evictionStrategy("LiveMigrate")
                .deployed("v1.9.0", Instant.now().minusSeconds(86_400)).build());
        node("vce-node-1", false);
        cluster.create(vm(NS, "gpu-7", "Always"));
        // An earlier drain of vce-node-1 marked it; the node was uncordoned since (the drain abandoned).
        cluster.create(vmi(NS, "gpu-7").outdated(false).node("vce-node-1").ownedBy("gpu-7").evictionStrategy("LiveMigrate")
                .evacuationNode("vce-node-1").notMigratable("HostDeviceNotLiveMigratable", "VMI uses a PCI host devices")
                .build());
        var config = RunningService.withPolicy(Policies.mode("auto").evacuateCancel("auto").build());
        try (KubeVirtApiStandIn virtApi = KubeVirtApiStandIn.register(cluster, tmp);
             RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            long mark = cluster.audit().mark();
            JsonNode report = s.awaitReport(s.postWebhook(group(alert("gpu-7", "vce-node-1", "virt-controller-a")),
                    RunningService.TOKEN));
            String id = report.get("id").asText();
            await().atMost(Duration.ofSeconds(30)).alias("the evacuate/cancel through virt-api").until(() -> virtApi.calls()
                    .stream().anyMatch(c -> !c.dryRun() && c.verb().equals("evacuate/cancel") && c.answered() == 200));
            report = s.getJson("/api/reports/" + id);
            // Once the mark is gone the VMI is what it was before the drain: a strategy mismatch.
            await().atMost(Duration.ofSeconds(30)).until(() -> s.getJson("/api/reports/" + id).get("nonEvictableVmis")
                    .get(0).get("branch").asText().equals("VCE_STRATEGY_MISMATCH"));
            // Dry run first (a pass may prove it more than once before it runs). Under load the API server's
            // proxy may resend a request (seen in CI: a PUT arriving again, without its body); the cancel is
            // conditional on the mark, so it takes effect once: the audit log below has exactly one VMI patch.
            var cancels = virtApi.calls().stream().filter(c -> c.verb().equals("evacuate/cancel")).toList();
            assertThat(cancels.get(0).dryRun()).isTrue();
            assertThat(cancels).filteredOn(c -> !c.dryRun() && c.answered() == 200).isNotEmpty();
            // The mark is gone (virt-api's patch), and this service itself wrote no VMI.
            GenericKubernetesResource after = cluster.client().genericKubernetesResources(KubeVirtResources.VMI)
                    .inNamespace(NS).withName("gpu-7").get();
            assertThat((Object) after.get("status", "evacuationNodeName")).isNull();
            // The service's own requests are the subresource's (through the aggregator: dry run, then the cancel);
            // the one write of the VMI object is the stand-in's JSON patch, as virt-api's would be.
            var writes = cluster.audit().changesSince(mark, VMI_WRITES);
            assertThat(writes).filteredOn(w -> w.subresource() != null).extracting(Object::toString)
                    .containsOnly("update virtualmachineinstances/evacuate vce/gpu-7 -> 200");
            assertThat(writes).filteredOn(w -> w.subresource() == null).extracting(Object::toString)
                    .containsExactly("patch virtualmachineinstances vce/gpu-7 -> 200");
        }
    }
}

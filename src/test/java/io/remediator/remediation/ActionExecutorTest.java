package io.remediator.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.testing.KubeVirtApiStandIn;
import io.remediator.testing.KubeVirtEvictionWebhook;
import io.remediator.testing.KubeVirtObjects;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Eviction through the executor on a real API server: the server's own answer decides. */
@ExtendWith(RealCluster.class)
class ActionExecutorTest {
    private TestCluster cluster;
    private ActionExecutor executor;
    private KubernetesClient client;

    @BeforeEach
    void setUp(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
        cluster.namespace("evict");
        cluster.client().pods().inNamespace("evict").delete();
        client = cluster.newClient();
        executor = new ActionExecutor(client, List.of("LiveMigrate"), Clock.systemUTC());
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    /**
     * A running launcher pod, as a kubelet would report it (the eviction API lets Pending pods go
     * regardless of budgets). Not bound to a node, so an accepted eviction deletes it at once.
     */
    private Pod pod(String name, String app) {
        return pod("evict", name, app);
    }

    private Pod pod(String namespace, String name, String app) {
        Pod pod = cluster.create(new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .addToLabels("kubevirt.io", "virt-launcher").addToLabels("app", app).endMetadata()
                .withNewSpec().addNewContainer().withName("compute").withImage("virt-launcher").endContainer().endSpec()
                .build());
        pod.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
                .endCondition().build());
        return cluster.client().resource(pod).updateStatus();
    }

    private static PlannedAction evict(String pod) {
        return evict("evict", pod);
    }

    private static PlannedAction evict(String namespace, String pod) {
        return new PlannedAction("EVICT " + namespace + "/" + pod, Action.EVICT, namespace, pod, null, null,
                io.remediator.remediation.Target.parse("Pod " + namespace + "/" + pod), 1, Decision.RUN, "", "policy.actions.evict=auto", null, null,
                Instant.now(), null, null);
    }

    @Test
    void aPodDisruptionBudgetThatBlocksEvictionIsNamedAndNothingIsDeleted() {
        pod("guarded", "db");
        boolean v1 = cluster.client().getApiGroup("policy").getVersions().stream()
                .anyMatch(v -> "v1".equals(v.getVersion()));
        cluster.client().resource("""
                apiVersion: policy/%s
                kind: PodDisruptionBudget
                metadata: {name: db-pdb, namespace: evict}
                spec:
                  minAvailable: 1
                  selector: {matchLabels: {app: db}}
                """.formatted(v1 ? "v1" : "v1beta1")).createOr(op -> op.update());

        PlannedAction.DryRun dryRun = executor.dryRun(evict("guarded")).asDryRun();
        PlannedAction.Result result = executor.execute(evict("guarded"), "report-1").asResult();

        assertThat(dryRun.accepted()).isFalse();
        assertThat(dryRun.code()).isEqualTo(429);
        assertThat(dryRun.message()).contains("eviction refused (429) by PodDisruptionBudget db-pdb");
        assertThat(result.outcome().wire()).isEqualTo("failed");
        assertThat(result.message()).contains("PodDisruptionBudget db-pdb");
        assertThat(cluster.client().pods().inNamespace("evict").withName("guarded").get()).isNotNull();
    }

    @Test
    void eachOfKubeVirtsEvictionAnswersMeansWhatKubeVirtMeansByIt(@TempDir Path tmp) {
        try (KubeVirtEvictionWebhook webhook = KubeVirtEvictionWebhook.register(cluster, "evict-kubevirt", tmp)) {
            pod("evict-kubevirt", "launcher", "vm");
            // The API server picks up a new webhook configuration from its own watch, not at once.
            await().atMost(Duration.ofSeconds(20)).until(() -> executor.dryRun(evict("evict-kubevirt", "launcher")).asDryRun() != null
                    && !webhook.calls().isEmpty());

            // LiveMigrate and migratable: the 429 is KubeVirt's success, an evacuation started.
            PlannedAction.DryRun dryRun = executor.dryRun(evict("evict-kubevirt", "launcher")).asDryRun();
            assertThat(dryRun.accepted()).isTrue();
            assertThat(dryRun.message()).startsWith("KubeVirt took the eviction as an evacuation")
                    .contains("Eviction triggered evacuation of VMI \"evict-kubevirt/launcher\"");
            PlannedAction.Result result = executor.execute(evict("evict-kubevirt", "launcher"), "report-1").asResult();
            assertThat(result.outcome().wire()).isEqualTo("done");
            assertThat(result.message()).contains("live-migrates the VMI");
            assertThat(webhook.calls()).contains(true, false);
            assertThat(cluster.client().pods().inNamespace("evict-kubevirt").withName("launcher").get()).isNotNull();

            // LiveMigrate but not migratable: refused for good.
            webhook.answer(KubeVirtEvictionWebhook.NOT_MIGRATABLE);
            PlannedAction.DryRun refused = executor.dryRun(evict("evict-kubevirt", "launcher")).asDryRun();
            assertThat(refused.accepted()).isFalse();
            assertThat(refused.code()).isEqualTo(429);
            assertThat(refused.message()).startsWith("eviction refused (429) by KubeVirt's eviction webhook, for good:"
                    + " the VMI's eviction strategy is LiveMigrate and it cannot live-migrate");

            // The pod is a migration's target.
            webhook.answer(KubeVirtEvictionWebhook.TARGET_POD);
            assertThat(executor.execute(evict("evict-kubevirt", "launcher"), "report-1").asResult().message())
                    .contains("this pod is a migration's target, not the VMI's current pod");
            assertThat(cluster.client().pods().inNamespace("evict-kubevirt").withName("launcher").get()).isNotNull();
        }
    }

    @Test
    void anUnguardedPodIsEvictedOnlyWhenNotADryRun() {
        pod("free", "web");

        assertThat(executor.dryRun(evict("free")).asDryRun().accepted()).isTrue();
        assertThat(cluster.client().pods().inNamespace("evict").withName("free").get()).isNotNull();

        assertThat(executor.execute(evict("free"), "report-1").asResult().outcome().wire()).isEqualTo("done");
        assertThat(cluster.client().pods().inNamespace("evict").withName("free").get()).isNull();
    }

    private static PlannedAction restart(String vmi, String vm) {
        return new PlannedAction("RESTART evict/" + vmi, Action.RESTART, "evict", vmi, vm, null,
                io.remediator.remediation.Target.parse("VirtualMachine evict/" + vm), 1, Decision.RUN, "", "policy.actions.restart=auto", null, null,
                Instant.now(), null, null);
    }

    private GenericKubernetesResource vmiNow(String name) {
        return cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("evict").withName(name).get();
    }

    private void setRunStrategy(String vm, String strategy) {
        cluster.client().genericKubernetesResources(KubeVirtResources.VM).inNamespace("evict").withName(vm)
                .edit(r -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec = (Map<String, Object>) r.getAdditionalProperties().get("spec");
                    spec.put("runStrategy", strategy);
                    return r;
                });
    }

    private GenericKubernetesResource vmNow(String name) {
        return cluster.client().genericKubernetesResources(KubeVirtResources.VM).inNamespace("evict").withName(name).get();
    }

    private static PlannedAction stop(String vmi, String vm) {
        return new PlannedAction("STOP evict/" + vmi, Action.STOP, "evict", vmi, vm, null,
                io.remediator.remediation.Target.parse("VirtualMachine evict/" + vm), 1, Decision.RUN, "", "policy.actions.stop=auto", null, null,
                Instant.now(), null, null);
    }

    @Test
    void withoutKubeVirtsApiARestartDeletesTheVmiOnlyOfAnAlwaysVm() {
        cluster.create(KubeVirtObjects.vm("evict", "web", "Always"));
        cluster.create(KubeVirtObjects.vmi("evict", "web").ownedBy("web").notMigratable("DisksNotLiveMigratable", "RWO")
                .build());

        assertThat(executor.dryRun(restart("web", "web")).asDryRun().accepted()).isTrue();
        assertThat(vmiNow("web")).isNotNull();

        // RerunOnFailure would not start a deleted VMI again (vm.go:1039-1085): never delete it as a "restart".
        for (String strategy : List.of("RerunOnFailure", "Halted")) {
            setRunStrategy("web", strategy);
            PlannedAction.DryRun refused = executor.dryRun(restart("web", "web")).asDryRun();
            assertThat(refused.accepted()).isFalse();
            assertThat(refused.message()).isEqualTo("not restarted: KubeVirt's restart API (subresources.kubevirt.io)"
                    + " is not served, and deleting the VMI of a VM with run strategy " + strategy
                    + " would stop it, not restart it");
            assertThat(executor.execute(restart("web", "web"), "r").asResult().outcome().wire()).isEqualTo("failed");
            assertThat(vmiNow("web")).isNotNull();
        }

        setRunStrategy("web", "Always");
        assertThat(executor.execute(restart("web", "web"), "r").asResult().outcome().wire()).isEqualTo("done");
        assertThat(vmiNow("web")).isNull();
    }

    @Test
    void withoutKubeVirtsApiAStopNeverRewritesAManualRunStrategy() {
        cluster.create(KubeVirtObjects.vm("evict", "manual", "Manual"));
        cluster.create(KubeVirtObjects.vmi("evict", "manual").ownedBy("manual").build());
        cluster.create(KubeVirtObjects.vm("evict", "always", "Always"));
        cluster.create(KubeVirtObjects.vmi("evict", "always").ownedBy("always").build());

        PlannedAction.Result manual = executor.execute(stop("manual", "manual"), "r").asResult();
        PlannedAction.Result always = executor.execute(stop("always", "always"), "r").asResult();

        assertThat(manual.outcome().wire()).isEqualTo("failed");
        assertThat(manual.message()).contains("setting run strategy Manual to Halted would lose it");
        assertThat((Object) vmNow("manual").get("spec", "runStrategy")).isEqualTo("Manual");
        assertThat(always.outcome().wire()).isEqualTo("done");
        assertThat((Object) vmNow("always").get("spec", "runStrategy")).isEqualTo("Halted");
    }

    @Test
    void restartAndStopGoThroughKubeVirtsOwnApiAndKeepTheRunStrategy(@TempDir Path tmp) {
        cluster.create(KubeVirtObjects.vm("evict", "rerun", "RerunOnFailure"));
        String rerunUid = cluster.create(KubeVirtObjects.vmi("evict", "rerun").ownedBy("rerun").build())
                .getMetadata().getUid();
        cluster.create(KubeVirtObjects.vm("evict", "manual", "Manual"));
        String manualUid = cluster.create(KubeVirtObjects.vmi("evict", "manual").ownedBy("manual").build())
                .getMetadata().getUid();
        cluster.create(KubeVirtObjects.vm("evict", "halted", "Halted"));
        cluster.create(KubeVirtObjects.vmi("evict", "halted").ownedBy("halted").build());

        try (KubeVirtApiStandIn virtApi = KubeVirtApiStandIn.register(cluster, tmp)) {
            // The dry run reaches KubeVirt's API and changes nothing.
            assertThat(executor.dryRun(restart("rerun", "rerun")).asDryRun().accepted()).isTrue();
            assertThat((Object) vmNow("rerun").get("status", "stateChangeRequests")).isNull();

            PlannedAction.Result rerun = executor.execute(restart("rerun", "rerun"), "r").asResult();
            assertThat(rerun.outcome().wire()).as(rerun.message()).isEqualTo("done");
            assertThat(executor.execute(restart("manual", "manual"), "r").asResult().outcome().wire()).isEqualTo("done");
            PlannedAction.Result stopManual = executor.execute(stop("manual", "manual"), "r").asResult();
            assertThat(stopManual.outcome().wire()).as(stopManual.message()).isEqualTo("done");

            // KubeVirt's restart: stop exactly this VMI, then start; the VMI is not deleted by us.
            assertThat((Object) vmNow("rerun").get("status", "stateChangeRequests")).isEqualTo(List.of(
                    Map.of("action", "Stop", "uid", rerunUid), Map.of("action", "Start")));
            assertThat(vmiNow("rerun")).isNotNull();
            assertThat(vmiNow("manual")).isNotNull();
            // KubeVirt's stop of a Manual VM keeps its run strategy, so a later start keeps it Manual.
            assertThat((Object) vmNow("manual").get("spec", "runStrategy")).isEqualTo("Manual");
            assertThat((Object) vmNow("manual").get("status", "stateChangeRequests")).isEqualTo(List.of(
                    Map.of("action", "Stop", "uid", manualUid)));

            // Halted cannot be restarted: KubeVirt's own 409, reported as the refusal.
            PlannedAction.DryRun halted = executor.dryRun(restart("halted", "halted")).asDryRun();
            assertThat(halted.accepted()).isFalse();
            assertThat(halted.code()).isEqualTo(409);
            assertThat(halted.message()).contains("RunStategy Halted does not support manual restart requests");

            assertThat(virtApi.calls()).extracting(KubeVirtApiStandIn.Call::verb, KubeVirtApiStandIn.Call::vm,
                            KubeVirtApiStandIn.Call::dryRun)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("restart", "rerun", true),
                            org.assertj.core.groups.Tuple.tuple("restart", "rerun", false),
                            org.assertj.core.groups.Tuple.tuple("restart", "manual", false),
                            org.assertj.core.groups.Tuple.tuple("stop", "manual", false),
                            org.assertj.core.groups.Tuple.tuple("restart", "halted", true));
        }
    }

    @Test
    void aWaitAsReceiverVmIsNeverRecordedAsStoppedAndANewerVmiOfTheSameNameIsLeftAlone(@TempDir Path tmp) {
        cluster.create(KubeVirtObjects.vm("evict", "receiver", "WaitAsReceiver"));
        cluster.create(KubeVirtObjects.vmi("evict", "receiver").ownedBy("receiver").build());
        cluster.create(KubeVirtObjects.vm("evict", "second", "Always"));
        cluster.create(KubeVirtObjects.vmi("evict", "second").ownedBy("second").build());

        try (KubeVirtApiStandIn virtApi = KubeVirtApiStandIn.register(cluster, tmp)) {
            // KubeVirt's stop answers 202 for a WaitAsReceiver VM and does nothing (lifecycle.go:211-246).
            PlannedAction.Result stopped = executor.execute(stop("receiver", "receiver"), "r").asResult();
            assertThat(stopped.outcome().wire()).isEqualTo("failed");
            assertThat(stopped.message()).contains("WaitAsReceiver, for which KubeVirt's stop does nothing");
            // Approved for the VMI diagnosed, which has since been re-created under its name (a second update).
            PlannedAction approvedForOlder = new PlannedAction("RESTART evict/second", Action.RESTART, "evict", "second",
                    "second", "uid-of-an-older-vmi", io.remediator.remediation.Target.parse("VirtualMachine evict/second"), 1,
                    Decision.APPROVED, "", "policy.actions.restart=approve", null, null, Instant.now(), null, null);
            PlannedAction.Result restarted = executor.execute(approvedForOlder, "r").asResult();
            assertThat(restarted.outcome().wire()).isEqualTo("already-done");
            assertThat(restarted.message()).startsWith("left alone: evict/second");
            assertThat(virtApi.calls()).isEmpty();
        }
        assertThat((Object) vmNow("receiver").get("spec", "runStrategy")).isEqualTo("WaitAsReceiver");
    }

    @Test
    void aReplicaSetsVmiIsRestartedByItsDeletionOnlyWhileTheReplicaSetStillOwnsIt() {
        GenericKubernetesResource owned = cluster.create(KubeVirtObjects.vmi("evict", "rs-1").ownedByReplicaSet("rs").build());
        cluster.create(KubeVirtObjects.vmi("evict", "loose").build());
        PlannedAction ofOwned = new PlannedAction("RESTART evict/rs-1", Action.RESTART, "evict", "rs-1", null,
                owned.getMetadata().getUid(), io.remediator.remediation.Target.parse("VirtualMachineInstance evict/rs-1"), 1,
                Decision.RUN, "", "policy.actions.restart=auto", null, null, Instant.now(), null, null);
        PlannedAction ofLoose = new PlannedAction("RESTART evict/loose", Action.RESTART, "evict", "loose", null, null,
                io.remediator.remediation.Target.parse("VirtualMachineInstance evict/loose"), 1,
                Decision.RUN, "", "policy.actions.restart=auto", null, null, Instant.now(), null, null);

        // Nothing replaces a VMI without such an owner: deleting it would be a stop, so it is refused.
        PlannedAction.DryRun loose = executor.dryRun(ofLoose).asDryRun();
        assertThat(loose.accepted()).isFalse();
        assertThat(loose.code()).isEqualTo(409);
        assertThat(executor.dryRun(ofOwned).asDryRun().accepted()).isTrue();
        assertThat(vmiNow("rs-1").getMetadata().getDeletionTimestamp()).isNull();
        assertThat(executor.execute(ofOwned, "r").asResult().outcome().wire()).isEqualTo("done");
        await().atMost(Duration.ofSeconds(10)).until(() -> vmiNow("rs-1") == null);
        assertThat(vmiNow("loose")).isNotNull();
    }

    @Test
    void aVmiRecreatedUpToDateSinceTheDiagnosisIsLeftAlone() {
        // The plan was made for an outdated VMI; its VM has since recreated it in an up-to-date launcher.
        cluster.create(KubeVirtObjects.vm("evict", "api", "Always"));
        String uid = cluster.create(KubeVirtObjects.vmi("evict", "api").ownedBy("api").outdated(false)
                .notMigratable("DisksNotLiveMigratable", "RWO").build()).getMetadata().getUid();

        PlannedAction.DryRun dryRun = executor.dryRun(restart("api", "api")).asDryRun();
        PlannedAction.Result result = executor.execute(restart("api", "api"), "r").asResult();

        assertThat(dryRun.accepted()).isTrue();
        assertThat(dryRun.message()).startsWith("left alone: evict/api no longer runs an outdated launcher");
        assertThat(result.outcome().wire()).isEqualTo("already-done");
        assertThat(vmiNow("api").getMetadata().getUid()).isEqualTo(uid);
        assertThat(cluster.client().v1().events().inNamespace("evict").list().getItems())
                .noneMatch(e -> "api".equals(e.getInvolvedObject().getName()));
    }

    @Test
    void theDeleteHitsOnlyTheVmiThatWasCheckedNotOneRecreatedUnderItsName() {
        GenericKubernetesResource checked = cluster.create(KubeVirtObjects.vmi("evict", "race").build());
        cluster.client().resource(checked).withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> vmiNow("race") == null);
        String recreated = cluster.create(KubeVirtObjects.vmi("evict", "race").build()).getMetadata().getUid();

        assertThatThrownBy(() -> new VmLifecycle(cluster.client(), java.time.Clock.systemUTC()).delete(checked, false)).isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
        assertThat(vmiNow("race").getMetadata().getUid()).isEqualTo(recreated);
    }

    @Test
    void creatingTheSameMigrationTwiceIsRecordedAsAlreadyDoneNotASecondMigration() {
        cluster.create(io.remediator.testing.KubeVirtObjects.vmi("evict", "db").migratable().build());
        PlannedAction migrate = new PlannedAction("LIVE_MIGRATE evict/db", Action.LIVE_MIGRATE, "evict", "db", null, null,
                io.remediator.remediation.Target.parse("VirtualMachineInstanceMigration evict/kvr-db-0a1b2c3d"), 1, Decision.RUN, "", "policy.mode=auto",
                null, null, Instant.now(), null, null);

        assertThat(executor.dryRun(migrate).asDryRun().accepted()).isTrue();
        assertThat(executor.execute(migrate, "r").asResult().outcome().wire()).isEqualTo("done");
        PlannedAction.Result again = executor.execute(migrate, "r").asResult();

        assertThat(again.outcome().wire()).isEqualTo("already-done");
        assertThat(again.message()).contains("kvr-db-0a1b2c3d already exists");
        assertThat(cluster.client().genericKubernetesResources(io.remediator.kubevirt.KubeVirtResources.MIGRATION)
                .inNamespace("evict").list().getItems()).hasSize(1);
    }
}

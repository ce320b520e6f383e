package io.remediator.runbook;

import static io.remediator.testing.KubeVirtObjects.hyperConverged;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.remediation.Action;
import io.remediator.remediation.ActionExecutor;
import io.remediator.remediation.ActionLedger;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.RemediationPlanner;
import io.remediator.remediation.RemediationPolicy;
import io.remediator.testing.Policies;
import java.time.temporal.ChronoUnit;
import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.launcherPod;
import static io.remediator.testing.KubeVirtObjects.migration;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmRunning;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.remediator.kubevirt.KubeVirtInformers;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The runbook's diagnosis against objects stored in a real API server. */
@ExtendWith(RealCluster.class)
class OutdatedVmiWorkloadsRunbookTest {
    private TestCluster cluster;
    private final List<KubeVirtInformers> opened = new ArrayList<>();

    @BeforeEach
    void clean(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    @AfterEach
    void closeCaches() {
        opened.forEach(KubeVirtInformers::close);
    }

    private OutdatedVmiWorkloadsRunbook runbook(int pageSize, NamespaceScope scope, String selector) {
        KubeVirtInformers informers = new KubeVirtInformers(cluster.client(), pageSize, selector, Duration.ofSeconds(30));
        opened.add(informers);
        return new OutdatedVmiWorkloadsRunbook(informers, scope, 3);
    }

    private OutdatedWorkloadsDiagnosis diagnose() {
        return runbook(0, NamespaceScope.ALL, null).diagnose();
    }

    private static OutdatedVmi find(OutdatedWorkloadsDiagnosis d, String name) {
        return d.outdatedVmis().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void listsOnlyLabelledVmisAcrossNamespacesWithTheirMigratability() {
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate", "Evict"), 5, "2m"));
        cluster.create(vmi("team-a", "db-1").node("worker-1").migratable().build());
        cluster.create(vmi("team-a", "gpu-1").node("worker-2")
                .notMigratable("HostDeviceNotLiveMigratable", "VMI uses a host device").build());
        cluster.create(vmi("team-b", "web-1").node("worker-3")
                .notMigratable("DisksNotLiveMigratable", "PVC web-disk is not shared (ReadWriteOnce)").build());
        cluster.create(vmi("team-b", "fresh-1").outdated(false).migratable().build());
        cluster.create(vmi("team-c", "fresh-2").outdated(false).build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.outdatedVmis())
                .extracting(OutdatedVmi::namespace, OutdatedVmi::name, OutdatedVmi::node, OutdatedVmi::liveMigratable,
                        OutdatedVmi::reason)
                .containsExactly(
                        tuple("team-a", "db-1", "worker-1", true, null),
                        tuple("team-a", "gpu-1", "worker-2", false, "HostDeviceNotLiveMigratable"),
                        tuple("team-b", "web-1", "worker-3", false, "DisksNotLiveMigratable"));
        assertThat(d.cluster().kubeVirt()).isEqualTo(new ClusterFindings.KubeVirtRef("kubevirt", "kubevirt"));
        assertThat(d.cluster().workloadUpdateMethods()).containsExactly("LiveMigrate", "Evict");
        assertThat(d.cluster().batchEvictionSize()).isEqualTo(5);
        assertThat(d.cluster().batchEvictionInterval()).isEqualTo("2m");
        assertThat(d.findings()).anyMatch(f -> f.contains("enabled with LiveMigrate and Evict"))
                .anyMatch(f -> f.startsWith("3 VMI(s)") && f.contains("2 of them cannot live-migrate"));
    }

    @Test
    void everyBranchOfTheRunbookWithRealObjects() {
        Instant updated = Instant.now().minusSeconds(3 * 86400);
        cluster.create(kubeVirt("kubevirt").methods(List.of("Evict")).deployed("v1.6.0", updated).build());
        // in flight: a migration KubeVirt is running
        cluster.create(vmi("shop", "moving").migratable().ownedBy("moving").build());
        cluster.create(migration("shop", "moving-mig", "moving").phase("Running").byWorkloadUpdater().build());
        // migratable, LiveMigrate off, two failed + one succeeded migration: still to be migrated
        cluster.create(vmi("shop", "flaky").migratable().build());
        // Failures come after the VMI's creation, which this server stamps now.
        Instant failing = Instant.now();
        cluster.create(migration("shop", "flaky-1", "flaky").failed("target pod unschedulable", failing.plusSeconds(60)).build());
        cluster.create(migration("shop", "flaky-2", "flaky").failed("migration timed out", failing.plusSeconds(120)).build());
        cluster.create(migration("shop", "flaky-3", "flaky").phase("Succeeded").build());
        // migratable, three failed: restart, its VM uses the deprecated spec.running
        cluster.create(vmRunning("shop", "stuck", true));
        cluster.create(vmi("shop", "stuck").migratable().ownedBy("stuck").build());
        for (int i = 1; i <= 3; i++) {
            // (This server stamps the VMI's creation now: its failures come after it.)
            cluster.create(migration("shop", "stuck-" + i, "stuck").failed("libvirt error", Instant.now().plusSeconds(i)).build());
        }
        // not migratable, Evict on: KubeVirt evicts it; VM Always brings it back
        cluster.create(vm("shop", "gpu", "Always"));
        cluster.create(vmi("shop", "gpu").notMigratable("HostDeviceNotLiveMigratable", "GPU passthrough")
                .ownedBy("gpu").evictionStrategy("None").build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.outdatedVmis())
                .extracting(OutdatedVmi::name, OutdatedVmi::branch, OutdatedVmi::recommendedAction)
                .containsExactly(
                        // Only Evict is on, so KubeVirt evicts it; with eviction strategy None that is a shutdown.
                        tuple("flaky", Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.LIVE_MIGRATE),
                        tuple("gpu", Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.WAIT),
                        tuple("moving", Branch.MIGRATION_IN_FLIGHT, RecommendedAction.WAIT),
                        tuple("stuck", Branch.MIGRATIONS_KEEP_FAILING, RecommendedAction.RESTART));
        OutdatedVmi flaky = find(d, "flaky");
        assertThat(flaky.migrations().failedCount()).isEqualTo(2);
        assertThat(flaky.migrations().succeededCount()).isEqualTo(1);
        assertThat(flaky.migrations().inFlightPhase()).isNull();
        assertThat(flaky.migrations().lastFailureReason()).isEqualTo("migration timed out");
        assertThat(flaky.migrations().lastFailedAt()).isEqualTo(failing.plusSeconds(120).truncatedTo(ChronoUnit.SECONDS));
        assertThat(flaky.vm()).isNull();
        OutdatedVmi moving = find(d, "moving");
        assertThat(moving.migrations().inFlightPhase()).isEqualTo("Running");
        assertThat(moving.migrations().inFlightByWorkloadUpdater()).isTrue();
        assertThat(moving.vm()).isEqualTo("moving");
        assertThat(moving.runStrategy()).isNull();
        OutdatedVmi stuck = find(d, "stuck");
        assertThat(stuck.runStrategy()).isEqualTo("Always");
        assertThat(stuck.migrations().failedCount()).isEqualTo(3);
        OutdatedVmi gpu = find(d, "gpu");
        assertThat(gpu.evictionStrategy()).isEqualTo("None");
        assertThat(gpu.explanation()).contains("starts it again");
        // Created after the recorded update completed: when it became outdated cannot be known.
        assertThat(gpu.outdatedSince()).isNull();
        assertThat(d.recommendedActionCounts()).containsEntry(RecommendedAction.WAIT, 2)
                .containsEntry(RecommendedAction.LIVE_MIGRATE, 1).containsEntry(RecommendedAction.RESTART, 1);
        assertThat(d.cluster().migrationsInFlight()).isEqualTo(1);
    }

    @Test
    void withoutEvictAVmiIsRestartedWhenItsVmRecreatesItAndOtherwiseStopped() {
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.create(vm("ops", "always", "Always"));
        cluster.create(vmi("ops", "always").notMigratable("DisksNotLiveMigratable", "RWO disk").ownedBy("always").build());
        cluster.create(vm("ops", "manual", "Manual"));
        cluster.create(vmi("ops", "manual").notMigratable("DisksNotLiveMigratable", "RWO disk").ownedBy("manual").build());
        cluster.create(vmRunning("ops", "legacy-off", false));
        cluster.create(vmi("ops", "legacy-off").notMigratable("DisksNotLiveMigratable", "RWO disk").ownedBy("legacy-off").build());
        cluster.create(vmi("ops", "bare").notMigratable("InterfaceNotLiveMigratable", "bridge interface").build());
        cluster.create(vmi("ops", "ready-to-move").migratable().build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.outdatedVmis())
                .extracting(OutdatedVmi::name, OutdatedVmi::vm, OutdatedVmi::runStrategy, OutdatedVmi::branch,
                        OutdatedVmi::recommendedAction)
                .containsExactly(
                        tuple("always", "always", "Always", Branch.NOT_MIGRATABLE_NOT_AUTOMATED, RecommendedAction.RESTART),
                        tuple("bare", null, null, Branch.NOT_MIGRATABLE_NOT_AUTOMATED, RecommendedAction.STOP),
                        tuple("legacy-off", "legacy-off", "Halted", Branch.NOT_MIGRATABLE_NOT_AUTOMATED, RecommendedAction.STOP),
                        tuple("manual", "manual", "Manual", Branch.NOT_MIGRATABLE_NOT_AUTOMATED, RecommendedAction.RESTART),
                        tuple("ready-to-move", null, null, Branch.KUBEVIRT_WILL_MIGRATE, RecommendedAction.WAIT));
        assertThat(find(d, "bare").explanation()).contains("no VirtualMachine").contains("real downtime");
        assertThat(find(d, "legacy-off").mitigation()).isEqualTo("virtctl stop -n ops legacy-off");
        assertThat(find(d, "manual").mitigation()).isEqualTo("virtctl restart -n ops manual");
    }

    @Test
    void aKubeVirtCrWithNothingSetGetsKubeVirtsDefaultsAndTheCommandToEnableUpdates() {
        cluster.create(kubeVirt("kubevirt").noStatus().build());
        cluster.create(vmi("team-a", "vm-1").migratable().build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        ClusterFindings c = d.cluster();
        assertThat(c.workloadUpdatesEnabled()).isFalse();
        assertThat(List.of(c.batchEvictionSize(), c.parallelMigrationsPerCluster(), c.parallelOutboundMigrationsPerNode()))
                .containsExactly(10, 5, 2);
        assertThat(c.defaulted()).hasSize(5);
        assertThat(c.controlPlaneUpdateComplete()).isFalse();
        assertThat(c.enableWorkloadUpdatesCommand()).startsWith("kubectl patch kubevirt kubevirt -n kubevirt --type merge");
        assertThat(d.findings()).anyMatch(f -> f.startsWith("Automated workload updates are not enabled")
                && f.contains(c.enableWorkloadUpdatesCommand()));
        assertThat(find(d, "vm-1").recommendedAction()).isEqualTo(RecommendedAction.LIVE_MIGRATE);
    }

    @Test
    void theCrsMigrationLimitsAndAnUnfinishedControlPlaneUpdateAreReported() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).migrations(20, 4)
                .deploying("v1.5.0", "v1.6.0").build());
        cluster.create(vmi("team-a", "vm-1").migratable().build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.cluster().parallelMigrationsPerCluster()).isEqualTo(20);
        assertThat(d.cluster().parallelOutboundMigrationsPerNode()).isEqualTo(4);
        assertThat(d.cluster().defaulted()).containsExactly("batchEvictionSize", "batchEvictionInterval", "evictionStrategy");
        assertThat(d.cluster().controlPlaneUpdateComplete()).isFalse();
        assertThat(d.cluster().observedKubeVirtVersion()).isEqualTo("v1.5.0");
        assertThat(d.cluster().targetKubeVirtVersion()).isEqualTo("v1.6.0");
        assertThat(find(d, "vm-1").explanation()).contains("once the KubeVirt control-plane update completes");
        assertThat(find(d, "vm-1").outdatedSince()).isNull();
    }

    @Test
    void launcherPodsAreFoundThroughTheirCreatedByLabel() {
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        GenericKubernetesResource vmi = cluster.create(vmi("team-a", "db").node("worker-7").migratable().build());
        cluster.create(launcherPod(vmi, "virt-launcher-db-abcde", "worker-7"));

        OutdatedVmi v = diagnose().outdatedVmis().get(0);

        assertThat(v.launcherPods()).extracting(OutdatedVmi.LauncherPodRef::name, OutdatedVmi.LauncherPodRef::node)
                .containsExactly(tuple("virt-launcher-db-abcde", "worker-7"));
    }

    @Test
    void namespacesExcludedOrNotSelectedByConfigAreLeftOut() {
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("scope-prod")
                .withLabels(Map.of("remediate", "yes")).endMetadata().build()).createOr(op -> op.update());
        cluster.create(vmi("scope-prod", "a").migratable().build());
        cluster.create(vmi("scope-dev", "b").migratable().build());
        cluster.create(vmi("scope-lab", "c").migratable().build());

        OutdatedWorkloadsDiagnosis excluded = runbook(500,
                new NamespaceScope(Set.of(), Set.of("scope-dev"), false), null).diagnose();
        OutdatedWorkloadsDiagnosis included = runbook(500,
                new NamespaceScope(Set.of("scope-dev", "scope-lab"), Set.of("scope-lab"), false), null).diagnose();
        OutdatedWorkloadsDiagnosis selected = runbook(500,
                new NamespaceScope(Set.of(), Set.of(), true), "remediate=yes").diagnose();

        assertThat(excluded.outdatedVmis()).extracting(OutdatedVmi::namespace)
                .containsExactly("scope-lab", "scope-prod");
        assertThat(excluded.outOfScopeVmis()).isEqualTo(1);
        assertThat(included.outdatedVmis()).extracting(OutdatedVmi::name).containsExactly("b");
        assertThat(selected.outdatedVmis()).extracting(OutdatedVmi::name).containsExactly("a");
        assertThat(selected.outOfScopeVmis()).isEqualTo(2);
    }

    @Test
    void readsEveryPageWhenThereAreMoreObjectsThanOnePage() {
        cluster.create(kubeVirt("kubevirt", List.of(), null, null));
        for (int i = 0; i < 7; i++) {
            cluster.create(vm("paged-" + (i % 3), "vmi-" + i, "Always"));
            cluster.create(vmi("paged-" + (i % 3), "vmi-" + i).notMigratable("DisksNotLiveMigratable", "RWO")
                    .ownedBy("vmi-" + i).build());
            cluster.create(migration("paged-" + (i % 3), "mig-" + i, "vmi-" + i).failed("x", Instant.now()).build());
        }

        OutdatedWorkloadsDiagnosis d = runbook(2, NamespaceScope.ALL, null).diagnose();

        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name)
                .containsExactlyInAnyOrder("vmi-0", "vmi-1", "vmi-2", "vmi-3", "vmi-4", "vmi-5", "vmi-6");
        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::recommendedAction).containsOnly(RecommendedAction.RESTART);
        assertThat(d.outdatedVmis()).extracting(v -> v.migrations().failedCount()).containsOnly(1);
    }

    @Test
    void aRepeatDiagnosisSeesChangesThroughTheWatch() {
        cluster.create(kubeVirt("kubevirt", List.of(), null, null));
        cluster.create(vmi("team-a", "first").migratable().build());
        OutdatedVmiWorkloadsRunbook runbook = runbook(500, NamespaceScope.ALL, null);
        assertThat(runbook.diagnose().outdatedVmis()).extracting(OutdatedVmi::name).containsExactly("first");

        cluster.create(vmi("team-a", "second").migratable().build());
        cluster.create(migration("team-a", "first-mig", "first").phase("Scheduling").build());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            OutdatedWorkloadsDiagnosis d = runbook.diagnose();
            assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name, OutdatedVmi::recommendedAction).containsExactly(
                    tuple("first", RecommendedAction.WAIT), tuple("second", RecommendedAction.LIVE_MIGRATE));
        });
    }

    @Test
    void aFieldKubeVirtDoesNotHaveIsPrunedByItsRealSchema() {
        // The runbook's example spells the batch size batchEvictSize; KubeVirt never had that field.
        GenericKubernetesResource misspelt = kubeVirt("kubevirt").methods(List.of("Evict")).build();
        @SuppressWarnings("unchecked")
        Map<String, Object> strategy = (Map<String, Object>) ((Map<String, Object>) misspelt.getAdditionalProperties()
                .get("spec")).get("workloadUpdateStrategy");
        strategy.put("batchEvictSize", 3);

        assertThatThrownBy(() -> cluster.create(misspelt)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("spec.workloadUpdateStrategy.batchEvictSize");
        assertThat((Object) cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT).inNamespace("kubevirt")
                .withName("kubevirt").get().get("spec", "workloadUpdateStrategy", "batchEvictSize")).isNull();
    }

    @Test
    void theKubeVirtCrsBatchSettingsReachTheReportAndTheBatchPlanner() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).batch(7, "2m0s").build());
        for (int i = 0; i < 9; i++) {
            cluster.create(vm("batch", "vm-" + i, "Always"));
            cluster.create(vmi("batch", "vm-" + i).ownedBy("vm-" + i).notMigratable("DisksNotLiveMigratable", "RWO").build());
        }

        OutdatedWorkloadsDiagnosis d = diagnose();
        List<PlannedAction> plan = new RemediationPlanner(RemediationPolicy.from(Policies.mode("auto").restart("auto")
                .build())).plan(d, null, new ActionLedger.RecentActions(Map.of(), 0), Set.of(), "g@1", Instant.now());

        assertThat(d.cluster().batchEvictionSize()).isEqualTo(7);
        assertThat(d.cluster().batchEvictionInterval()).isEqualTo("2m0s");
        assertThat(d.cluster().defaulted()).doesNotContain("batchEvictionSize", "batchEvictionInterval");
        assertThat(plan.stream().filter(p -> p.action() == Action.RESTART).map(PlannedAction::decision))
                .containsOnly(Decision.RUN, Decision.BATCH_LIMIT)
                .filteredOn(x -> x == Decision.RUN).hasSize(7);
        assertThat(plan).filteredOn(p -> p.decision() == Decision.BATCH_LIMIT).first()
                .extracting(PlannedAction::why).asString()
                .startsWith("this batch is full (7 disruptive action(s) per 2m: KubeVirt's batchEvictionSize, KubeVirt's"
                        + " batchEvictionInterval");
    }

    @Test
    void aNonMigratableVmiUnderAClusterDefaultOfLiveMigrateIsNotLeftToKubeVirtsEviction() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate", "Evict")).evictionStrategy("LiveMigrate")
                .deployed("v1.9.0", Instant.now().minusSeconds(86400)).build());
        cluster.create(vm("drain", "db", "RerunOnFailure"));
        // KubeVirt's mutator copied the cluster default into the VMI when it was created.
        cluster.create(vmi("drain", "db").ownedBy("db").evictionStrategy("LiveMigrate")
                .notMigratable("HostDeviceNotLiveMigratable", "GPU").build());
        cluster.create(vm("drain", "cache", "Always"));
        cluster.create(vmi("drain", "cache").ownedBy("cache").evictionStrategy("None")
                .notMigratable("HostDeviceNotLiveMigratable", "GPU").build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.cluster().defaultEvictionStrategy()).isEqualTo("LiveMigrate");
        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name, OutdatedVmi::effectiveEvictionStrategy,
                        OutdatedVmi::branch, OutdatedVmi::recommendedAction)
                .containsExactly(
                        tuple("cache", "None", Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.WAIT),
                        tuple("db", "LiveMigrate", Branch.NOT_MIGRATABLE_NOT_AUTOMATED, RecommendedAction.RESTART));
        assertThat(find(d, "db").explanation()).contains("refuses every eviction").doesNotContain("will evict it");
        assertThat(find(d, "db").mitigation()).isEqualTo("virtctl restart -n drain db");
    }

    @Test
    void migrationsThatKeepFailingAreSeenBehindTheUpdatersPendingRetryWithTheReasonFromTheirEvent() {
        Instant updated = Instant.now().minusSeconds(86400);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).deployed("v1.9.0", updated).build());
        cluster.create(vm("retry", "api", "Always"));
        cluster.create(vmi("retry", "api").ownedBy("api").migratable().build());
        for (int i = 1; i <= 3; i++) {
            cluster.create(migration("retry", "kubevirt-workload-update-" + i, "api").byWorkloadUpdater()
                    .failed(null, Instant.now().plusSeconds(i)).build());
        }
        cluster.create(migration("retry", "kubevirt-workload-update-4", "api").byWorkloadUpdater().phase("Pending").build());
        // virt-controller explains most failures only in a FailedMigration event (migration.go:561-630).
        cluster.create(new EventBuilder().withNewMetadata().withNamespace("retry").withName("mig-3.failed").endMetadata()
                .withNewInvolvedObject().withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstanceMigration")
                .withNamespace("retry").withName("kubevirt-workload-update-3").endInvolvedObject()
                .withReason("FailedMigration").withType("Warning").withMessage("target pod shutdown during migration")
                .withLastTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        OutdatedVmi api = find(d, "api");
        assertThat(api.branch()).isEqualTo(Branch.MIGRATIONS_KEEP_FAILING);
        assertThat(api.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(api.migrations().inFlightName()).isEqualTo("kubevirt-workload-update-4");
        assertThat(api.migrations().lastFailureReason()).isEqualTo("target pod shutdown during migration");
        assertThat(api.explanation()).contains("3 migrations of it have failed")
                .contains("(last: target pod shutdown during migration)");
    }

    @Test
    void kubeVirtsOwnCountIsReconciledAndVmisWaitingForAHotplugMigrationAreListed() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).outdatedCount(3).build());
        cluster.create(vmi("count", "a").migratable().build());
        cluster.create(vmi("count", "b").migratable().build());
        cluster.create(vmi("count", "cpu-added").outdated(false).migratable().condition("HotVCPUChange", "True").build());
        cluster.create(vmi("count", "current").outdated(false).migratable().build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name).containsExactly("a", "b");
        assertThat(d.pendingLiveUpdateVmis()).extracting(OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi::name,
                OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi::condition).containsExactly(tuple("cpu-added", "HotVCPUChange"));
        assertThat(d.findings()).anyMatch(f -> f.startsWith("KubeVirt counts 3 outdated workload(s)") && f.endsWith("they agree."));
    }

    @Test
    void anHcoManagedKubeVirtIsChangedThroughItsHyperConvergedNeverDirectly() {
        GenericKubernetesResource hc = cluster.create(hyperConverged("kubevirt-hyperconverged-ns", List.of()));
        cluster.create(kubeVirt("kubevirt-hyperconverged-ns").name("kubevirt-kubevirt-hyperconverged").methods(List.of())
                .ownedBy(hc).build());
        cluster.create(vmi("hco-apps", "web").migratable().build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.cluster().hyperConverged()).isEqualTo(new ClusterFindings.HyperConvergedRef(
                "kubevirt-hyperconverged-ns", "kubevirt-hyperconverged", "hco.kubevirt.io/v1beta1", List.of()));
        assertThat(d.cluster().enableWorkloadUpdatesCommand()).startsWith("kubectl patch hyperconvergeds.v1beta1.hco.kubevirt.io"
                + " kubevirt-hyperconverged -n kubevirt-hyperconverged-ns --type merge");
        List<PlannedAction> plan = new RemediationPlanner(RemediationPolicy.from(Policies.mode("report")
                .enableWorkloadUpdates("auto").build())).plan(d, null, new ActionLedger.RecentActions(Map.of(), 0),
                Set.of(), "g@1", Instant.now());
        PlannedAction enable = plan.stream().filter(p -> p.action() == Action.ENABLE_WORKLOAD_UPDATES).findFirst().orElseThrow();
        assertThat(enable.object()).hasToString("HyperConverged kubevirt-hyperconverged-ns/kubevirt-hyperconverged");

        try (var client = cluster.newClient()) {
            ActionExecutor executor = new ActionExecutor(client, List.of("LiveMigrate"), java.time.Clock.systemUTC());
            assertThat(executor.dryRun(enable).asDryRun().accepted()).isTrue();
            assertThat(executor.execute(enable, "r").asResult().outcome().wire()).isEqualTo("done");
        }
        assertThat((Object) cluster.client().genericKubernetesResources(KubeVirtResources.HYPERCONVERGED)
                .inNamespace("kubevirt-hyperconverged-ns").withName("kubevirt-hyperconverged").get()
                .get("spec", "workloadUpdateStrategy", "workloadUpdateMethods")).isEqualTo(List.of("LiveMigrate"));
        // The KubeVirt CR is HCO's to write: left as it was.
        assertThat((Object) cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT)
                .inNamespace("kubevirt-hyperconverged-ns").withName("kubevirt-kubevirt-hyperconverged").get()
                .get("spec", "workloadUpdateStrategy", "workloadUpdateMethods")).isEqualTo(List.of());
    }
}

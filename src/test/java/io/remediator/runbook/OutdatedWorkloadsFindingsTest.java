package io.remediator.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.remediator.kubevirt.ClusterSnapshot;
import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.kubevirt.LauncherPod;
import io.remediator.kubevirt.VirtualMachine;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure half of the runbook: records in, diagnosis out, no cluster. */
class OutdatedWorkloadsFindingsTest {
    private static final Instant CREATED = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant UPDATED = Instant.parse("2026-11-20T10:00:00Z");

    private final List<KubeVirtInstallation> kubeVirts = new ArrayList<>();
    private final List<VirtualMachineInstance> vmis = new ArrayList<>();
    private final List<VirtualMachine> vms = new ArrayList<>();
    private final List<VirtualMachineInstanceMigration> migrations = new ArrayList<>();
    private final List<LauncherPod> pods = new ArrayList<>();

    private static KubeVirtInstallation kv(String name, List<String> methods) {
        return kv(name, methods, null);
    }

    /** @param evictionStrategy the cluster default, `spec.configuration.evictionStrategy` */
    private static KubeVirtInstallation kv(String name, List<String> methods, String evictionStrategy) {
        return new KubeVirtInstallation("kubevirt", name,
                methods == null ? null : new KubeVirtInstallation.WorkloadUpdateStrategy(methods, null, null),
                new KubeVirtInstallation.MigrationLimits(null, null), evictionStrategy,
                "Deployed", "v1.6.0", "v1.6.0", "d2", "d2", UPDATED, null, null);
    }

    private static VirtualMachineInstance withEvictionStrategy(VirtualMachineInstance v, String strategy) {
        return new VirtualMachineInstance(v.namespace(), v.name(), v.uid(), v.createdAt(), v.deleting(), v.phase(),
                v.nodeName(), v.conditions(), strategy, v.vm(), v.labels(), v.annotations());
    }

    private static VirtualMachine vm(String name, String runStrategy) {
        return new VirtualMachine("ns", name, runStrategy, null, Map.of(), Map.of());
    }

    private static VirtualMachineInstance vmi(String ns, String name, String migratable, String vm) {
        List<VirtualMachineInstance.Condition> conditions = migratable == null ? List.of()
                : List.of(new VirtualMachineInstance.Condition("LiveMigratable", migratable,
                        "False".equals(migratable) ? "DisksNotLiveMigratable" : null, null));
        // KubeVirt's mutator writes the cluster default (None here) into every VMI (defaults.go:193-212).
        return new VirtualMachineInstance(ns, name, "uid-" + name, CREATED, false, "Running", "node-1", conditions,
                "None", vm, Map.of(), Map.of());
    }

    private static VirtualMachineInstanceMigration migration(String name, String vmi, String phase, Instant created) {
        return new VirtualMachineInstanceMigration("ns", name, vmi, phase, created,
                "Failed".equals(phase) ? created.plusSeconds(30) : null,
                "Failed".equals(phase) ? "target pod did not start" : null, false, false);
    }

    private OutdatedWorkloadsDiagnosis diagnose() {
        return diagnose(NamespaceScope.ALL, null);
    }

    private OutdatedWorkloadsDiagnosis diagnose(NamespaceScope scope, Set<String> selected) {
        return OutdatedWorkloadsFindings.diagnose(
                new ClusterSnapshot(kubeVirts, vmis, vms, migrations, pods, selected), scope, 3);
    }

    private OutdatedVmi only() {
        OutdatedWorkloadsDiagnosis d = diagnose();
        assertThat(d.outdatedVmis()).hasSize(1);
        return d.outdatedVmis().get(0);
    }

    @Test
    void anInFlightMigrationWinsOverEverythingElse() {
        kubeVirts.add(kv("kubevirt", List.of()));
        vmis.add(vmi("ns", "a", "False", null));
        migrations.add(migration("m1", "a", "Failed", UPDATED.plusSeconds(10)));
        migrations.add(migration("m2", "a", null, UPDATED.plusSeconds(20)));

        OutdatedVmi v = only();

        assertThat(v.branch()).isEqualTo(Branch.MIGRATION_IN_FLIGHT);
        assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.WAIT);
        assertThat(v.migrations().inFlightPhase()).isEqualTo("Pending");
        assertThat(v.migrations().inFlightName()).isEqualTo("m2");
        assertThat(v.migrations().failedCount()).isEqualTo(1);
    }

    @Test
    void threeFailuresSinceTheUpdateMeanRestartWhenTheVmRecreatesIt() {
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate")));
        vmis.add(vmi("ns", "a", "True", "vm-a"));
        vms.add(new VirtualMachine("ns", "vm-a", "RerunOnFailure", null, Map.of(), Map.of()));
        for (int i = 0; i < 3; i++) {
            migrations.add(migration("f" + i, "a", "Failed", UPDATED.plusSeconds(100 * i)));
        }

        OutdatedVmi v = only();

        assertThat(v.branch()).isEqualTo(Branch.MIGRATIONS_KEEP_FAILING);
        assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(v.migrations().failedCount()).isEqualTo(3);
        assertThat(v.migrations().lastFailedAt()).isEqualTo(UPDATED.plusSeconds(230));
        assertThat(v.migrations().lastFailureReason()).isEqualTo("target pod did not start");
        assertThat(v.outdatedSince()).isEqualTo(UPDATED);
        assertThat(v.explanation()).contains("keep retrying forever");
        assertThat(v.mitigation()).startsWith("virtctl restart -n ns vm-a");
    }

    @Test
    void failuresFromBeforeTheUpdateDoNotCount() {
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate")));
        vmis.add(vmi("ns", "a", "True", null));
        migrations.add(migration("old-1", "a", "Failed", UPDATED.minusSeconds(3600)));
        migrations.add(migration("old-2", "a", "Failed", UPDATED.minusSeconds(1800)));
        migrations.add(migration("new-1", "a", "Failed", UPDATED.plusSeconds(60)));

        OutdatedVmi v = only();

        assertThat(v.migrations().failedCount()).isEqualTo(1);
        assertThat(v.branch()).isEqualTo(Branch.KUBEVIRT_WILL_MIGRATE);
    }

    @Test
    void failingMigrationsOfAVmiWithoutVmMeanStopWithDowntimeSpelledOut() {
        kubeVirts.add(kv("kubevirt", List.of()));
        vmis.add(vmi("ns", "a", "True", null));
        for (int i = 0; i < 4; i++) {
            migrations.add(migration("f" + i, "a", "Failed", UPDATED.plusSeconds(i)));
        }

        OutdatedVmi v = only();

        assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.STOP);
        assertThat(v.explanation()).contains("no VirtualMachine").contains("real downtime");
        assertThat(v.mitigation()).isEqualTo("kubectl delete vmi -n ns a");
    }

    @Test
    void migratableWithLiveMigrateEnabledWaitsForKubeVirt() {
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate")));
        vmis.add(vmi("ns", "a", "True", null));

        assertThat(only()).extracting(OutdatedVmi::branch, OutdatedVmi::recommendedAction)
                .containsExactly(Branch.KUBEVIRT_WILL_MIGRATE, RecommendedAction.WAIT);
    }

    @Test
    void migratableWithoutAnyUpdateMethodIsToBeMigratedWithTheRunbooksMigrationObject() {
        kubeVirts.add(kv("kubevirt", List.of()));
        vmis.add(vmi("ns", "a", "True", null));

        OutdatedVmi v = only();

        assertThat(v.branch()).isEqualTo(Branch.MIGRATABLE_NOT_AUTOMATED);
        assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.LIVE_MIGRATE);
        assertThat(v.mitigation()).contains("kind: VirtualMachineInstanceMigration").contains("vmiName: a")
                .endsWith("| kubectl create -f -");
    }

    @Test
    void withOnlyEvictKubeVirtEvictsMigratableVmisTooAndTheEvictionStrategySaysWhatThatMeans() {
        // workload-updater.go:421-425: without LiveMigrate, migratable VMIs go to the evict list.
        kubeVirts.add(kv("kubevirt", List.of("Evict"), "LiveMigrate"));
        vmis.add(withEvictionStrategy(vmi("ns", "evacuated", "True", "vm-a"), "LiveMigrate"));
        vmis.add(withEvictionStrategy(vmi("ns", "shut-down", "True", "vm-b"), "None"));
        vmis.add(withEvictionStrategy(vmi("ns", "marked", "True", "vm-c"), "External"));
        vms.add(vm("vm-a", "Always"));
        vms.add(vm("vm-b", "Always"));
        vms.add(vm("vm-c", "Always"));

        List<OutdatedVmi> v = diagnose().outdatedVmis();

        assertThat(v).extracting(OutdatedVmi::name, OutdatedVmi::effectiveEvictionStrategy, OutdatedVmi::branch,
                        OutdatedVmi::recommendedAction)
                .containsExactly(
                        tuple("evacuated", "LiveMigrate", Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.WAIT),
                        tuple("marked", "External", Branch.EXTERNAL_EVICTION, RecommendedAction.WAIT),
                        tuple("shut-down", "None", Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.LIVE_MIGRATE));
        assertThat(v.get(0).explanation()).contains("has only Evict enabled")
                .contains("eviction strategy LiveMigrate (its own) makes KubeVirt live-migrate it");
        assertThat(v.get(1).explanation()).contains("only marks it").contains("external controller");
        assertThat(v.get(2).explanation()).contains("eviction strategy None (its own) the eviction shuts it down")
                .contains("A live migration updates it without downtime if it starts before KubeVirt's eviction reaches it")
                // The updater evicts batchEvictionSize per interval, unshuffled (workload-updater.go:508-527): it
                // does not run out of VMIs to evict because this service migrates a few.
                .doesNotContain("nothing left to evict")
                .contains("The fix that avoids these restarts is adding LiveMigrate to the workload update methods"
                        + " (workloadUpdateMethods [LiveMigrate, Evict])");
        assertThat(v.get(2).mitigation()).isEqualTo("virtctl migrate -n ns vm-b");
    }

    @Test
    void aNonMigratableVmiWithEvictionStrategyLiveMigrateIsNeverEvictedByKubeVirt() {
        // pod-eviction-admitter.go:147-150: 429 "not live-migratable", every batch, forever.
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate", "Evict"), "LiveMigrate"));
        vmis.add(withEvictionStrategy(vmi("ns", "stuck", "False", "vm-stuck"), "LiveMigrate"));
        vmis.add(withEvictionStrategy(vmi("ns", "own-none", "False", "vm-none"), "None"));
        vmis.add(withEvictionStrategy(vmi("ns", "if-possible", "False", "vm-rerun"), "LiveMigrateIfPossible"));
        vms.add(vm("vm-stuck", "Always"));
        vms.add(vm("vm-none", "Always"));
        vms.add(vm("vm-rerun", "RerunOnFailure"));

        List<OutdatedVmi> v = diagnose().outdatedVmis();

        assertThat(v).extracting(OutdatedVmi::name, OutdatedVmi::branch, OutdatedVmi::recommendedAction)
                .containsExactly(
                        // RerunOnFailure restarts only a Failed VMI; a clean shutdown after the eviction ends
                        // Succeeded and stays down (vm.go:1047-1071): a restart updates it and brings it back.
                        tuple("if-possible", Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.RESTART),
                        tuple("own-none", Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.WAIT),
                        tuple("stuck", Branch.NOT_MIGRATABLE_NOT_AUTOMATED, RecommendedAction.RESTART));
        assertThat(v.get(0).explanation()).contains("may stay down until someone starts it")
                .contains("A restart instead updates it and brings it back");
        assertThat(v.get(2).explanation()).contains("eviction strategy is LiveMigrate (its own)")
                .contains("refuses every eviction of it").doesNotContain("will evict it");
        assertThat(v.get(0).explanation()).contains("starts it again only if the guest did not shut down cleanly");
    }

    @Test
    void aPendingRetryByKubeVirtsUpdaterDoesNotHideMigrationsThatKeepFailing() {
        // After each failure the updater creates the next migration at once; KubeVirt holds it
        // Pending for a growing backoff (migration.go:1047-1112).
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate")));
        vmis.add(vmi("ns", "a", "True", "vm-a"));
        vms.add(vm("vm-a", "Manual"));
        for (int i = 1; i <= 3; i++) {
            migrations.add(new VirtualMachineInstanceMigration("ns", "kubevirt-workload-update-" + i, "a", "Failed",
                    UPDATED.plusSeconds(i * 100), UPDATED.plusSeconds(i * 100 + 30), null, true, false));
        }
        migrations.add(new VirtualMachineInstanceMigration("ns", "kubevirt-workload-update-4", "a", "Pending",
                UPDATED.plusSeconds(400), null, null, true, false));

        OutdatedVmi v = only();

        assertThat(v.branch()).isEqualTo(Branch.MIGRATIONS_KEEP_FAILING);
        assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(v.explanation()).contains("3 migrations of it have failed")
                .contains("already queued the next attempt (kubevirt-workload-update-4");
        assertThat(v.mitigation()).isEqualTo("virtctl restart -n ns vm-a");

        // Once the retry actually runs, it is a migration in flight again.
        migrations.set(3, new VirtualMachineInstanceMigration("ns", "kubevirt-workload-update-4", "a", "Running",
                UPDATED.plusSeconds(400), null, null, true, false));
        assertThat(only().branch()).isEqualTo(Branch.MIGRATION_IN_FLIGHT);
    }

    @Test
    void theReasonOfAFailedMigrationComesFromItsFailedMigrationEventWhenTheObjectHasNone() {
        kubeVirts.add(kv("kubevirt", List.of()));
        vmis.add(vmi("ns", "a", "True", null));
        migrations.add(new VirtualMachineInstanceMigration("ns", "m-1", "a", "Failed", UPDATED.plusSeconds(10),
                UPDATED.plusSeconds(20), null, false, false));

        OutdatedWorkloadsDiagnosis d = OutdatedWorkloadsFindings.diagnose(new ClusterSnapshot(kubeVirts, vmis, List.of(),
                vms, migrations, pods, null, Map.of("ns/m-1", "target pod shutdown during migration"), List.of(), null),
                NamespaceScope.ALL, 3);

        assertThat(d.outdatedVmis().get(0).migrations().lastFailureReason())
                .isEqualTo("target pod shutdown during migration");
    }

    @Test
    void theAlertsCountIsReconciledWithKubeVirtsOwnAndPendingLiveUpdatesAreListed() {
        KubeVirtInstallation base = kv("kubevirt", List.of("LiveMigrate"));
        kubeVirts.add(new KubeVirtInstallation(base.namespace(), base.name(), base.workloadUpdateStrategy(),
                base.migrations(), null, base.phase(), base.observedKubeVirtVersion(), base.targetKubeVirtVersion(),
                base.observedDeploymentID(), base.targetDeploymentID(), base.updateCompletedAt(), 3, null));
        vmis.add(vmi("ns", "a", "True", null));
        vmis.add(vmi("ns", "b", "True", null));
        VirtualMachineInstance hotplug = new VirtualMachineInstance("ns", "cpu-added", "uid-c", CREATED, false, "Running",
                "node-2", List.of(new VirtualMachineInstance.Condition("HotVCPUChange", "True", null, null)), null, null,
                Map.of(), Map.of());

        OutdatedWorkloadsDiagnosis d = OutdatedWorkloadsFindings.diagnose(new ClusterSnapshot(kubeVirts, vmis,
                List.of(hotplug), vms, migrations, pods, null, Map.of(), List.of(), null), NamespaceScope.ALL, 3);

        assertThat(d.pendingLiveUpdateVmis()).containsExactly(new OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi(
                "ns", "cpu-added", "node-2", "Running", "HotVCPUChange", null));
        assertThat(d.findings()).anyMatch(f -> f.startsWith("KubeVirt counts 3 outdated workload(s)")
                && f.contains("this diagnosis sees 3 (2 labelled and Running, 1 waiting") && f.endsWith("they agree."));

        kubeVirts.set(0, new KubeVirtInstallation(base.namespace(), base.name(), base.workloadUpdateStrategy(),
                base.migrations(), null, base.phase(), null, null, null, null, null, 5, null));
        assertThat(OutdatedWorkloadsFindings.diagnose(new ClusterSnapshot(kubeVirts, vmis, List.of(hotplug), vms,
                migrations, pods, null, Map.of(), List.of(), null), NamespaceScope.ALL, 3).findings())
                .anyMatch(f -> f.startsWith("KubeVirt counts 5") && f.contains("they differ by 2"));
    }

    @Test
    void anUnsetTargetDeploymentIdIsNotACompletedUpdate() {
        KubeVirtInstallation kv = new KubeVirtInstallation("kubevirt", "kubevirt", null, null, null, "Deployed",
                "v1", "v1", "d1", null, null, null, null);

        assertThat(kv.controlPlaneUpdateComplete()).isFalse();
    }

    @Test
    void notMigratableWithEvictWaitsAndSaysWhetherItComesBack() {
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate", "Evict")));
        vmis.add(vmi("ns", "back", "False", "vm-back"));
        vmis.add(vmi("ns", "gone", "False", "vm-gone"));
        vms.add(new VirtualMachine("ns", "vm-back", "Always", null, Map.of(), Map.of()));
        vms.add(new VirtualMachine("ns", "vm-gone", "Manual", null, Map.of(), Map.of()));

        List<OutdatedVmi> v = diagnose().outdatedVmis();

        assertThat(v).extracting(OutdatedVmi::branch).containsOnly(Branch.KUBEVIRT_WILL_EVICT);
        // An Always VM comes back after the eviction; a Manual one stays down, so a restart is offered instead.
        assertThat(v).extracting(OutdatedVmi::recommendedAction).containsExactly(RecommendedAction.WAIT,
                RecommendedAction.RESTART);
        assertThat(v.get(0).explanation()).contains("starts it again");
        assertThat(v.get(1).explanation()).contains("does not start it again").contains("A restart instead updates it");
        assertThat(v.get(1).mitigation()).isEqualTo("virtctl restart -n ns vm-gone");
    }

    @Test
    void notMigratableWithoutEvictIsRestartedOnlyWhenItsVmRecreatesIt() {
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate")));
        vmis.add(vmi("ns", "always", "False", "vm-always"));
        vmis.add(vmi("ns", "legacy", "False", "vm-legacy"));
        vmis.add(vmi("ns", "manual", "False", "vm-manual"));
        vmis.add(vmi("ns", "orphan", "False", null));
        vms.add(new VirtualMachine("ns", "vm-always", "Always", null, Map.of(), Map.of()));
        vms.add(new VirtualMachine("ns", "vm-legacy", null, true, Map.of(), Map.of()));
        vms.add(new VirtualMachine("ns", "vm-manual", "Manual", null, Map.of(), Map.of()));

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name, OutdatedVmi::branch, OutdatedVmi::recommendedAction,
                        OutdatedVmi::runStrategy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("always", Branch.NOT_MIGRATABLE_NOT_AUTOMATED,
                                RecommendedAction.RESTART, "Always"),
                        org.assertj.core.groups.Tuple.tuple("legacy", Branch.NOT_MIGRATABLE_NOT_AUTOMATED,
                                RecommendedAction.RESTART, "Always"),
                        // KubeVirt's restart restarts a Manual VM (lifecycle.go:395-496): no downtime beyond the restart.
                        org.assertj.core.groups.Tuple.tuple("manual", Branch.NOT_MIGRATABLE_NOT_AUTOMATED,
                                RecommendedAction.RESTART, "Manual"),
                        org.assertj.core.groups.Tuple.tuple("orphan", Branch.NOT_MIGRATABLE_NOT_AUTOMATED,
                                RecommendedAction.STOP, null));
        assertThat(d.outdatedVmis().get(3).explanation()).contains("no VirtualMachine or other owner")
                .contains("cannot be started again");
        assertThat(d.outdatedVmis().get(2).mitigation()).isEqualTo("virtctl restart -n ns vm-manual");
        assertThat(d.outdatedVmis().get(2).explanation()).contains("run strategy Manual, which it keeps");
        assertThat(d.recommendedActionCounts()).containsEntry(RecommendedAction.RESTART, 3)
                .containsEntry(RecommendedAction.STOP, 1).containsEntry(RecommendedAction.NONE, 0)
                .hasSize(RecommendedAction.values().length - 2)
                // only VMCannotBeEvicted's
                .doesNotContainKeys(RecommendedAction.PATCH_EVICTION_STRATEGY, RecommendedAction.EVACUATE_CANCEL);
        assertThat(d.findings()).anyMatch(f -> f.startsWith("1 VMI(s) can only be updated by stopping them"));
    }

    @Test
    void aVmiOnItsWayOutNeedsNothing() {
        kubeVirts.add(kv("kubevirt", List.of()));
        vmis.add(new VirtualMachineInstance("ns", "done", "u", CREATED, false, "Succeeded", "n", List.of(), null, null, Map.of(), Map.of()));
        vmis.add(new VirtualMachineInstance("ns", "leaving", "v", CREATED, true, "Running", "n", List.of(), null, null, Map.of(), Map.of()));

        assertThat(diagnose().outdatedVmis()).extracting(OutdatedVmi::recommendedAction)
                .containsOnly(RecommendedAction.NONE);
    }

    @Test
    void clusterFindingsFillKubeVirtsDefaultsAndNameThem() {
        kubeVirts.add(kv("kubevirt", null));

        ClusterFindings c = diagnose().cluster();

        assertThat(c.workloadUpdatesEnabled()).isFalse();
        assertThat(c.batchEvictionSize()).isEqualTo(10);
        assertThat(c.batchEvictionInterval()).isEqualTo("1m0s");
        assertThat(c.defaultEvictionStrategy()).isEqualTo("None");
        assertThat(c.parallelMigrationsPerCluster()).isEqualTo(5);
        assertThat(c.parallelOutboundMigrationsPerNode()).isEqualTo(2);
        assertThat(c.defaulted()).containsExactly("batchEvictionSize", "batchEvictionInterval",
                "parallelMigrationsPerCluster", "parallelOutboundMigrationsPerNode", "evictionStrategy");
        assertThat(c.enableWorkloadUpdatesCommand()).isEqualTo("kubectl patch kubevirt kubevirt -n kubevirt --type merge"
                + " -p '{\"spec\":{\"workloadUpdateStrategy\":{\"workloadUpdateMethods\":[\"LiveMigrate\"]}}}'");
        assertThat(c.controlPlaneUpdateComplete()).isTrue();
    }

    @Test
    void failuresCountFromTheStartOfTheCurrentUpdateNeverFromTheVmisCreation() {
        // The VMI is a month old; the update to v1.9.0 started an hour ago and is still running.
        Instant started = Instant.parse("2026-12-01T10:00:00Z");
        KubeVirtInstallation base = kv("kubevirt", List.of());
        kubeVirts.add(new KubeVirtInstallation(base.namespace(), base.name(), base.workloadUpdateStrategy(),
                base.migrations(), null, "Deployed", "v1.8.0", "v1.9.0", "d1", "d2", UPDATED, null, null, started, null,
                null, null));
        vmis.add(vmi("ns", "a", "True", "vm-a"));
        vms.add(vm("vm-a", "Always"));
        for (int i = 0; i < 3; i++) {
            migrations.add(migration("old-" + i, "a", "Failed", started.minus(java.time.Duration.ofDays(20 + i))));
        }
        migrations.add(migration("new-1", "a", "Failed", started.plusSeconds(60)));

        OutdatedVmi a = only();

        assertThat(CREATED).isBefore(started.minus(java.time.Duration.ofDays(25)));
        assertThat(a.outdatedSince()).isEqualTo(started);
        assertThat(a.migrations().failedCount()).isEqualTo(1);
        // Not Progressing's time, which flaps: the start was read from the condition, marked approximate.
        OutdatedWorkloadsDiagnosis d = diagnose();
        assertThat(d.cluster().updateStartedAt()).isEqualTo(started);
        assertThat(d.cluster().updateTimesApproximate()).isTrue();
        assertThat(a.branch()).isEqualTo(Branch.MIGRATABLE_NOT_AUTOMATED);
    }

    @Test
    void withNoKnownUpdateTimeOnlyKubeVirtsOwnLiveRetryLoopMakesFailuresCount() {
        KubeVirtInstallation base = kv("kubevirt", List.of("LiveMigrate"));
        kubeVirts.add(new KubeVirtInstallation(base.namespace(), base.name(), base.workloadUpdateStrategy(),
                base.migrations(), null, "Deployed", "v1.9.0", "v1.9.0", "d2", "d2", null, null, null));
        vmis.add(vmi("ns", "a", "True", "vm-a"));
        vms.add(vm("vm-a", "Always"));
        for (int i = 0; i < 3; i++) {
            migrations.add(migration("m-" + i, "a", "Failed", CREATED.plusSeconds(60 + i)));
        }

        assertThat(only().branch()).isEqualTo(Branch.KUBEVIRT_WILL_MIGRATE);

        migrations.add(new VirtualMachineInstanceMigration("ns", "kubevirt-workload-update-9", "a", "Pending",
                CREATED.plusSeconds(120), null, null, true, false));
        assertThat(only().branch()).isEqualTo(Branch.MIGRATIONS_KEEP_FAILING);
    }

    @Test
    void ofSeveralKubeVirtCrsTheDeployedOneIsUsed() {
        // virt-operator deploys one CR and leaves the others Synchronized=False.
        KubeVirtInstallation ignored = kv("first", List.of("Evict"));
        kubeVirts.add(new KubeVirtInstallation(ignored.namespace(), ignored.name(), ignored.workloadUpdateStrategy(),
                ignored.migrations(), null, "Deploying", null, null, null, null, null, null, null));
        kubeVirts.add(kv("second", List.of("LiveMigrate")));

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.cluster().kubeVirt().name()).isEqualTo("second");
        assertThat(d.cluster().workloadUpdateMethods()).containsExactly("LiveMigrate");
        // virt-operator reconciles none of them while more than one exists (virt-operator/kubevirt.go:998-1004).
        assertThat(d.findings()).anyMatch(f -> f.startsWith("2 KubeVirt CRs exist (kubevirt/first, kubevirt/second):"
                + " virt-operator reconciles none of them") && f.contains("The settings of kubevirt/second are used here"
                + " (the one in phase Deployed)"));
    }

    @Test
    void underHcoTheCommandAndTheTargetAreTheHyperConverged() {
        KubeVirtInstallation base = kv("kubevirt-kubevirt-hyperconverged", List.of());
        kubeVirts.add(new KubeVirtInstallation(base.namespace(), base.name(), base.workloadUpdateStrategy(),
                base.migrations(), null, base.phase(), null, null, null, null, null, null,
                new KubeVirtInstallation.HyperConvergedRef("kubevirt", "kubevirt-hyperconverged")));
        vmis.add(vmi("ns", "a", "True", null));

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.cluster().hyperConverged()).isEqualTo(new ClusterFindings.HyperConvergedRef("kubevirt",
                "kubevirt-hyperconverged", "hco.kubevirt.io/v1beta1", null));
        assertThat(d.cluster().enableWorkloadUpdatesCommand()).isEqualTo("kubectl patch"
                + " hyperconvergeds.v1beta1.hco.kubevirt.io kubevirt-hyperconverged -n kubevirt --type merge"
                + " -p '{\"spec\":{\"workloadUpdateStrategy\":{\"workloadUpdateMethods\":[\"LiveMigrate\"]}}}'");
        assertThat(d.findings()).anyMatch(f -> f.contains("generated by the HyperConverged kubevirt/kubevirt-hyperconverged")
                && f.contains("reverts any edit of the KubeVirt CR"));
    }

    @Test
    void withoutAKubeVirtCrNothingIsAutomated() {
        vmis.add(vmi("ns", "a", "True", null));

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.cluster().kubeVirt()).isNull();
        assertThat(d.cluster().enableWorkloadUpdatesCommand()).isNull();
        assertThat(d.outdatedVmis().get(0).recommendedAction()).isEqualTo(RecommendedAction.LIVE_MIGRATE);
        assertThat(d.findings().get(0)).startsWith("No KubeVirt CR was found");
    }

    @Test
    void scopeLeavesOutNamespacesAndCountsThem() {
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate")));
        vmis.add(vmi("prod", "a", "True", null));
        vmis.add(vmi("dev", "b", "True", null));
        vmis.add(vmi("labelled", "c", "True", null));

        OutdatedWorkloadsDiagnosis d = diagnose(new NamespaceScope(Set.of(), Set.of("dev"), true), Set.of("prod", "dev"));

        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name).containsExactly("a");
        assertThat(d.outOfScopeVmis()).isEqualTo(2);
        assertThat(d.findings()).anyMatch(f -> f.startsWith("2 more outdated VMI(s) are in namespaces outside"));
    }

    @Test
    void launcherPodsAreJoinedByTheVmisUid() {
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate")));
        vmis.add(vmi("ns", "a", "True", null));
        pods.add(new LauncherPod("ns", "virt-launcher-a-xyz", "uid-a", "node-1", "Running", false));
        pods.add(new LauncherPod("ns", "virt-launcher-b-abc", "uid-b", "node-2", "Running", false));

        assertThat(only().launcherPods()).containsExactly(
                new OutdatedVmi.LauncherPodRef("virt-launcher-a-xyz", "node-1", "Running", false));
    }

    @Test
    void theCurrentLauncherPodIsTheOneOnTheVmisNodeNeverAMigrationTarget() {
        kubeVirts.add(kv("kubevirt", List.of("LiveMigrate")));
        vmis.add(vmi("ns", "a", "True", null));
        // Sorted by name, the target pod (on another node) would come first.
        pods.add(new LauncherPod("ns", "virt-launcher-a-aaaaa", "uid-a", "node-2", "Pending", false));
        pods.add(new LauncherPod("ns", "virt-launcher-a-old", "uid-a", "node-1", "Running", true));
        pods.add(new LauncherPod("ns", "virt-launcher-a-zzzzz", "uid-a", "node-1", "Running", false));

        assertThat(only().currentLauncherPod().name()).isEqualTo("virt-launcher-a-zzzzz");
    }
}

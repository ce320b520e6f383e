package io.remediator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.runbook.Branch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Pure: the burn-down groups, the ETA formula and the stages, with next-capabilities §1.4's numbers. */
class RolloutMathTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final Duration STALL = Duration.ofMinutes(15);

    private static BurnDown burnDown(int inFlight, int willMigrate, int willEvict, int failing, int needsAction,
                                     int goingAway, int pending) {
        return new BurnDown(Map.of(RolloutGroup.IN_FLIGHT, inFlight, RolloutGroup.KUBEVIRT_WILL_UPDATE,
                willMigrate + willEvict, RolloutGroup.FAILING, failing, RolloutGroup.NEEDS_ACTION, needsAction,
                RolloutGroup.GOING_AWAY, goingAway, RolloutGroup.PENDING_LIVE_UPDATE, pending), willMigrate, willEvict);
    }

    /** A migration scheduled at {@code at} that succeeded {@code seconds} later. */
    private static RolloutEta.Completed took(Instant at, int seconds) {
        return new RolloutEta.Completed(at, at.minusSeconds(5), at.plusSeconds(seconds));
    }

    private static RolloutEta eta(BurnDown b, List<RolloutEta.Completed> done) {
        Instant newest = done.stream().map(RolloutEta.Completed::succeeded).max(Instant::compareTo).orElse(T0);
        return RolloutEta.estimate(b, done, T0, newest, 5, 2, 3, 10, Duration.ofMinutes(1));
    }

    @Test
    void everyBranchFallsInExactlyOneOfTheSixGroups() {
        assertThat(Arrays.stream(Branch.values()).map(RolloutGroup::of)).doesNotContainNull();
        assertThat(RolloutGroup.of(Branch.KUBEVIRT_WILL_MIGRATE)).isEqualTo(RolloutGroup.KUBEVIRT_WILL_UPDATE);
        assertThat(RolloutGroup.of(Branch.KUBEVIRT_WILL_EVICT)).isEqualTo(RolloutGroup.KUBEVIRT_WILL_UPDATE);
        assertThat(RolloutGroup.of(Branch.MIGRATIONS_KEEP_FAILING)).isEqualTo(RolloutGroup.FAILING);
        assertThat(RolloutGroup.of(Branch.EVICTION_BLOCKED)).isEqualTo(RolloutGroup.FAILING);
        assertThat(RolloutGroup.of(Branch.NOT_MIGRATABLE_NOT_AUTOMATED)).isEqualTo(RolloutGroup.NEEDS_ACTION);
        assertThat(RolloutGroup.of(Branch.EXTERNAL_EVICTION)).isEqualTo(RolloutGroup.NEEDS_ACTION);
        assertThat(RolloutGroup.of(Branch.MIGRATABLE_NOT_AUTOMATED)).isEqualTo(RolloutGroup.NEEDS_ACTION);
        assertThat(RolloutGroup.of(Branch.MIGRATION_IN_FLIGHT)).isEqualTo(RolloutGroup.IN_FLIGHT);
        assertThat(RolloutGroup.of(Branch.GOING_AWAY)).isEqualTo(RolloutGroup.GOING_AWAY);
        assertThat(Arrays.stream(RolloutGroup.values()).map(RolloutGroup::label)).containsExactly("in_flight",
                "kubevirt_will_update", "failing", "needs_action", "going_away", "pending_live_update");
    }

    @Test
    void fiveMigrationsOfFortySecondsWithSevenLeftAndFiveAtOnceAreEightySeconds() {
        // §1.4 step 4: samples 5, median 40 s, c = min(5, 3 nodes × 2) = 5, R = 7 → ceil(7/5) × 40 = 80 s.
        List<RolloutEta.Completed> done = IntStream.range(0, 5).mapToObj(i -> took(T0.plusSeconds(60 + i), 40)).toList();
        RolloutEta e = eta(burnDown(2, 5, 0, 2, 6, 0, 0), done);
        assertThat(e.seconds()).isEqualTo(80L);
        assertThat(e.method()).isEqualTo("model");
        assertThat(e.samples()).isEqualTo(5);
        assertThat(e.medianMigrationSeconds()).isEqualTo(40L);
    }

    @Test
    void belowThreeSamplesSinceT0ThereIsNoEtaAndTheReasonSaysWhy() {
        // Migrations that succeeded before T0 (the last rollout's) are not samples.
        List<RolloutEta.Completed> done = List.of(took(T0.minusSeconds(600), 40), took(T0.minusSeconds(300), 40),
                took(T0.plusSeconds(10), 40));
        RolloutEta e = eta(burnDown(0, 12, 0, 2, 6, 0, 0), done);
        assertThat(e.seconds()).isNull();
        assertThat(e.reason()).isEqualTo("3 completed migrations needed, 1 so far");
        // Without a Scheduling stamp, the creation is the start.
        assertThat(new RolloutEta.Completed(null, T0, T0.plusSeconds(30)).took()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aSteadyRateSlowerThanTheModelWinsAndEvictionsGoByBatches() {
        // 12 completions of 10 s each in the last 10 minutes, but spread out: 1.2 a minute.
        List<RolloutEta.Completed> done = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            done.add(took(T0.plusSeconds(50L * i), 10));
        }
        RolloutEta e = eta(burnDown(0, 20, 0, 0, 0, 0, 0), done);
        // model: ceil(20 / 5) × 10 = 40 s; rate: 20 / (12 / 600 s) = 1000 s.
        assertThat(e.method()).isEqualTo("rate");
        assertThat(e.seconds()).isEqualTo(1000L);

        // 25 to evict, 10 a batch, a batch a minute: 3 batches.
        RolloutEta evictions = eta(burnDown(0, 0, 25, 0, 0, 0, 0), List.of());
        assertThat(evictions.seconds()).isEqualTo(180L);
        assertThat(evictions.method()).isEqualTo("evictions");

        RolloutEta none = eta(burnDown(0, 0, 0, 0, 6, 0, 0), done);
        assertThat(none.seconds()).isNull();
        assertThat(none.reason()).isEqualTo("KubeVirt will not update these: 6");
    }

    @Test
    void theStagesFollowTheIdsAndTheBurnDownNeverAConditionsClock() {
        BurnDown moving = burnDown(2, 10, 0, 0, 6, 0, 0);
        assertThat(RolloutStage.decide(false, null, moving, true, 20, null, T0, GRACE, STALL))
                .isEqualTo(RolloutStage.ControlPlaneUpdating);
        assertThat(RolloutStage.decide(false, T0, moving, true, 20, T0, T0.plusSeconds(60), GRACE, STALL))
                .isEqualTo(RolloutStage.WorkloadsUpdating);
        assertThat(RolloutStage.decide(false, T0, moving, true, 20, T0.plusSeconds(60), T0.plusSeconds(60).plus(STALL),
                GRACE, STALL)).isEqualTo(RolloutStage.Stalled);
        assertThat(RolloutStage.decide(false, T0, burnDown(0, 0, 0, 0, 6, 0, 0), true, 6, T0, T0.plusSeconds(3_600),
                GRACE, STALL)).isEqualTo(RolloutStage.NeedsAction);
        BurnDown none = burnDown(0, 0, 0, 0, 0, 0, 0);
        // KubeVirt's own count must agree before it is Completed.
        assertThat(RolloutStage.decide(false, T0, none, true, 1, T0, T0.plusSeconds(60), GRACE, STALL))
                .isEqualTo(RolloutStage.WorkloadsUpdating);
        assertThat(RolloutStage.decide(false, T0, none, true, 0, T0, T0.plusSeconds(60), GRACE, STALL))
                .isEqualTo(RolloutStage.Completed);
        assertThat(RolloutStage.decide(false, T0, burnDown(0, 0, 0, 0, 0, 0, 1), true, 0, T0, T0.plusSeconds(60), GRACE,
                STALL)).as("a pending live update is not done").isEqualTo(RolloutStage.WorkloadsUpdating);
        // An ID change that outdated nothing: no impact once the grace passed.
        assertThat(RolloutStage.decide(false, T0, none, false, 0, T0, T0.plusSeconds(60), GRACE, STALL))
                .isEqualTo(RolloutStage.WorkloadsUpdating);
        assertThat(RolloutStage.decide(false, T0, none, false, 0, T0, T0.plus(GRACE), GRACE, STALL))
                .isEqualTo(RolloutStage.NoWorkloadImpact);
        assertThat(RolloutStage.decide(true, T0, moving, true, 20, T0, T0, GRACE, STALL)).isEqualTo(RolloutStage.Superseded);
        assertThat(Arrays.stream(RolloutStage.values()).filter(RolloutStage::terminal))
                .containsExactly(RolloutStage.Completed, RolloutStage.NoWorkloadImpact, RolloutStage.Superseded);
    }

    @Test
    void theChartIsAStepLinePerGroupScaledToItsLargestCount() {
        List<RolloutStatus.Sample> history = List.of(
                new RolloutStatus.Sample(T0, Map.of("kubevirt_will_update", 10, "needs_action", 2)),
                new RolloutStatus.Sample(T0.plusSeconds(50), Map.of("kubevirt_will_update", 5, "needs_action", 2)),
                new RolloutStatus.Sample(T0.plusSeconds(100), Map.of("kubevirt_will_update", 0, "needs_action", 2)));
        BurnDownChart chart = BurnDownChart.of(history, 100, 50);
        assertThat(chart.maxCount()).isEqualTo(10);
        assertThat(chart.series()).hasSize(6);
        BurnDownChart.Series updating = chart.series().stream().filter(s -> s.group().equals("kubevirt_will_update"))
                .findFirst().orElseThrow();
        // (0, 10) → held to x=50, then 5 → held to x=100, then 0.
        assertThat(updating.points()).isEqualTo("0.0,0.0 50.0,0.0 50.0,25.0 100.0,25.0 100.0,50.0");
        assertThat(updating.last()).isZero();
        assertThat(chart.series().stream().filter(s -> s.group().equals("needs_action")).findFirst().orElseThrow().last())
                .isEqualTo(2);
        assertThat(BurnDownChart.of(List.of(), 100, 50).series()).isEmpty();
    }

    @Test
    void theConcurrencyIsTheClusterLimitOrWhatTheKvmNodesCanSendWhicheverIsLess() {
        assertThat(RolloutEta.concurrency(5, 2, 0)).as("nodes unknown: the cluster limit").isEqualTo(5);
        assertThat(RolloutEta.concurrency(5, 2, 1)).isEqualTo(2);
        assertThat(RolloutEta.concurrency(5, 2, 3)).isEqualTo(5);
        assertThat(eta(burnDown(0, 7, 0, 0, 0, 0, 0), IntStream.range(0, 3)
                .mapToObj(i -> took(T0.plusSeconds(60 + i), 40)).toList()).concurrency()).isEqualTo(5);
        // With one KVM node: c = 2, R = 7 → ceil(7 / 2) × 40 s = 160 s.
        RolloutEta one = RolloutEta.estimate(burnDown(0, 7, 0, 0, 0, 0, 0), IntStream.range(0, 3)
                .mapToObj(i -> took(T0.plusSeconds(60 + i), 40)).toList(), T0, T0.plusSeconds(200), 5, 2, 1, 10,
                Duration.ofMinutes(1));
        assertThat(one.seconds()).isEqualTo(160L);
        assertThat(one.concurrency()).isEqualTo(2);
    }

    private static io.remediator.kubevirt.VirtualMachine vm(String strategy) {
        return new io.remediator.kubevirt.VirtualMachine("team", "vm", strategy, null, Map.of(), Map.of());
    }

    @Test
    void howAVmiLeftIsToldFromItsMigrationsAndItsVm() {
        var none = java.util.Optional.<io.remediator.kubevirt.VirtualMachine>empty();
        assertThat(CompletedHow.of(Branch.KUBEVIRT_WILL_MIGRATE, true, java.util.Optional.of(vm("Always"))))
                .isEqualTo(CompletedHow.MIGRATED);
        assertThat(CompletedHow.of(Branch.KUBEVIRT_WILL_EVICT, false, java.util.Optional.of(vm("Always"))))
                .isEqualTo(CompletedHow.EVICTED);
        assertThat(CompletedHow.of(Branch.EXTERNAL_EVICTION, false, java.util.Optional.of(vm("RerunOnFailure"))))
                .isEqualTo(CompletedHow.EVICTED);
        assertThat(CompletedHow.of(Branch.NOT_MIGRATABLE_NOT_AUTOMATED, false, java.util.Optional.of(vm("Always"))))
                .isEqualTo(CompletedHow.RESTARTED);
        assertThat(CompletedHow.of(Branch.NOT_MIGRATABLE_NOT_AUTOMATED, false, java.util.Optional.of(vm("Halted"))))
                .isEqualTo(CompletedHow.STOPPED);
        assertThat(CompletedHow.of(Branch.MIGRATABLE_NOT_AUTOMATED, false, java.util.Optional.of(vm("Manual"))))
                .as("Manual: nothing starts it again").isEqualTo(CompletedHow.STOPPED);
        assertThat(CompletedHow.of(Branch.GOING_AWAY, false, none)).isEqualTo(CompletedHow.GONE);
    }

    private static io.remediator.runbook.OutdatedVmi outdated(String name, String uid, String vm, Branch branch) {
        return new io.remediator.runbook.OutdatedVmi("team", name, uid, "n1", "Running", true, null, null, null, "None", vm,
                vm == null ? null : "Always", vm != null, vm != null, false, List.of(), null, null, branch, null, "", null);
    }

    @Test
    void departuresCountOnlyWhatLeftSinceTheLastLookAndNothingOnTheFirst() {
        Departures d = new Departures();
        var vms = Map.of("vm-b", vm("Always"), "vm-c", vm("Halted"));
        java.util.function.BiFunction<String, String, java.util.Optional<io.remediator.kubevirt.VirtualMachine>> lookup =
                (ns, n) -> java.util.Optional.ofNullable(vms.get(n));
        java.util.function.BiPredicate<String, String> migrated = (ns, n) -> n.equals("a");
        List<io.remediator.runbook.OutdatedVmi> all = List.of(outdated("a", "u-a", null, Branch.KUBEVIRT_WILL_MIGRATE),
                outdated("b", "u-b", "vm-b", Branch.NOT_MIGRATABLE_NOT_AUTOMATED),
                outdated("c", "u-c", "vm-c", Branch.NOT_MIGRATABLE_NOT_AUTOMATED),
                outdated("d", "u-d", null, Branch.GOING_AWAY));
        assertThat(d.update(all, migrated, lookup)).as("the first look only remembers").isEmpty();
        assertThat(d.update(all, migrated, lookup)).isEmpty();
        assertThat(d.update(List.of(all.get(3)), migrated, lookup)).containsExactlyInAnyOrderEntriesOf(Map.of(
                CompletedHow.MIGRATED, 1, CompletedHow.RESTARTED, 1, CompletedHow.STOPPED, 1));
        assertThat(d.update(List.of(), migrated, lookup)).containsExactlyEntriesOf(Map.of(CompletedHow.GONE, 1));
        d.reset();
        assertThat(d.update(List.of(), migrated, lookup)).isEmpty();
    }
}

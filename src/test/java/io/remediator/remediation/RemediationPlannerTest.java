package io.remediator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.config.RemediatorConfig;
import io.remediator.runbook.Branch;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.RecommendedAction;
import io.remediator.testing.Policies;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure planner: decisions and their precedence, without a cluster. */
class RemediationPlannerTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z"); // a Tuesday

    private static ClusterFindings cluster(boolean updatesOn, int perCluster, int inFlight, int batch) {
        return new ClusterFindings(new ClusterFindings.KubeVirtRef("kubevirt", "kubevirt"), updatesOn,
                updatesOn ? List.of("LiveMigrate") : List.of(), batch, "1m", perCluster, 2, "None", List.of(), "Deployed",
                "v1", "v1", true, null, inFlight, null, null, null);
    }

    private static OutdatedVmi vmi(String name, RecommendedAction action, boolean optedOut, int failedByUs) {
        return new OutdatedVmi("ns", name, "uid-" + name, "n1", "Running", action == RecommendedAction.LIVE_MIGRATE, null, null, null,
                "None", "vm-" + name, "Always", true, true, optedOut, List.of(),
                new OutdatedVmi.MigrationHistory(null, null, null, null, failedByUs, null, null, 0, 0, failedByUs),
                null, Branch.NOT_MIGRATABLE_NOT_AUTOMATED, action, "", null);
    }

    private static List<PlannedAction> plan(Policies policy, ClusterFindings c, List<OutdatedVmi> vmis,
                                            Map<Action, Integer> lastHour, Set<String> approved) {
        return plan(policy, c, vmis, new ActionLedger.RecentActions(lastHour, 0), approved, NOW);
    }

    private static List<PlannedAction> plan(Policies policy, ClusterFindings c, List<OutdatedVmi> vmis,
                                            ActionLedger.RecentActions recent, Set<String> approved, Instant now) {
        RemediatorConfig.Policy p = policy.build();
        return new RemediationPlanner(RemediationPolicy.from(p)).plan(
                new OutdatedWorkloadsDiagnosis(c, Map.of(), List.of(), vmis, 0), null, recent, approved, "g@1", now);
    }

    private static Map<String, Decision> decisions(List<PlannedAction> plan) {
        Map<String, Decision> out = new java.util.LinkedHashMap<>();
        plan.forEach(a -> out.put(a.key(), a.decision()));
        return out;
    }

    @Test
    void theWeakerOfModeAndActionWinsAndNothingDisruptiveIsImplied() {
        RemediationPolicy auto = RemediationPolicy.from(Policies.mode("auto").build());
        assertThat(auto.effective(Action.LIVE_MIGRATE)).isEqualTo(Setting.AUTO);
        assertThat(auto.effective(Action.RESTART)).isEqualTo(Setting.REPORT);
        assertThat(auto.effective(Action.STOP)).isEqualTo(Setting.REPORT);
        assertThat(auto.effective(Action.ENABLE_WORKLOAD_UPDATES)).isEqualTo(Setting.REPORT);
        RemediationPolicy report = RemediationPolicy.from(Policies.mode("report").restart("auto").build());
        assertThat(report.effective(Action.RESTART)).isEqualTo(Setting.REPORT);
        assertThat(report.rule(Action.RESTART)).isEqualTo("policy.mode=report");
        RemediationPolicy never = RemediationPolicy.from(Policies.mode("auto").liveMigrate("never").build());
        assertThat(never.effective(Action.LIVE_MIGRATE)).isEqualTo(Setting.NEVER);
    }

    @Test
    void migrationsStopAtTheCapCountingEveryonesAndTheCapNeverExceedsKubeVirts() {
        List<OutdatedVmi> vmis = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            vmis.add(vmi("v" + i, RecommendedAction.LIVE_MIGRATE, false, 0));
        }
        // Policy asks for 10 at once, KubeVirt allows 4, one already runs: 3 slots.
        Map<String, Decision> d = decisions(plan(Policies.mode("auto").maxMigrationsInFlight(10),
                cluster(true, 4, 1, 10), vmis, Map.of(), Set.of()));
        assertThat(d.values()).containsExactly(Decision.RUN, Decision.RUN, Decision.RUN,
                Decision.MIGRATION_LIMIT, Decision.MIGRATION_LIMIT);
    }

    @Test
    void disruptiveActionsGoInBatchesAndTheCircuitBreakerTrips() {
        List<OutdatedVmi> vmis = List.of(vmi("a", RecommendedAction.RESTART, false, 0),
                vmi("b", RecommendedAction.RESTART, false, 0), vmi("c", RecommendedAction.RESTART, false, 0));
        assertThat(decisions(plan(Policies.mode("auto").restart("auto").batch(2, "5m"), cluster(true, 5, 0, 10), vmis,
                Map.of(), Set.of())).values()).containsExactly(Decision.RUN, Decision.RUN, Decision.BATCH_LIMIT);
        assertThat(decisions(plan(Policies.mode("auto").restart("auto"), cluster(true, 5, 0, 10), vmis,
                Map.of(Action.RESTART, 19), Set.of())).values())
                .containsExactly(Decision.RUN, Decision.CIRCUIT_BREAKER, Decision.CIRCUIT_BREAKER);
    }

    @Test
    void aBatchIsSharedByEveryPassUntilItsIntervalHasPassed() {
        List<OutdatedVmi> vmis = List.of(vmi("a", RecommendedAction.RESTART, false, 0),
                vmi("b", RecommendedAction.RESTART, false, 0));
        Policies policy = Policies.mode("auto").restart("auto").batch(2, "5m");
        ActionLedger ledger = new ActionLedger();
        ledger.record(Action.RESTART, NOW.minusSeconds(30));
        ledger.record(Action.STOP, NOW.minusSeconds(30));
        ledger.record(Action.LIVE_MIGRATE, NOW.minusSeconds(30)); // not disruptive: not in the batch

        // An approval or a repeated alert 30 s after a full batch: nothing disruptive runs yet.
        List<PlannedAction> early = plan(policy, cluster(true, 5, 0, 10), vmis,
                ledger.recent(NOW, Duration.ofMinutes(5)), Set.of(), NOW);
        assertThat(early).extracting(PlannedAction::decision).containsOnly(Decision.BATCH_LIMIT);
        assertThat(early.get(0).why()).isEqualTo("this batch is full (2 disruptive action(s) per 5m:"
                + " policy.limits.batchSize, policy.limits.batchInterval; 2 ran in this batch already);"
                + " the next batch follows without a new alert");

        Instant next = NOW.minusSeconds(30).plus(Duration.ofMinutes(5));
        assertThat(plan(policy, cluster(true, 5, 0, 10), vmis, ledger.recent(next, Duration.ofMinutes(5)), Set.of(),
                next)).extracting(PlannedAction::decision).containsOnly(Decision.RUN);
        assertThat(ledger.recent(next, Duration.ofMinutes(5)).lastHour())
                .containsEntry(Action.RESTART, 1).containsEntry(Action.LIVE_MIGRATE, 1);
        assertThat(ledger.recent(NOW.plus(Duration.ofHours(1)), Duration.ofMinutes(5)).lastHour())
                .containsEntry(Action.RESTART, 0);
    }

    @Test
    void optOutScopeRetriesApprovalAndTheUpdaterTakingOver() {
        List<OutdatedVmi> vmis = List.of(vmi("skip", RecommendedAction.LIVE_MIGRATE, true, 0),
                vmi("tired", RecommendedAction.LIVE_MIGRATE, false, 3),
                vmi("fresh", RecommendedAction.LIVE_MIGRATE, false, 0));
        Map<String, Decision> approve = decisions(plan(Policies.mode("approve").maxRetries(2), cluster(true, 5, 0, 10),
                vmis, Map.of(), Set.of("LIVE_MIGRATE ns/fresh #1 uid=uid-fresh")));
        assertThat(plan(Policies.mode("approve").maxRetries(2), cluster(true, 5, 0, 10), vmis, Map.of(), Set.of()))
                .filteredOn(a -> a.decision() == Decision.GAVE_UP).extracting(PlannedAction::why)
                .containsExactly("3 migrations this service created failed (policy.maxRetries=2); left to the operator:"
                        + " restart it (virtctl restart -n ns vm-tired): its VM starts it again in an up-to-date launcher");
        // An approval counts only for the VMI (UID) and attempt it was given for.
        for (String stale : List.of("LIVE_MIGRATE ns/fresh #1 uid=a-vmi-since-recreated", "LIVE_MIGRATE ns/fresh #2 uid=uid-fresh",
                "LIVE_MIGRATE ns/fresh")) {
            assertThat(decisions(plan(Policies.mode("approve").maxRetries(2), cluster(true, 5, 0, 10), vmis, Map.of(),
                    Set.of(stale)))).as(stale).containsEntry("LIVE_MIGRATE ns/fresh", Decision.AWAITING_APPROVAL);
        }
        assertThat(approve).containsEntry("LIVE_MIGRATE ns/skip", Decision.OPTED_OUT)
                .containsEntry("LIVE_MIGRATE ns/tired", Decision.GAVE_UP)
                .containsEntry("LIVE_MIGRATE ns/fresh", Decision.APPROVED);

        Map<String, Decision> handedOver = decisions(plan(Policies.mode("auto").enableWorkloadUpdates("auto"),
                cluster(false, 5, 0, 10), List.of(vmi("fresh", RecommendedAction.LIVE_MIGRATE, false, 0)), Map.of(),
                Set.of()));
        assertThat(handedOver).containsEntry("ENABLE_WORKLOAD_UPDATES kubevirt/kubevirt", Decision.RUN)
                .containsEntry("LIVE_MIGRATE ns/fresh", Decision.HANDED_TO_KUBEVIRT);
        assertThat(decisions(plan(Policies.mode("auto").excludeNamespaces("ns"), cluster(true, 5, 0, 10),
                List.of(vmi("x", RecommendedAction.LIVE_MIGRATE, false, 0)), Map.of(), Set.of())))
                .containsEntry("LIVE_MIGRATE ns/x", Decision.OUT_OF_SCOPE);
    }

    private static OutdatedVmi inFlight(String name, Boolean byUpdater, Boolean byUs) {
        return new OutdatedVmi("ns", name, "uid-" + name, "n1", "Running", true, null, null, null, "None", null, null, false, false, false,
                List.of(),
                new OutdatedVmi.MigrationHistory("Running", "m-" + name, byUpdater, byUs, 0, null, null, 0, 0, 0),
                null, Branch.MIGRATION_IN_FLIGHT, RecommendedAction.WAIT, "", null);
    }

    @Test
    void onlySomeoneElsesMigrationInFlightIsListedAndItKeepsPassesGoing() {
        List<OutdatedVmi> vmis = List.of(inFlight("manual", false, false), inFlight("ours", false, true),
                inFlight("updaters", true, false));
        // LiveMigrate on in KubeVirt: the updater's migration is KubeVirt's business.
        List<PlannedAction> on = plan(Policies.mode("auto"), cluster(true, 5, 3, 10), vmis, Map.of(), Set.of());
        assertThat(decisions(on)).containsExactly(Map.entry("LIVE_MIGRATE ns/manual", Decision.IN_FLIGHT));
        assertThat(on.get(0).object()).hasToString("VirtualMachineInstanceMigration ns/m-manual");
        assertThat(Decision.IN_FLIGHT.deferred()).isTrue();
        // LiveMigrate off (someone turned it off mid-update): the updater's leftover is someone else's too.
        assertThat(decisions(plan(Policies.mode("auto"), cluster(false, 5, 3, 10), vmis, Map.of(), Set.of())))
                .containsOnlyKeys("LIVE_MIGRATE ns/manual", "LIVE_MIGRATE ns/updaters", "ENABLE_WORKLOAD_UPDATES kubevirt/kubevirt");
    }

    @Test
    void migrationNamesAreDeterministicPerVmiEpisodeAndAttempt() {
        String a = RemediationPlanner.migrationName("ns", "db", "g@1", 1);
        assertThat(a).matches("kvr-db-[0-9a-f]{8}").isEqualTo(RemediationPlanner.migrationName("ns", "db", "g@1", 1));
        assertThat(a).isNotEqualTo(RemediationPlanner.migrationName("ns", "db", "g@1", 2))
                .isNotEqualTo(RemediationPlanner.migrationName("ns", "db", "g@2", 1));
        assertThat(RemediationPlanner.migrationName("ns", "a".repeat(60), "g", 1)).hasSize(4 + 40 + 9);
    }

    @Test
    void whileARolloutActsItsReportLeavesKubeVirtsVmisAloneAndHoldsDisruptionUntilActAfterAndAnyOtherReportPlansNothing() {
        OutdatedVmi kubeVirts = new OutdatedVmi("ns", "evicted", "uid-e", "n1", "Running", false, null, null, null, "None",
                "vm-evicted", "Always", true, true, false, List.of(),
                new OutdatedVmi.MigrationHistory(null, null, null, null, 0, null, null, 0, 0, 0), null,
                Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.RESTART, "", null);
        List<OutdatedVmi> vmis = List.of(vmi("legacy", RecommendedAction.RESTART, false, 0),
                vmi("moves", RecommendedAction.LIVE_MIGRATE, false, 0), kubeVirts);
        List<PlannedAction> planned = plan(Policies.mode("auto").restart("auto"), cluster(false, 5, 0, 10), vmis,
                Map.of(), Set.of());
        OutdatedWorkloadsDiagnosis d = new OutdatedWorkloadsDiagnosis(cluster(false, 5, 0, 10), Map.of(), List.of(), vmis, 0);
        assertThat(decisions(planned)).containsEntry("RESTART ns/legacy", Decision.RUN)
                .containsEntry("LIVE_MIGRATE ns/moves", Decision.RUN).containsEntry("RESTART ns/evicted", Decision.RUN);

        Instant from = NOW.plus(java.time.Duration.ofMinutes(30));
        Map<String, Decision> acting = decisions(RolloutScope.apply(new RolloutScope.ActingFor("r", from), planned, d, NOW));
        assertThat(acting).containsEntry("RESTART ns/legacy", Decision.ROLLOUT_ACT_AFTER)
                .containsEntry("LIVE_MIGRATE ns/moves", Decision.RUN)
                .containsEntry("RESTART ns/evicted", Decision.LEFT_TO_KUBEVIRT);
        // Past T0 + actAfter the restart runs; KubeVirt's VMI is still KubeVirt's.
        Map<String, Decision> later = decisions(RolloutScope.apply(new RolloutScope.ActingFor("r", from), planned, d,
                from.plusSeconds(1)));
        assertThat(later).containsEntry("RESTART ns/legacy", Decision.RUN)
                .containsEntry("RESTART ns/evicted", Decision.LEFT_TO_KUBEVIRT);
        assertThat(decisions(RolloutScope.apply(new RolloutScope.OwnedBy("r", "r-act"), planned, d, NOW)).values())
                .containsOnly(Decision.OWNED_BY_ROLLOUT);
        assertThat(RolloutScope.apply(RolloutScope.NONE, planned, d, NOW)).isEqualTo(planned);
        assertThat(Decision.ROLLOUT_ACT_AFTER.deferred()).as("a later pass takes it up").isTrue();
    }
}

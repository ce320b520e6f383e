package io.remediator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.config.RemediatorConfig;
import io.remediator.runbook.Branch;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.RecommendedAction;
import io.remediator.testing.Policies;
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
                updatesOn ? List.of("LiveMigrate") : List.of(), batch, "1m", perCluster, 2, List.of(), "Deployed",
                "v1", "v1", true, null, inFlight, null);
    }

    private static OutdatedVmi vmi(String name, RecommendedAction action, boolean optedOut, int failedByUs) {
        return new OutdatedVmi("ns", name, "n1", "Running", action == RecommendedAction.LIVE_MIGRATE, null, null, null,
                "vm-" + name, "Always", true, optedOut, List.of(),
                new OutdatedVmi.MigrationHistory(null, null, null, failedByUs, null, null, 0, 0, failedByUs),
                null, Branch.NOT_MIGRATABLE_NOT_AUTOMATED, action, "", null);
    }

    private static List<PlannedAction> plan(Policies policy, ClusterFindings c, List<OutdatedVmi> vmis,
                                            Map<Action, Integer> lastHour, Set<String> approved) {
        RemediatorConfig.Policy p = policy.build();
        return new RemediationPlanner(RemediationPolicy.from(p)).plan(
                new OutdatedWorkloadsDiagnosis(c, Map.of(), List.of(), vmis, 0), null, lastHour, approved, "g@1", NOW);
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
    void optOutScopeRetriesApprovalAndTheUpdaterTakingOver() {
        List<OutdatedVmi> vmis = List.of(vmi("skip", RecommendedAction.LIVE_MIGRATE, true, 0),
                vmi("tired", RecommendedAction.LIVE_MIGRATE, false, 3),
                vmi("fresh", RecommendedAction.LIVE_MIGRATE, false, 0));
        Map<String, Decision> approve = decisions(plan(Policies.mode("approve").maxRetries(2), cluster(true, 5, 0, 10),
                vmis, Map.of(), Set.of("LIVE_MIGRATE ns/fresh")));
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

    @Test
    void migrationNamesAreDeterministicPerVmiEpisodeAndAttempt() {
        String a = RemediationPlanner.migrationName("ns", "db", "g@1", 1);
        assertThat(a).matches("kvr-db-[0-9a-f]{8}").isEqualTo(RemediationPlanner.migrationName("ns", "db", "g@1", 1));
        assertThat(a).isNotEqualTo(RemediationPlanner.migrationName("ns", "db", "g@1", 2))
                .isNotEqualTo(RemediationPlanner.migrationName("ns", "db", "g@2", 1));
        assertThat(RemediationPlanner.migrationName("ns", "a".repeat(60), "g", 1)).hasSize(4 + 40 + 9);
    }
}

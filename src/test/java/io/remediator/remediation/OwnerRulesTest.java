package io.remediator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.runbook.Branch;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.RecommendedAction;
import io.remediator.testing.Policies;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Windows, policy and batches from namespace and VM annotations (docs/owners.md, next-capabilities
 * §5.5's fixture), combined with the cluster's policy by the pure planner.
 */
class OwnerRulesTest {
    private static final Instant TUESDAY_NOON = Instant.parse("2026-11-24T12:00:00Z");
    /** 03:30 in Berlin (CET, UTC+1): inside payments' Sat 02:00-06:00 and db-2's Sat 03:00-04:00. */
    private static final Instant SATURDAY_0330_BERLIN = Instant.parse("2026-11-28T02:30:00Z");

    static final OwnerAnnotations FIXTURE = new OwnerAnnotations(Map.of(
            "payments", new OwnerAnnotations.Meta("pay", Map.of(OwnerAnnotations.SLACK_CHANNEL, "C0PAY00001",
                    OwnerAnnotations.WINDOW, "Sat 02:00-06:00", OwnerAnnotations.TIME_ZONE, "Europe/Berlin",
                    OwnerAnnotations.BATCH_SIZE, "1")),
            "shop", new OwnerAnnotations.Meta("shop", Map.of(OwnerAnnotations.SLACK_CHANNEL, "C0SHOP0001",
                    OwnerAnnotations.WINDOW, "Mon-Fri 22:00-23:00")),
            "lab", new OwnerAnnotations.Meta(null, Map.of(OwnerAnnotations.TIME_ZONE, "CEST")),
            "strict", new OwnerAnnotations.Meta(null, Map.of(OwnerAnnotations.POLICY, "report")),
            "careful", new OwnerAnnotations.Meta(null, Map.of(OwnerAnnotations.POLICY, "approve"))),
            Map.of("payments/vm-db-2", Map.of(OwnerAnnotations.WINDOW, "Sat 03:00-04:00"),
                    "shop/vm-web-1", Map.of(OwnerAnnotations.WINDOW, "Sun 00:00-24:00"),
                    "strict/vm-loose", Map.of(OwnerAnnotations.POLICY, "auto"),
                    "payments/vm-sneaky", Map.of(OwnerAnnotations.APPROVERS, "U0MALLORY1"),
                    "legacy/vm-resting", Map.of(OwnerAnnotations.SKIP_UNTIL, "2026-11-25T00:00:00Z"),
                    "legacy/vm-typo", Map.of(OwnerAnnotations.SKIP_UNTIL, "next week")));

    private static OutdatedVmi vmi(String ns, String name) {
        return new OutdatedVmi(ns, name, "uid-" + name, "n1", "Running", false, null, null, null, "None", "vm-" + name,
                "Always", true, true, false, List.of(),
                new OutdatedVmi.MigrationHistory(null, null, null, null, 0, null, null, 0, 0, 0),
                null, Branch.NOT_MIGRATABLE_NOT_AUTOMATED, RecommendedAction.RESTART, "", null);
    }

    private static ClusterFindings cluster() {
        return new ClusterFindings(new ClusterFindings.KubeVirtRef("kubevirt", "kubevirt"), true, List.of("LiveMigrate"),
                10, "1m", 5, 2, "None", List.of(), "Deployed", "v1", "v1", true, null, 0, null, null, null);
    }

    private static Map<String, PlannedAction> plan(Policies policy, List<OutdatedVmi> vmis, ActionLedger.RecentActions recent,
                                                   Instant now, List<OwnerRules.Invalid> invalid) {
        RemediationPolicy p = RemediationPolicy.from(policy.build());
        OwnerRules rules = new OwnerRules(p, FIXTURE);
        Map<String, PlannedAction> out = new LinkedHashMap<>();
        new RemediationPlanner(p).plan(new OutdatedWorkloadsDiagnosis(cluster(), Map.of(), List.of(), vmis, 0), null,
                recent, Set.of(), "g@1", now, false, rules).forEach(a -> out.put(a.key(), a));
        invalid.addAll(rules.invalid());
        return out;
    }

    private static Map<String, PlannedAction> plan(Policies policy, List<OutdatedVmi> vmis, Instant now) {
        return plan(policy, vmis, new ActionLedger.RecentActions(Map.of(), 0), now, new java.util.ArrayList<>());
    }

    @Test
    void theEffectiveWindowIsTheIntersectionInEachLayersZoneAndOneThatNeverOpensIsNoCommonWindow() {
        RemediationPolicy p = RemediationPolicy.from(Policies.mode("auto").build());
        OwnerRules rules = new OwnerRules(p, FIXTURE);
        OwnerRules.Windows db2 = rules.of("payments", "vm-db-2").windows();
        assertThat(db2.toString()).isEqualTo("namespace payments Sat 02:00-06:00 (Europe/Berlin) ∩ VM payments/vm-db-2"
                + " Sat 03:00-04:00 (Europe/Berlin)");
        // Its first common minute after a Tuesday noon: Saturday 03:00 in Berlin, 02:00 UTC.
        assertThat(db2.nextOpening(TUESDAY_NOON)).contains(Instant.parse("2026-11-28T02:00:00Z"));
        assertThat(db2.open(SATURDAY_0330_BERLIN)).isTrue();
        assertThat(db2.open(Instant.parse("2026-11-28T03:30:00Z"))).as("04:30 in Berlin").isFalse();
        // Weekdays 22:00-23:00 and all of Sunday have no minute in common.
        assertThat(rules.of("shop", "vm-web-1").windows().nextOpening(TUESDAY_NOON)).isEmpty();
        assertThat(rules.of("legacy", "vm-x").windows().restricted()).isFalse();

        Map<String, PlannedAction> plan = plan(Policies.mode("auto").restart("auto"),
                List.of(vmi("payments", "db-2"), vmi("shop", "web-1"), vmi("legacy", "old-1")), TUESDAY_NOON);
        assertThat(plan.get("RESTART payments/db-2").decision()).isEqualTo(Decision.OUTSIDE_WINDOW);
        assertThat(plan.get("RESTART payments/db-2").why()).endsWith("; next: Sat 03:00 Europe/Berlin");
        assertThat(plan.get("RESTART shop/web-1").decision()).isEqualTo(Decision.NO_COMMON_WINDOW);
        assertThat(plan.get("RESTART shop/web-1").why()).contains("namespace shop Mon-Fri 22:00-23:00")
                .contains("VM shop/vm-web-1 Sun 00:00-24:00");
        assertThat(plan.get("RESTART legacy/old-1").decision()).isEqualTo(Decision.RUN);
        // With a cluster window too, all three must hold: Sat 03:00-04:00 Berlin is outside Mon-Fri.
        assertThat(plan(Policies.mode("auto").restart("auto").windows("Mon-Fri 00:00-24:00"),
                List.of(vmi("payments", "db-2")), SATURDAY_0330_BERLIN).get("RESTART payments/db-2").decision())
                .isEqualTo(Decision.NO_COMMON_WINDOW);
        assertThat(plan(Policies.mode("auto").restart("auto"), List.of(vmi("payments", "db-2")), SATURDAY_0330_BERLIN)
                .get("RESTART payments/db-2").decision()).isEqualTo(Decision.RUN);
    }

    @Test
    void aNamespaceOrVmCanOnlyTightenThePolicy() {
        Map<String, PlannedAction> plan = plan(Policies.mode("auto").restart("auto"),
                List.of(vmi("careful", "a"), vmi("strict", "loose"), vmi("legacy", "b")), TUESDAY_NOON);
        assertThat(plan.get("RESTART careful/a").decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(plan.get("RESTART careful/a").why()).startsWith("namespace careful: kubevirt-remediator/policy=approve");
        // The VM says auto, its namespace report: report wins.
        assertThat(plan.get("RESTART strict/loose").decision()).isEqualTo(Decision.REPORT_ONLY);
        assertThat(plan.get("RESTART legacy/b").decision()).isEqualTo(Decision.RUN);
        // And nothing loosens the cluster's: a namespace saying auto under a cluster in report stays report.
        assertThat(plan(Policies.mode("report"), List.of(vmi("strict", "loose")), TUESDAY_NOON)
                .get("RESTART strict/loose").decision()).isEqualTo(Decision.REPORT_ONLY);
    }

    @Test
    void aNamespacesBatchIsItsOwnWithinTheClustersAndCountsWhatRanInItsInterval() {
        Map<String, PlannedAction> plan = plan(Policies.mode("auto").restart("auto"), List.of(vmi("payments", "p1"),
                vmi("payments", "p2"), vmi("shop-like", "s1"), vmi("shop-like", "s2")), SATURDAY_0330_BERLIN);
        assertThat(plan.get("RESTART payments/p1").decision()).isEqualTo(Decision.RUN);
        assertThat(plan.get("RESTART payments/p2").decision()).isEqualTo(Decision.BATCH_LIMIT);
        assertThat(plan.get("RESTART payments/p2").why()).startsWith("namespace payments's batch is full (1 disruptive"
                + " action(s) per 1m: kubevirt-remediator/batch-size)");
        assertThat(plan.get("RESTART shop-like/s1").decision()).isEqualTo(Decision.RUN);
        assertThat(plan.get("RESTART shop-like/s2").decision()).isEqualTo(Decision.RUN);
        // A restart in payments 30 s ago fills its batch; one 2 min ago does not.
        var recent = new ActionLedger.RecentActions(Map.of(), 1, Map.of("payments",
                List.of(SATURDAY_0330_BERLIN.minusSeconds(30))));
        assertThat(plan(Policies.mode("auto").restart("auto"), List.of(vmi("payments", "p1")), recent, SATURDAY_0330_BERLIN,
                new java.util.ArrayList<>()).get("RESTART payments/p1").decision()).isEqualTo(Decision.BATCH_LIMIT);
        var older = new ActionLedger.RecentActions(Map.of(), 0, Map.of("payments",
                List.of(SATURDAY_0330_BERLIN.minusSeconds(120))));
        assertThat(plan(Policies.mode("auto").restart("auto"), List.of(vmi("payments", "p1")), older, SATURDAY_0330_BERLIN,
                new java.util.ArrayList<>()).get("RESTART payments/p1").decision()).isEqualTo(Decision.RUN);
    }

    @Test
    void skipUntilOptsAVmOutUntilItsTimeAndThenExpiresByItself() {
        assertThat(plan(Policies.mode("auto").restart("auto"), List.of(vmi("legacy", "resting")), TUESDAY_NOON)
                .get("RESTART legacy/resting")).satisfies(a -> {
                    assertThat(a.decision()).isEqualTo(Decision.OPTED_OUT);
                    assertThat(a.why()).isEqualTo("the VM or VMI carries kubevirt-remediator/skip-until=2026-11-25T00:00:00Z:"
                            + " left alone until then");
                });
        assertThat(plan(Policies.mode("auto").restart("auto"), List.of(vmi("legacy", "resting")), SATURDAY_0330_BERLIN)
                .get("RESTART legacy/resting").decision()).isEqualTo(Decision.RUN);
        List<OwnerRules.Invalid> invalid = new java.util.ArrayList<>();
        assertThat(plan(Policies.mode("auto").restart("auto"), List.of(vmi("legacy", "typo")),
                new ActionLedger.RecentActions(Map.of(), 0), TUESDAY_NOON, invalid).get("RESTART legacy/typo").decision())
                .isEqualTo(Decision.RUN);
        assertThat(invalid).extracting(OwnerRules.Invalid::finding).containsExactly("VM legacy/vm-typo:"
                + " kubevirt-remediator/skip-until 'next week' is not an RFC 3339 time like 2026-12-31T23:00:00Z (ignored:"
                + " not opted out)");
    }

    @Test
    void invalidValuesAreIgnoredWithAFindingAndAVmCannotAddApprovers() {
        List<OwnerRules.Invalid> invalid = new java.util.ArrayList<>();
        Map<String, PlannedAction> plan = plan(Policies.mode("auto").restart("auto"),
                List.of(vmi("lab", "l1"), vmi("payments", "sneaky")), new ActionLedger.RecentActions(Map.of(), 0),
                SATURDAY_0330_BERLIN, invalid);
        assertThat(invalid).extracting(OwnerRules.Invalid::finding).containsExactlyInAnyOrder(
                "namespace lab: kubevirt-remediator/time-zone 'CEST' is not an IANA zone (ignored; UTC applies)",
                "VM payments/vm-sneaky: kubevirt-remediator/approvers is ignored: only a Namespace annotation (which only"
                        + " platform admins can write) names approvers or a channel");
        assertThat(invalid).filteredOn(OwnerRules.Invalid::onNamespace).extracting(OwnerRules.Invalid::namespace)
                .containsExactly("lab");
        // Ignored means the cluster's defaults apply.
        assertThat(plan.get("RESTART lab/l1").decision()).isEqualTo(Decision.RUN);
        OwnerRules rules = new OwnerRules(RemediationPolicy.from(Policies.mode("auto").build()), new OwnerAnnotations(
                Map.of("bad", new OwnerAnnotations.Meta(null, Map.of(OwnerAnnotations.WINDOW, "weekends",
                        OwnerAnnotations.BATCH_SIZE, "0", OwnerAnnotations.POLICY, "yolo",
                        OwnerAnnotations.SLACK_CHANNEL, "#payments"))), Map.of()));
        assertThat(rules.of("bad", "vm").windows().restricted()).isFalse();
        assertThat(rules.of("bad", "vm").ceiling()).isEqualTo(Setting.AUTO);
        assertThat(rules.invalid()).extracting(OwnerRules.Invalid::finding).anySatisfy(f -> assertThat(f)
                .startsWith("namespace bad: kubevirt-remediator/maintenance-window 'weekends' is not a list of windows"))
                .anySatisfy(f -> assertThat(f).isEqualTo("namespace bad: kubevirt-remediator/batch-size '0' is not a whole"
                        + " number of at least 1 (ignored)"))
                .anySatisfy(f -> assertThat(f).isEqualTo("namespace bad: kubevirt-remediator/policy 'yolo' is not report,"
                        + " approve or auto (ignored)"))
                .anySatisfy(f -> assertThat(f).isEqualTo("namespace bad: kubevirt-remediator/slack-channel '#payments' is"
                        + " not a Slack channel ID like C0123456789 (ignored)"));
    }
}

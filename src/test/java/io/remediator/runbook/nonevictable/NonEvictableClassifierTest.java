package io.remediator.runbook.nonevictable;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.kubevirt.ClusterNode;
import io.remediator.kubevirt.VirtualMachine;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.kubevirt.VmTemplate;
import io.remediator.runbook.RecommendedAction;
import io.remediator.runbook.VmiFinding;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** next-capabilities §4.3, branch by branch (pure: records in, findings out). */
class NonEvictableClassifierTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final NonEvictableClassifier CLASSIFIER = new NonEvictableClassifier(new NonEvictableClassifier.Settings(
            "LiveMigrate", "kubevirt.io/drain", "LiveMigrateIfPossible", false, "kubevirt-remediator/skip", true));
    private static final ClusterNode NODE_1 = new ClusterNode("node-1", 110, false, Map.of(), List.of());
    private static final ClusterNode CORDONED = new ClusterNode("node-1", 110, true, Map.of(), List.of());
    private static final ClusterNode TAINTED = new ClusterNode("node-1", 110, false, Map.of(), List.of("kubevirt.io/drain"));

    private static VirtualMachineInstance vmi(String name, String strategy, String migratableStatus, String reason,
                                              String vm, Instant created, Map<String, String> annotations) {
        List<VirtualMachineInstance.Condition> conditions = migratableStatus == null ? List.of()
                : List.of(new VirtualMachineInstance.Condition("LiveMigratable", migratableStatus, reason,
                        reason == null ? null : "cannot migrate because " + reason));
        return new VirtualMachineInstance("prod", name, "uid-" + name, created, false, "Running", "node-1", conditions,
                strategy, vm, Map.of(), annotations);
    }

    private static VirtualMachineInstance notMigratable(String name, String vm) {
        return vmi(name, "LiveMigrate", "False", "HostDeviceNotLiveMigratable", vm, NOW.minusSeconds(86_400), Map.of());
    }

    private static VmTemplate vm(String name, String runStrategy, String templateStrategy, boolean restartRequired,
                                 Map<String, String> annotations) {
        return new VmTemplate(new VirtualMachine("prod", name, runStrategy, null, Map.of(), annotations, restartRequired),
                templateStrategy, "4711");
    }

    private static NonEvictableVmi classify(VirtualMachineInstance vmi, VmTemplate vm, ClusterNode node) {
        return CLASSIFIER.classify(new NonEvictableClassifier.Observed("prod", vmi == null ? "gone" : vmi.name(), "node-1",
                1, vmi, vm, node, List.of()), NOW);
    }

    private static VirtualMachineInstance marked(String name) {
        VirtualMachineInstance v = notMigratable(name, name);
        return new VirtualMachineInstance(v.namespace(), v.name(), v.uid(), v.createdAt(), false, v.phase(), v.nodeName(),
                v.conditions(), v.evictionStrategy(), v.vm(), Map.of(), Map.of(), "VirtualMachine", "node-1");
    }

    @Test
    void anEvacuationMarkLeftByAnAbandonedDrainIsCancelledThroughKubeVirtWhereItServesEvacuateCancel() {
        NonEvictableVmi v = classify(marked("gpu-1"), vm("gpu-1", "Always", null, false, Map.of()), NODE_1);
        assertThat(v.branch()).isEqualTo(NonEvictableBranch.VCE_ABANDONED_DRAIN);
        assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.EVACUATE_CANCEL);
        assertThat(v.mitigation()).isEqualTo("virtctl evacuate-cancel vmi -n prod gpu-1");
        assertThat(v.explanation()).contains("status.evacuationNodeName still names node node-1")
                .contains("evacuation.go:326-334").contains("nothing stops");
        assertThat(v.change()).isEqualTo(new io.remediator.runbook.VmiFinding.Change("status.evacuationNodeName", "node-1",
                null));
        // A drain that still waits is the drain-blocked branch, not this one.
        assertThat(classify(marked("gpu-1"), vm("gpu-1", "Always", null, false, Map.of()), CORDONED).branch())
                .isEqualTo(NonEvictableBranch.VCE_DRAIN_BLOCKED);
        // Before KubeVirt 1.8 there is no evacuate/cancel: said, and nothing planned.
        NonEvictableVmi old = new NonEvictableClassifier(new NonEvictableClassifier.Settings("LiveMigrate",
                "kubevirt.io/drain", "LiveMigrateIfPossible", false, null, false)).classify(new NonEvictableClassifier.Observed(
                "prod", "gpu-1", "node-1", 1, marked("gpu-1"), vm("gpu-1", "Always", null, false, Map.of()), NODE_1,
                List.of()), NOW);
        assertThat(old.recommendedAction()).isEqualTo(RecommendedAction.NONE);
        assertThat(old.explanation()).contains("does not serve evacuate/cancel (KubeVirt 1.8 and later)");
    }

    @Test
    void aVmiThatIsGoneMigratableOrNoLongerLiveMigrateIsStale() {
        assertThat(classify(null, null, NODE_1)).satisfies(v -> {
            assertThat(v.branch()).isEqualTo(NonEvictableBranch.VCE_STALE);
            assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.NONE);
            assertThat(v.node()).isEqualTo("node-1");
        });
        assertThat(classify(vmi("web", "LiveMigrate", "True", null, "web", NOW.minusSeconds(600), Map.of()), null, NODE_1)
                .explanation()).startsWith("It is live-migratable now");
        assertThat(classify(vmi("web", "None", "False", "DisksNotLiveMigratable", "web", NOW.minusSeconds(600), Map.of()),
                null, NODE_1).branch()).isEqualTo(NonEvictableBranch.VCE_STALE);
    }

    @Test
    void aMissingConditionIsPendingForFiveMinutesThenCountsAsNotMigratable() {
        var young = classify(vmi("new", "LiveMigrate", null, null, "new", NOW.minusSeconds(60), Map.of()),
                vm("new", "Always", null, false, Map.of()), NODE_1);
        assertThat(young.branch()).isEqualTo(NonEvictableBranch.VCE_CONDITION_PENDING);
        assertThat(young.recommendedAction()).isEqualTo(RecommendedAction.WAIT);
        var old = classify(vmi("old", "LiveMigrate", null, null, "old", NOW.minusSeconds(600), Map.of()),
                vm("old", "Always", null, false, Map.of()), NODE_1);
        assertThat(old.branch()).isEqualTo(NonEvictableBranch.VCE_STRATEGY_MISMATCH);
        assertThat(old.explanation()).contains("KubeVirt has not said why it cannot migrate");
    }

    @Test
    void aCordonedOrDrainTaintedNodeMakesItDrainBlockedRestartedByKubeVirtWithApproval() {
        for (ClusterNode node : List.of(CORDONED, TAINTED)) {
            var v = classify(notMigratable("gpu-1", "gpu-1"), vm("gpu-1", "Always", null, false, Map.of()), node);
            assertThat(v.branch()).isEqualTo(NonEvictableBranch.VCE_DRAIN_BLOCKED);
            assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
            assertThat(v.mitigation()).isEqualTo("virtctl restart -n prod gpu-1");
            assertThat(v.approvalRequired()).contains("blocks the drain of node node-1");
            assertThat(v.explanation()).contains("A host device (a GPU or an SR-IOV NIC) is passed through")
                    .contains("starts it again on another node");
        }
        assertThat(classify(notMigratable("gpu-1", "gpu-1"), vm("gpu-1", "Always", null, false, Map.of()), CORDONED)
                .drainBlocked()).isEqualTo("node node-1 is cordoned (spec.unschedulable)");
        var auto = new NonEvictableClassifier(new NonEvictableClassifier.Settings("LiveMigrate", "kubevirt.io/drain",
                "LiveMigrateIfPossible", true, null, true)).classify(new NonEvictableClassifier.Observed("prod", "gpu-1", null, 1,
                notMigratable("gpu-1", "gpu-1"), vm("gpu-1", "Always", null, false, Map.of()), CORDONED, List.of()), NOW);
        assertThat(auto.approvalRequired()).isNull();
        // A VM that does not restart it (Halted, Once), or none: a STOP, always by a person.
        var once = classify(notMigratable("batch", "batch"), vm("batch", "Once", null, false, Map.of()), CORDONED);
        assertThat(once.recommendedAction()).isEqualTo(RecommendedAction.STOP);
        assertThat(once.approvalRequired()).contains("a stop keeps it down");
        var standalone = classify(notMigratable("solo", null), null, CORDONED);
        assertThat(standalone.recommendedAction()).isEqualTo(RecommendedAction.STOP);
        assertThat(standalone.mitigation()).isEqualTo("kubectl delete vmi -n prod solo");
    }

    @Test
    void aTemplateAlreadyChangedOrRestartRequiredNeedsOnlyARestart() {
        var changed = classify(notMigratable("db", "db"), vm("db", "Always", "LiveMigrateIfPossible", true, Map.of()), NODE_1);
        assertThat(changed.branch()).isEqualTo(NonEvictableBranch.VCE_FIX_NEEDS_RESTART);
        assertThat(changed.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(changed.explanation()).contains("already has eviction strategy LiveMigrateIfPossible");
        var pending = classify(notMigratable("db", "db"), vm("db", "Manual", null, true, Map.of()), NODE_1);
        assertThat(pending.branch()).isEqualTo(NonEvictableBranch.VCE_FIX_NEEDS_RESTART);
        assertThat(pending.explanation()).contains("RestartRequired");
    }

    @Test
    void otherwiseTheVmTemplateIsPatchedConditionallyAndAStandaloneVmiIsStoppedOnlyByApproval() {
        var v = classify(vmi("db", "LiveMigrate", "False", "DisksNotLiveMigratable", "db", NOW.minusSeconds(86_400),
                Map.of()), vm("db", "Always", null, false, Map.of()), NODE_1);
        assertThat(v.branch()).isEqualTo(NonEvictableBranch.VCE_STRATEGY_MISMATCH);
        assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.PATCH_EVICTION_STRATEGY);
        assertThat(v.change()).isEqualTo(new VmiFinding.Change("spec.template.spec.evictionStrategy",
                "LiveMigrateIfPossible", "4711"));
        assertThat(v.explanation()).contains("ReadWriteMany storage would make it migratable")
                .contains("takes effect at its next restart");
        assertThat(v.mitigation()).contains("--type merge").contains("\"evictionStrategy\":\"LiveMigrateIfPossible\"");
        var solo = classify(notMigratable("solo", null), null, NODE_1);
        assertThat(solo.branch()).isEqualTo(NonEvictableBranch.VCE_NO_VM);
        assertThat(solo.recommendedAction()).isEqualTo(RecommendedAction.STOP);
        assertThat(solo.approvalRequired()).isNotNull();
    }

    @Test
    void anAcceptanceInTheFutureIsReportedNeverActedOnAndOneInThePastAcceptsNothing() {
        var accepted = classify(notMigratable("gpu-2", "gpu-2"), vm("gpu-2", "Always", null, false,
                Map.of(NonEvictableClassifier.ACCEPT_UNTIL, "2027-01-31T00:00:00Z")), CORDONED);
        assertThat(accepted.branch()).isEqualTo(NonEvictableBranch.VCE_ACCEPTED);
        assertThat(accepted.recommendedAction()).isEqualTo(RecommendedAction.NONE);
        assertThat(accepted.explanation()).startsWith("Accepted as non-evictable until 2027-01-31T00:00:00Z")
                .contains("It blocks a drain now");
        var expired = classify(notMigratable("gpu-2", "gpu-2"), vm("gpu-2", "Always", null, false,
                Map.of(NonEvictableClassifier.ACCEPT_UNTIL, "2026-12-01T00:00:00Z")), NODE_1);
        assertThat(expired.branch()).isEqualTo(NonEvictableBranch.VCE_STRATEGY_MISMATCH);
        var unreadable = classify(notMigratable("gpu-2", "gpu-2"), vm("gpu-2", "Always", null, false,
                Map.of(NonEvictableClassifier.ACCEPT_UNTIL, "next tuesday")), NODE_1);
        assertThat(unreadable.branch()).isEqualTo(NonEvictableBranch.VCE_STRATEGY_MISMATCH);
        var optedOut = classify(notMigratable("gpu-3", "gpu-3"), vm("gpu-3", "Always", null, false,
                Map.of("kubevirt-remediator/skip", "true")), NODE_1);
        assertThat(optedOut.branch()).isEqualTo(NonEvictableBranch.VCE_ACCEPTED);
        assertThat(optedOut.optedOut()).isTrue();
    }

    @Test
    void alertsDifferingOnlyInScrapeLabelsNameOneVmiAndNoSentenceOffersShutdownAsAStrategy() {
        var alerted = NonEvictableRunbook.Alerted.of(List.of(
                Map.of("alertname", "VMCannotBeEvicted", "namespace", "prod", "name", "gpu-1", "node", "node-1",
                        "pod", "virt-controller-a"),
                Map.of("alertname", "VMCannotBeEvicted", "namespace", "prod", "name", "gpu-1", "node", "node-1",
                        "pod", "virt-controller-b"),
                Map.of("alertname", "VMCannotBeEvicted", "namespace", "prod", "name", "db"),
                Map.of("alertname", "VMCannotBeEvicted")));
        assertThat(alerted.vmis()).extracting(NonEvictableRunbook.Alerted.Vmi::name).containsExactly("db", "gpu-1");
        assertThat(alerted.vmis().get(1).alerts()).isEqualTo(2);
        assertThat(alerted.unnamed()).isEqualTo(1);
        List<NonEvictableVmi> all = List.of(classify(notMigratable("a", "a"), vm("a", "Always", null, false, Map.of()),
                        NODE_1), classify(notMigratable("b", null), null, CORDONED),
                classify(notMigratable("c", "c"), vm("c", "Always", null, false, Map.of()), CORDONED));
        var findings = NonEvictableFindings.of(all, null, alerted, List.of(), 0);
        assertThat(findings.findings()).anySatisfy(f -> assertThat(f).startsWith("4 firing alert(s) name 2 VMI(s);"))
                .anySatisfy(f -> assertThat(f).contains("upstream runbook's fix cannot be applied as written"));
        assertThat(findings.drainBlockedNodes()).containsExactly("node-1");
        assertThat(String.join(" ", findings.findings()) + all).doesNotContainIgnoringCase("shutdown");
    }
}

package io.remediator.runbook;

import static io.remediator.testing.KubeVirtObjects.hyperConverged;
import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.migration;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmRestartRequired;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.remediator.kubevirt.KubeVirtInformers;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.remediation.Action;
import io.remediator.remediation.ActionExecutor;
import io.remediator.remediation.ActionLedger;
import io.remediator.remediation.Approval;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PassResult;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.Remediation;
import io.remediator.remediation.RemediationPlanner;
import io.remediator.remediation.RemediationPolicy;
import io.remediator.testing.AuditLog;
import io.remediator.testing.Policies;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The second KubeVirt audit's scenarios (T1–T21, R1–R3 in shared/notes/kubevirt-audit-2.md), each
 * on the real API server with KubeVirt's real CRDs: the branch, the recommendation and the sentence
 * an operator reads, the policy's decision, and, where nothing may change, the API server's own
 * audit log of writes. Defaults as the audit's: KubeVirt Deployed 30 h ago, every VMI with its own
 * spec.evictionStrategy, `restart: auto`, `stop: auto`, failedMigrationsBeforeRestart 3.
 */
@ExtendWith(RealCluster.class)
class KubeVirtFidelityTest {
    private static final Set<String> KUBEVIRT_WRITES = Set.of("virtualmachineinstances", "virtualmachines",
            "virtualmachineinstancemigrations", "kubevirts", "hyperconvergeds", "pods");
    private TestCluster cluster;
    private final List<KubeVirtInformers> opened = new ArrayList<>();
    private final List<KubernetesClient> clients = new ArrayList<>();

    @BeforeEach
    void clean(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    @AfterEach
    void close() {
        opened.forEach(KubeVirtInformers::close);
        clients.forEach(KubernetesClient::close);
    }

    private KubeVirtInformers informers() {
        KubeVirtInformers informers = new KubeVirtInformers(cluster.client(), 0, null, Duration.ofSeconds(30));
        opened.add(informers);
        return informers;
    }

    private OutdatedWorkloadsDiagnosis diagnose() {
        return new OutdatedVmiWorkloadsRunbook(informers(), NamespaceScope.ALL, 3).diagnose();
    }

    private static Policies auto() {
        return Policies.mode("auto").restart("auto").stop("auto");
    }

    private static List<PlannedAction> plan(Policies policy, OutdatedWorkloadsDiagnosis d) {
        return plan(policy, d, Set.of());
    }

    private static List<PlannedAction> plan(Policies policy, OutdatedWorkloadsDiagnosis d, Set<String> approved) {
        return new RemediationPlanner(RemediationPolicy.from(policy.build())).plan(d, null,
                new ActionLedger.RecentActions(Map.of(), 0), approved, "g@1", Instant.now());
    }

    private Remediation remediation(Policies policy, KubernetesClient client) {
        return new Remediation(RemediationPolicy.from(policy.build()),
                new ActionExecutor(client, List.of("LiveMigrate"), Clock.systemUTC()), new ActionLedger(),
                new RemediatorMetrics(), Clock.systemUTC());
    }

    private static Map<String, PlannedAction> byKey(List<PlannedAction> plan) {
        return plan.stream().collect(Collectors.toMap(PlannedAction::key, Function.identity()));
    }

    private static OutdatedVmi find(OutdatedWorkloadsDiagnosis d, String name) {
        return d.outdatedVmis().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    /** A VMI and its VM as KubeVirt leaves them; the VMI builder is returned unbuilt for more. */
    private void vmAndVmi(String ns, String name, String runStrategy,
                          Function<io.remediator.testing.KubeVirtObjects.VmiBuilder,
                                  io.remediator.testing.KubeVirtObjects.VmiBuilder> vmi) {
        cluster.create(vm(ns, name, runStrategy));
        cluster.create(vmi.apply(vmi(ns, name).ownedBy(name)).build());
    }

    private static Instant ago(Duration d) {
        return Instant.now().minus(d).truncatedTo(ChronoUnit.SECONDS);
    }

    // --- 1. The control-plane gate, and failures dated from the current update ---------------------

    @Test
    void t1DuringAnUpdateAMigratableVmiIsLeftToKubeVirtWhateverFailedMonthsAgo() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate"))
                .updating("v1.8.0", "v1.9.0", ago(Duration.ofMinutes(10))).build());
        vmAndVmi("t1", "x", "Always", b -> b.migratable().evictionStrategy("LiveMigrate"));
        for (int i = 0; i < 3; i++) {
            // This service's own migrations, failed 28-30 days ago, before this update began.
            cluster.create(migration("t1", "kvr-x-old" + i, "x").failed("target pod did not start",
                    ago(Duration.ofDays(28 + i))).build());
        }

        OutdatedWorkloadsDiagnosis d = diagnose();
        OutdatedVmi x = find(d, "x");

        assertThat(x.branch()).isEqualTo(Branch.KUBEVIRT_WILL_MIGRATE);
        assertThat(x.recommendedAction()).isEqualTo(RecommendedAction.WAIT);
        assertThat(x.explanation()).contains("KubeVirt will migrate it once the KubeVirt control-plane update completes");
        assertThat(x.migrations().failedCount()).isZero();
        assertThat(d.cluster().controlPlaneUpdating()).isTrue();
        // phase stays Deployed during an update: the IDs decide.
        assertThat(d.cluster().phase()).isEqualTo("Deployed");
        assertThat(d.findings()).anyMatch(f -> f.startsWith("The KubeVirt control-plane update has not completed (phase"
                + " Deployed) (deployed v1.8.0, target v1.9.0); it started at") && f.contains("no action runs"));
        assertThat(plan(auto(), d)).extracting(PlannedAction::action).doesNotContain(Action.RESTART, Action.STOP);
    }

    @Test
    void t2NothingDisruptiveRunsWhileTheControlPlaneUpdatesAndTheNextPassLooksAgain() {
        cluster.create(kubeVirt("kubevirt").methods(List.of())
                .updating("v1.8.0", "v1.9.0", ago(Duration.ofMinutes(5))).build());
        vmAndVmi("t2", "x", "Always", b -> b.notMigratable("DisksNotLiveMigratable", "RWO disk"));

        OutdatedWorkloadsDiagnosis d = diagnose();
        assertThat(find(d, "x").recommendedAction()).isEqualTo(RecommendedAction.RESTART);

        AuditLog audit = cluster.audit();
        long mark = audit.mark();
        PassResult pass = remediation(auto().enableWorkloadUpdates("auto"), cluster.client())
                .prove(1, d, null, Set.of(), Map.of(), "g@1", null);

        Map<String, PlannedAction> actions = byKey(pass.actions());
        PlannedAction restart = actions.get("RESTART t2/x");
        assertThat(restart.decision()).isEqualTo(Decision.CONTROL_PLANE_UPDATING);
        assertThat(restart.why()).startsWith("KubeVirt's control plane is updating (deployed v1.8.0, target v1.9.0):"
                + " KubeVirt's own workload updater waits");
        assertThat(actions.get("ENABLE_WORKLOAD_UPDATES kubevirt/kubevirt").decision())
                .isEqualTo(Decision.CONTROL_PLANE_UPDATING);
        assertThat(Decision.CONTROL_PLANE_UPDATING.deferred()).isTrue();
        assertThat(pass.nextPassAt()).isNotNull();
        assertThat(Remediation.writes(pass)).isFalse();
        assertThat(audit.writesSince(mark)).filteredOn(w -> KUBEVIRT_WRITES.contains(w.resource())).isEmpty();
    }

    @Test
    void updateTimesAreFrozenPerDeploymentIdAndAProgressingFlapMovesNothing() {
        Instant before = ago(Duration.ofDays(3));
        GenericKubernetesResource kv = cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate"))
                .deployed("v1.8.0", before).build());
        cluster.create(vmi("times", "x").migratable().evictionStrategy("LiveMigrate").build());
        OutdatedVmiWorkloadsRunbook runbook = new OutdatedVmiWorkloadsRunbook(informers(), NamespaceScope.ALL, 3);

        // Found in place: read from the Progressing condition, marked approximate.
        OutdatedWorkloadsDiagnosis first = runbook.diagnose();
        assertThat(first.cluster().updateCompletedAt()).isEqualTo(before);
        assertThat(first.cluster().updateTimesApproximate()).isTrue();

        Instant started = ago(Duration.ofMinutes(30));
        writeStatus(kv, kubeVirt("kubevirt").updating("v1.8.0", "v1.9.0", started).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> runbook.diagnose().cluster().controlPlaneUpdating());
        Instant completed = ago(Duration.ofMinutes(20));
        writeStatus(kv, kubeVirt("kubevirt").deployed("v1.9.0", completed).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !runbook.diagnose().cluster().controlPlaneUpdating());
        // A virt-handler restarts on a rebooting node: Progressing flaps True and False again, same IDs.
        writeStatus(kv, kubeVirt("kubevirt").deployed("v1.9.0", ago(Duration.ofMinutes(2))).build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat((Object) cluster.client()
                .genericKubernetesResources(KubeVirtResources.KUBEVIRT).inNamespace("kubevirt").withName("kubevirt").get()
                .get("status", "conditions")).asString().contains(ago(Duration.ofMinutes(2)).toString().substring(0, 14)));
        // A failure after the update counts; one from before it does not. (Whether the start or the
        // VMI's creation bounds it is pinned by OutdatedWorkloadsFindingsTest: this server stamps
        // every creation now.)
        cluster.create(migration("times", "kvr-x-before", "x").failed("old", started.minusSeconds(600)).build());
        cluster.create(migration("times", "kvr-x-during", "x").failed("new", Instant.now().plusSeconds(1)).build());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            OutdatedWorkloadsDiagnosis d = runbook.diagnose();
            assertThat(d.cluster().updateStartedAt()).isEqualTo(started);
            assertThat(d.cluster().updateCompletedAt()).isEqualTo(completed);
            assertThat(d.cluster().updateTimesApproximate()).isFalse();
            assertThat(find(d, "x").migrations().failedCount()).isEqualTo(1);
            assertThat(d.findings()).anyMatch(f -> f.equals("The KubeVirt control-plane update has completed (deployed"
                    + " v1.9.0, target v1.9.0) at " + completed + "."));
        });
    }

    private void writeStatus(GenericKubernetesResource existing, GenericKubernetesResource withStatus) {
        GenericKubernetesResource now = cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT)
                .inNamespace(existing.getMetadata().getNamespace()).withName(existing.getMetadata().getName()).get();
        now.getAdditionalProperties().put("status", withStatus.getAdditionalProperties().get("status"));
        cluster.client().resource(now).updateStatus();
    }

    // --- 2. Evacuation loops ------------------------------------------------------------------------

    @Test
    void t3EvacuationMigrationsThatKeepFailingReachARestartNotAnEndlessWait() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("Evict")).build());
        vmAndVmi("t3", "x", "Always", b -> b.migratable().evictionStrategy("LiveMigrate").evacuationNode("node-1"));
        for (int i = 1; i <= 4; i++) {
            // (The test server stamps the VMI's creation now: its failures come after.)
            cluster.create(migration("t3", "kubevirt-evacuation-" + i, "x").byEvacuation("node-1")
                    .failed("Live migration failed: guest CPU doesn't match specification", Instant.now().plusSeconds(i))
                    .build());
        }
        cluster.create(migration("t3", "kubevirt-evacuation-5", "x").byEvacuation("node-1").phase("Pending").build());

        OutdatedVmi x = find(diagnose(), "x");

        assertThat(x.branch()).isEqualTo(Branch.MIGRATIONS_KEEP_FAILING);
        assertThat(x.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(x.migrations().inFlightByEvacuation()).isTrue();
        assertThat(x.explanation()).contains("4 migrations of it have failed since it became outdated")
                .contains("KubeVirt's evacuation controller has already queued the next attempt (kubevirt-evacuation-5");
        assertThat(x.mitigation()).isEqualTo("virtctl restart -n t3 x");
    }

    // --- 3. Hand-over only when proven --------------------------------------------------------------

    @Test
    void t4ARefusedEnableHandsNothingToKubeVirtAndSchedulesTheNextPass() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).build());
        cluster.create(vmi("t4", "x").migratable().evictionStrategy("None").build());
        // The chart's default RBAC: the service may create migrations but not patch the KubeVirt CR.
        cluster.client().resource(new ClusterRoleBuilder().withNewMetadata().withName("t4-remediator").endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("kubevirt.io").withResources("virtualmachineinstances",
                                "virtualmachines", "virtualmachineinstancemigrations", "kubevirts")
                                .withVerbs("get", "list", "watch").build(),
                        new PolicyRuleBuilder().withApiGroups("kubevirt.io")
                                .withResources("virtualmachineinstancemigrations").withVerbs("create").build())
                .build()).createOr(op -> op.update());
        cluster.client().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("t4-remediator").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("t4-remediator")
                .endRoleRef().addNewSubject().withKind("ServiceAccount").withName("t4").withNamespace("remediator")
                .endSubject().build()).createOr(op -> op.update());
        KubernetesClient restricted = cluster.serviceAccountClient("remediator", "t4");
        clients.add(restricted);
        OutdatedWorkloadsDiagnosis d = diagnose();

        AuditLog audit = cluster.audit();
        long mark = audit.mark();
        PassResult pass = remediation(Policies.mode("auto").enableWorkloadUpdates("auto"), restricted)
                .prove(1, d, null, Set.of(), Map.of(), "g@1", null);

        Map<String, PlannedAction> actions = byKey(pass.actions());
        PlannedAction enable = actions.get("ENABLE_WORKLOAD_UPDATES kubevirt/kubevirt");
        assertThat(enable.decision()).isEqualTo(Decision.DRY_RUN_REFUSED);
        assertThat(enable.dryRun().code()).isEqualTo(403);
        assertThat(enable.why()).contains("KubeVirt's workload updater stays as it is");
        PlannedAction migrate = actions.get("LIVE_MIGRATE t4/x");
        assertThat(migrate.decision()).isEqualTo(Decision.RUN);
        assertThat(migrate.dryRun().accepted()).isTrue();
        assertThat(pass.nextPassAt()).isNotNull();
        // Only dry runs so far: nothing changed.
        assertThat(audit.changesSince(mark, KUBEVIRT_WRITES)).isEmpty();
    }

    @Test
    void t5AnHcoJsonPatchThatPinsTheMethodsIsNamedAndNoHyperConvergedPatchIsOffered() {
        GenericKubernetesResource hc = hyperConverged("t5-hco", List.of("LiveMigrate"));
        hc.getMetadata().setAnnotations(Map.of("kubevirt.kubevirt.io/jsonpatch",
                "[{\"op\":\"replace\",\"path\":\"/spec/workloadUpdateStrategy/workloadUpdateMethods\",\"value\":[]}]"));
        hc = cluster.create(hc);
        cluster.create(kubeVirt("t5-hco").name("kubevirt-kubevirt-hyperconverged").methods(List.of()).ownedBy(hc).build());
        cluster.create(vmi("t5", "x").migratable().evictionStrategy("LiveMigrate").build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.cluster().methodsPinnedBy()).contains("/spec/workloadUpdateStrategy/workloadUpdateMethods");
        assertThat(d.cluster().enableWorkloadUpdatesCommand()).isNull();
        assertThat(d.findings()).anyMatch(f -> f.startsWith("The HyperConverged carries the annotation"
                + " kubevirt.kubevirt.io/jsonpatch") && f.contains("proposes no change to the HyperConverged"));
        assertThat(d.findings()).noneMatch(f -> f.contains("kubectl patch hyperconvergeds"));
        List<PlannedAction> plan = plan(Policies.mode("auto").enableWorkloadUpdates("auto"), d);
        assertThat(plan).extracting(PlannedAction::action).doesNotContain(Action.ENABLE_WORKLOAD_UPDATES);
        assertThat(byKey(plan).get("LIVE_MIGRATE t5/x").decision()).isEqualTo(Decision.RUN);
    }

    // --- 4. External eviction ----------------------------------------------------------------------

    @Test
    void t6AnExternallyOwnedVmiIsNeverRestartedWithoutAPersonAndItsEvacuationMarkIsShown() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).build());
        vmAndVmi("t6", "x", "Always", b -> b.evictionStrategy("External").evacuationNode("node-1")
                .notMigratable("HostDeviceNotLiveMigratable", "VMI uses a host device"));

        OutdatedVmi x = find(diagnose(), "x");

        assertThat(x.branch()).isEqualTo(Branch.EXTERNAL_EVICTION);
        assertThat(x.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(x.approvalRequired()).contains("External");
        assertThat(x.evacuationNodeName()).isEqualTo("node-1");
        assertThat(x.evacuationSeenSince()).isNotNull();
        assertThat(x.explanation()).contains("an external controller (such as cluster-api-provider-kubevirt")
                .contains("marked it for evacuation off node-1")
                .contains("runs only when a person approves it, whatever the policy says");

        OutdatedWorkloadsDiagnosis d = diagnose();
        PlannedAction restart = byKey(plan(auto(), d)).get("RESTART t6/x");
        assertThat(restart.decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(restart.why()).startsWith("needs a person's approval whatever the policy says (policy.actions.restart=auto)");
        PlannedAction approved = byKey(plan(auto(), d, Set.of(Approval.of(restart).entry()))).get("RESTART t6/x");
        assertThat(approved.decision()).isEqualTo(Decision.APPROVED);
    }

    // --- 5. Once VMs ----------------------------------------------------------------------------------

    @Test
    void t7AOnceVmIsRestartedByDeletingItsVmiNeverStopped() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).build());
        vmAndVmi("t7", "x", "Once", b -> b.notMigratable("DisksNotLiveMigratable", "RWO"));

        OutdatedWorkloadsDiagnosis d = diagnose();
        OutdatedVmi x = find(d, "x");

        assertThat(x.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(x.restartDeletesVmi()).isTrue();
        assertThat(x.mitigation()).isEqualTo("kubectl delete vmi -n t7 x");
        assertThat(x.explanation()).contains("starts a fresh VMI").contains("A stop would turn Once into Halted")
                .doesNotContain("will not start it again by itself");
        PlannedAction restart = byKey(plan(auto(), d)).get("RESTART t7/x");
        assertThat(restart.object()).hasToString("VirtualMachineInstance t7/x");
    }

    // --- 6. Evict branches tell the truth -------------------------------------------------------------

    @Test
    void t8EvictOnlyWithMigratableNoneVmisProposesAddingLiveMigrateAndKeepsEvict() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("Evict")).batch(10, "1m").migrations(5, 2).build());
        for (int i = 0; i < 6; i++) {
            vmAndVmi("t8", "vm-" + i, "Always", b -> b.migratable().evictionStrategy("None"));
        }
        OutdatedWorkloadsDiagnosis d = diagnose();
        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::branch, OutdatedVmi::recommendedAction)
                .containsOnly(tuple(Branch.KUBEVIRT_WILL_EVICT, RecommendedAction.LIVE_MIGRATE));
        assertThat(find(d, "vm-0").explanation()).doesNotContain("nothing left to evict")
                .contains("with many such VMIs KubeVirt shuts most of them down first")
                .contains("adding LiveMigrate to the workload update methods");

        Remediation remediation = remediation(Policies.mode("auto").enableWorkloadUpdates("auto"), cluster.client());
        PassResult proven = remediation.prove(1, d, null, Set.of(), Map.of(), "g@1", null);
        Map<String, PlannedAction> actions = byKey(proven.actions());
        assertThat(actions.get("ENABLE_WORKLOAD_UPDATES kubevirt/kubevirt").decision()).isEqualTo(Decision.RUN);
        assertThat(actions.get("LIVE_MIGRATE t8/vm-0").decision()).isEqualTo(Decision.HANDED_TO_KUBEVIRT);
        remediation.execute(proven, d, "r", () -> true);

        // Evict stays on; LiveMigrate is added.
        assertThat((Object) cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT).inNamespace("kubevirt")
                .withName("kubevirt").get().get("spec", "workloadUpdateStrategy", "workloadUpdateMethods"))
                .isEqualTo(List.of("Evict", "LiveMigrate"));
    }

    @Test
    void t9AnEvictionAPodDisruptionBudgetKeepsRefusingIsEvictionBlockedWithARestart() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("Evict")).build());
        vmAndVmi("t9", "x", "Always", b -> b.label("app", "db").evictionStrategy("None")
                .notMigratable("HostDeviceNotLiveMigratable", "GPU"));
        vmAndVmi("t9", "y", "Always", b -> b.label("app", "cache").evictionStrategy("None")
                .notMigratable("HostDeviceNotLiveMigratable", "GPU"));
        cluster.create(pdb("t9", "db-pdb", Map.of("app", "db")));
        cluster.create(pdb("t9", "cache-pdb", Map.of("app", "cache")));
        // workload-updater.go:623-626: the updater logs a Warning on the VMI for every refused eviction.
        cluster.create(new EventBuilder().withNewMetadata().withNamespace("t9").withName("x.failedevict").endMetadata()
                .withNewInvolvedObject().withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstance")
                .withNamespace("t9").withName("x").endInvolvedObject()
                .withReason("FailedEvict").withType("Warning").withCount(7)
                .withMessage("Error deleting VMI during automated workload update: Cannot evict pod as it would violate"
                        + " the pod's disruption budget.")
                .withLastTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .build());

        OutdatedWorkloadsDiagnosis d = diagnose();
        OutdatedVmi x = find(d, "x");
        OutdatedVmi y = find(d, "y");

        assertThat(x.branch()).isEqualTo(Branch.EVICTION_BLOCKED);
        assertThat(x.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(x.disruptionBudgets()).singleElement().asString().startsWith("db-pdb");
        assertThat(x.explanation()).contains("7 FailedEvict event(s)").contains("would violate the pod's disruption budget")
                .contains("db-pdb").contains("a restart through KubeVirt deletes the VMI without an eviction");
        // No refusal logged yet: still KubeVirt's to evict, with the budget that may refuse it named.
        assertThat(y.branch()).isEqualTo(Branch.KUBEVIRT_WILL_EVICT);
        assertThat(y.recommendedAction()).isEqualTo(RecommendedAction.WAIT);
        assertThat(y.explanation()).contains("cache-pdb");
    }

    private GenericKubernetesResource pdb(String ns, String name, Map<String, String> selector) {
        return new GenericKubernetesResourceBuilder().withApiVersion(cluster.policyApiVersion())
                .withKind("PodDisruptionBudget").withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("minAvailable", 1,
                        "selector", Map.of("matchLabels", selector)))).build();
    }

    @Test
    void t10AManualVmThatKubeVirtsEvictionWouldLeaveDownIsOfferedARestart() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("Evict")).build());
        vmAndVmi("t10", "x", "Manual", b -> b.evictionStrategy("LiveMigrateIfPossible")
                .notMigratable("DisksNotLiveMigratable", "RWO"));

        OutdatedVmi x = find(diagnose(), "x");

        assertThat(x.branch()).isEqualTo(Branch.KUBEVIRT_WILL_EVICT);
        assertThat(x.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(x.explanation()).contains("does not start it again: it stays down until someone starts it")
                .contains("A restart instead updates it and brings it back");
        assertThat(x.mitigation()).isEqualTo("virtctl restart -n t10 x");
    }

    @Test
    void t19AClusterDefaultChangedAfterTheVmiWasCreatedDoesNotApplyToIt() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("Evict")).evictionStrategy("LiveMigrate").build());
        vmAndVmi("t19", "x", "Always", b -> b.evictionStrategy("None").notMigratable("HostDeviceNotLiveMigratable", "GPU"));

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(find(d, "x").branch()).isEqualTo(Branch.KUBEVIRT_WILL_EVICT);
        assertThat(find(d, "x").recommendedAction()).isEqualTo(RecommendedAction.WAIT);
        assertThat(find(d, "x").explanation()).contains("eviction strategy None (its own) the eviction shuts it down");
        assertThat(d.findings()).anyMatch(f -> f.contains("so a change applies only to VMIs created afterwards"));
    }

    // --- 7. Live migration is not always harmless ----------------------------------------------------

    @Test
    void t11PostCopyMakesALiveMigrationObeyTheWindowsByTheClusterOrAMigrationPolicy() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).allowPostCopy(true).build());
        cluster.create(vmi("t11", "x").migratable().evictionStrategy("None").build());
        OutdatedWorkloadsDiagnosis d = diagnose();
        OutdatedVmi x = find(d, "x");
        // A window two days away is closed now.
        String closed = Instant.now().atZone(ZoneOffset.UTC).plusDays(2).getDayOfWeek().getDisplayName(
                java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH) + " 00:00-06:00";

        assertThat(x.migrationMayDisrupt()).isEqualTo("the KubeVirt CR allows post-copy and workload disruption"
                + " (spec.configuration.migrations)");
        assertThat(x.explanation()).doesNotContain("without downtime").contains("may interrupt the guest");
        PlannedAction migrate = byKey(plan(Policies.mode("auto").windows(closed), d)).get("LIVE_MIGRATE t11/x");
        assertThat(migrate.decision()).isEqualTo(Decision.OUTSIDE_WINDOW);
        assertThat(migrate.why()).contains("this migration may interrupt the guest");
    }

    @Test
    void t11bAMigrationPolicySelectingTheNamespaceAllowsPostCopyOnlyThere() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).build());
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("t11-a")
                .withLabels(Map.of("team", "a")).endMetadata().build()).createOr(op -> op.update());
        cluster.create(new GenericKubernetesResourceBuilder().withApiVersion("migrations.kubevirt.io/v1alpha1")
                .withKind("MigrationPolicy").withNewMetadata().withName("team-a-post-copy").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("allowPostCopy", true,
                        "selectors", Map.of("namespaceSelector", Map.of("team", "a"))))).build());
        cluster.create(vmi("t11-a", "x").migratable().evictionStrategy("None").build());
        cluster.create(vmi("t11-b", "y").migratable().evictionStrategy("None").build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(find(d, "x").migrationMayDisrupt()).isEqualTo("MigrationPolicy team-a-post-copy allows post-copy and"
                + " workload disruption");
        assertThat(find(d, "y").migrationMayDisrupt()).isNull();
        assertThat(find(d, "y").explanation()).contains("A live migration updates it without downtime.");
    }

    // --- 8. Owners other than a VM -------------------------------------------------------------------

    @Test
    void t12AReplicaSetsVmiIsRestartedByDeletingItAfterADryRun() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).build());
        GenericKubernetesResource created = cluster.create(vmi("t12", "rs-abcde").ownedByReplicaSet("rs")
                .notMigratable("DisksNotLiveMigratable", "RWO").build());

        OutdatedWorkloadsDiagnosis d = diagnose();
        OutdatedVmi v = find(d, "rs-abcde");

        assertThat(v.owner()).isEqualTo("VirtualMachineInstanceReplicaSet");
        assertThat(v.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(v.explanation()).contains("replaces a deleted VMI with a fresh one").doesNotContain("nothing recreates it");
        PlannedAction restart = byKey(plan(auto(), d)).get("RESTART t12/rs-abcde");
        assertThat(restart.decision()).isEqualTo(Decision.RUN);
        assertThat(restart.object()).hasToString("VirtualMachineInstance t12/rs-abcde");

        AuditLog audit = cluster.audit();
        long mark = audit.mark();
        Remediation remediation = remediation(auto(), cluster.client());
        PassResult proven = remediation.prove(1, d, null, Set.of(), Map.of(), "g@1", null);
        assertThat(byKey(proven.actions()).get("RESTART t12/rs-abcde").dryRun().accepted()).isTrue();
        remediation.execute(proven, d, "r", () -> true);

        // First the dry run, then exactly one delete of exactly that VMI.
        assertThat(audit.writesSince(mark)).filteredOn(w -> "virtualmachineinstances".equals(w.resource()))
                .extracting(w -> w.verb() + (w.dryRun() ? " (dry run)" : ""))
                .containsExactly("delete (dry run)", "delete");
        assertThat(cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("t12")
                .withName("rs-abcde").get()).satisfiesAnyOf(n -> assertThat(n).isNull(),
                n -> assertThat(n.getMetadata().getUid()).isNotEqualTo(created.getMetadata().getUid()));
    }

    @Test
    void t13StoppingAVmiWithNoOwnerSaysTheObjectIsGoneForGood() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).build());
        cluster.create(vmi("t13", "x").notMigratable("DisksNotLiveMigratable", "RWO").build());

        OutdatedWorkloadsDiagnosis d = diagnose();
        OutdatedVmi x = find(d, "x");

        assertThat(x.owner()).isNull();
        assertThat(x.recommendedAction()).isEqualTo(RecommendedAction.STOP);
        assertThat(x.explanation()).contains("stopping it deletes the VMI object, its only definition, so it cannot be"
                + " started again").doesNotContain("until someone starts it again");
        assertThat(byKey(plan(auto().stop("approve"), d)).get("STOP t13/x").decision())
                .isEqualTo(Decision.AWAITING_APPROVAL);
    }

    // --- 9. A restart changes more than the launcher ------------------------------------------------

    @Test
    void t14APausedGuestIsNotResumedByARestartWithoutAPersonAndPendingChangesAreListed() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).build());
        vmAndVmi("t14", "x", "Always", b -> b.paused().notMigratable("DisksNotLiveMigratable", "RWO"));
        cluster.create(vmRestartRequired("t14", "y", "Always"));
        cluster.create(vmi("t14", "y").ownedBy("y").notMigratable("DisksNotLiveMigratable", "RWO").build());

        OutdatedWorkloadsDiagnosis d = diagnose();
        OutdatedVmi x = find(d, "x");
        OutdatedVmi y = find(d, "y");

        assertThat(x.paused()).isTrue();
        assertThat(x.recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(x.explanation()).contains("Its guest is paused").contains("the guest someone paused resumes");
        assertThat(y.vmRestartRequired()).isTrue();
        assertThat(y.explanation()).contains("the restart also applies the VM's pending spec changes");
        Map<String, PlannedAction> plan = byKey(plan(auto(), d));
        assertThat(plan.get("RESTART t14/x").decision()).isEqualTo(Decision.AWAITING_APPROVAL);
        assertThat(plan.get("RESTART t14/x").why()).contains("its guest is paused: a restart resumes it");
        assertThat(plan.get("RESTART t14/y").decision()).isEqualTo(Decision.RUN);
    }

    // --- 10. Not yet Running, or not yet reported ----------------------------------------------------

    @Test
    void t15AVmiThatIsNotRunningYetOrHasNoLiveMigratableConditionWaits() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).build());
        vmAndVmi("t15", "booting", "Always", b -> b.phase("Scheduled"));
        vmAndVmi("t15", "unreported", "Always", b -> b);

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.outdatedVmis()).extracting(OutdatedVmi::name, OutdatedVmi::branch, OutdatedVmi::recommendedAction)
                .containsExactly(tuple("booting", Branch.STARTING, RecommendedAction.WAIT),
                        tuple("unreported", Branch.STARTING, RecommendedAction.WAIT));
        assertThat(find(d, "booting").explanation()).contains("not Running yet (phase Scheduled)");
        assertThat(find(d, "unreported").explanation()).contains("no LiveMigratable condition");
        assertThat(plan(auto(), d)).isEmpty();
    }

    // --- 11. Smaller -------------------------------------------------------------------------------------

    @Test
    void t17AWaitAsReceiverVmIsNeverStopped() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).build());
        vmAndVmi("t17", "x", "WaitAsReceiver", b -> b.notMigratable("DisksNotLiveMigratable", "RWO"));

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(find(d, "x").recommendedAction()).isEqualTo(RecommendedAction.NONE);
        assertThat(find(d, "x").explanation()).contains("KubeVirt's restart and stop do nothing for it");
        assertThat(plan(auto(), d)).filteredOn(p -> "x".equals(p.vmi())).isEmpty();
    }

    @Test
    void t18SeveralKubeVirtCrsAreReportedAsReconciledByNobody() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).build());
        cluster.create(kubeVirt("other").name("kv2").noStatus().build());

        OutdatedWorkloadsDiagnosis d = diagnose();

        assertThat(d.cluster().kubeVirtCount()).isEqualTo(2);
        assertThat(d.findings()).anyMatch(f -> f.startsWith("2 KubeVirt CRs exist (kubevirt/kubevirt, other/kv2):"
                + " virt-operator reconciles none of them"));
    }

    @Test
    void t20AZeroBatchIntervalMakesNoBackToBackPasses() {
        cluster.create(kubeVirt("kubevirt").methods(List.of()).batch(10, "0s").build());
        vmAndVmi("t20", "x", "Always", b -> b.notMigratable("DisksNotLiveMigratable", "RWO"));
        String closed = Instant.now().atZone(ZoneOffset.UTC).plusDays(2).getDayOfWeek().getDisplayName(
                java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH) + " 00:00-06:00";
        OutdatedWorkloadsDiagnosis d = diagnose();

        PassResult pass = remediation(auto().windows(closed), cluster.client())
                .prove(1, d, null, Set.of(), Map.of(), "g@1", null);

        assertThat(byKey(pass.actions()).get("RESTART t20/x").decision()).isEqualTo(Decision.OUTSIDE_WINDOW);
        assertThat(Duration.between(pass.at(), pass.nextPassAt())).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void t21TheServicesRestartsAndKubeVirtsEvictionsShareOneBatch() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("Evict")).batch(4, "1m").build());
        for (int i = 0; i < 3; i++) {
            // KubeVirt shuts these down by eviction, 4 per minute at most.
            vmAndVmi("t21", "evicted-" + i, "Always", b -> b.evictionStrategy("None")
                    .notMigratable("HostDeviceNotLiveMigratable", "GPU"));
            // KubeVirt's webhook refuses to evict these (LiveMigrate, not migratable): the service restarts them.
            vmAndVmi("t21", "refused-" + i, "Always", b -> b.evictionStrategy("LiveMigrate")
                    .notMigratable("HostDeviceNotLiveMigratable", "GPU"));
        }

        List<PlannedAction> restarts = plan(auto(), diagnose()).stream().filter(p -> p.action() == Action.RESTART).toList();

        assertThat(restarts).extracting(PlannedAction::decision).containsExactlyInAnyOrder(Decision.RUN,
                Decision.BATCH_LIMIT, Decision.BATCH_LIMIT);
        assertThat(restarts).filteredOn(p -> p.decision() == Decision.BATCH_LIMIT).first().extracting(PlannedAction::why)
                .asString().contains("KubeVirt's own updater shuts down 3 VMI(s) by eviction in the same interval");
    }

    // --- Regressions ---------------------------------------------------------------------------------

    @Test
    void r1AndR2KubeVirtsMigrationIsLeftAloneAndAnEvictionItRefusesIsARestartThroughItsApi() {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate", "Evict")).build());
        vmAndVmi("r1", "x", "Always", b -> b.migratable().evictionStrategy("LiveMigrate"));
        vmAndVmi("r2", "y", "RerunOnFailure", b -> b.evictionStrategy("LiveMigrate")
                .notMigratable("HostDeviceNotLiveMigratable", "GPU"));

        OutdatedWorkloadsDiagnosis d = diagnose();
        Map<String, PlannedAction> plan = byKey(plan(auto(), d));

        assertThat(find(d, "x").branch()).isEqualTo(Branch.KUBEVIRT_WILL_MIGRATE);
        assertThat(plan).doesNotContainKey("LIVE_MIGRATE r1/x");
        assertThat(find(d, "y").recommendedAction()).isEqualTo(RecommendedAction.RESTART);
        assertThat(plan.get("RESTART r2/y").object()).hasToString("VirtualMachine r2/y");
    }
}

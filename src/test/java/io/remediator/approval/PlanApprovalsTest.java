package io.remediator.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.remediator.remediation.Action;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.Target;
import io.remediator.approval.ApprovalOutcome;
import io.remediator.report.ReportStatus;
import io.remediator.report.ReportStore;
import io.remediator.report.ReportStoreTestAccess;
import io.remediator.report.StoredEpisodes;
import io.remediator.report.StoredReport;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Approvals against reports stored in a real API server. */
@ExtendWith(RealCluster.class)
class PlanApprovalsTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void aReportANewerEpisodeOfItsGroupReplacedIsNotApprovedEvenBeforeTheLeaderClosesIt(TestCluster cluster) {
        // redteam-2 D16: approving in the second between the newer episode's delivery and the leader's close.
        String ns = "approvals-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.namespace(ns);
        ReportStore store = new ReportStore(cluster.client(), ns, 1_000_000);
        try (StoredEpisodes episodes = new StoredEpisodes(cluster.client(), ns).start()) {
            StoredReport old = store.recordDelivery(ReportStoreTestAccess.delivery("{}:{g}", "2026-11-26T10:00:00Z",
                    "firing", T0));
            PlannedAction awaiting = new PlannedAction("RESTART ns/vmi-1", Action.RESTART, "ns", "vmi-1", "vm-1", "uid-1",
                    Target.parse("VirtualMachine ns/vm-1"), 1, Decision.AWAITING_APPROVAL, "runs once approved",
                    "policy.actions.restart=approve", new PlannedAction.DryRun(true, null, null), null, T0, null, null);
            ReportStatus status = ReportStoreTestAccess.status(List.of(), List.of(awaiting));
            store.writeStatus(old, status);
            PlanApprovals approvals = new PlanApprovals(store, Clock.systemUTC(), episodes::newerFiringEpisode);
            int pass = status.remediation().pass();
            StoredReport newer = store.recordDelivery(ReportStoreTestAccess.delivery("{}:{g}", "2026-11-27T10:00:00Z",
                    "firing", T0.plus(Duration.ofDays(1))));
            await().atMost(Duration.ofSeconds(10)).until(() -> episodes.get(newer.name()).isPresent());

            ApprovalOutcome outcome = approvals.approve(old.name(), pass, List.of("RESTART ns/vmi-1"), "alice");

            assertThat(outcome).isInstanceOf(ApprovalOutcome.NotOpen.class);
            assertThat(((ApprovalOutcome.NotOpen) outcome).why()).contains("a newer episode of its alert group (report "
                    + newer.name() + ") replaced it");
            assertThat(store.get(old.name()).orElseThrow().spec().approvedActions()).isEmpty();
            // Its group's newer episode is not replaced by anything: its own approvals are taken.
            assertThat(episodes.newerFiringEpisode(newer.spec())).isEmpty();
        }
    }

    /**
     * Issue 28: one read and one write per approval, and the plan checked on the very version the
     * write is based on: a pass the leader writes between the approval's read and its write makes the
     * write conflict, and the approval, read and checked again, is refused as stale, not recorded.
     */
    @Test
    void anApprovalIsOneReadAndOneWriteAndAPassWrittenInBetweenIsCheckedAgainNotApprovedBlindly(TestCluster cluster) {
        String ns = "approvals-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.namespace(ns);
        ReportStore store = new ReportStore(cluster.client(), ns, 1_000_000);
        java.util.concurrent.atomic.AtomicInteger gets = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger puts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Runnable> beforeFirstPut = new java.util.concurrent.atomic.AtomicReference<>();
        try (var counting = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(cluster.kubeconfigYaml()))
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", new io.fabric8.kubernetes.client.http.Interceptor() {
                    @Override
                    public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder,
                                       io.fabric8.kubernetes.client.http.HttpRequest request,
                                       io.fabric8.kubernetes.client.http.Interceptor.RequestTags tags) {
                        if (!request.uri().getPath().contains("/remediationreports/")) {
                            return;
                        }
                        if ("GET".equals(request.method())) {
                            gets.incrementAndGet();
                        } else if ("PUT".equals(request.method())) {
                            puts.incrementAndGet();
                            Runnable r = beforeFirstPut.getAndSet(null);
                            if (r != null) {
                                r.run();
                            }
                        }
                    }
                })).build()) {
            PlanApprovals approvals = new PlanApprovals(new ReportStore(counting, ns, 1_000_000), Clock.systemUTC());
            PlannedAction one = awaiting("RESTART ns/vmi-1", "vmi-1");
            StoredReport a = store.recordDelivery(ReportStoreTestAccess.delivery("{}:{a}", "2026-11-26T10:00:00Z",
                    "firing", T0));
            ReportStatus status = ReportStoreTestAccess.status(List.of(), List.of(one));
            store.writeStatus(a, status);

            ApprovalOutcome approved = approvals.approve(a.name(), new PlanRef.Awaited(status.remediation().awaitedDigest()),
                    new Selection.Named(List.of("RESTART ns/vmi-1")), "alice", "api", null);
            assertThat(approved).isEqualTo(new ApprovalOutcome.Approved(List.of("RESTART ns/vmi-1")));
            assertThat(gets.get()).as("reads").isEqualTo(1);
            assertThat(puts.get()).as("writes").isEqualTo(1);
            assertThat(store.get(a.name()).orElseThrow().spec().approvals()).singleElement()
                    .satisfies(g -> assertThat(g.by()).isEqualTo("alice"));

            StoredReport b = store.recordDelivery(ReportStoreTestAccess.delivery("{}:{b}", "2026-11-26T10:00:00Z",
                    "firing", T0));
            ReportStatus first = ReportStoreTestAccess.status(List.of(), List.of(one));
            StoredReport written = store.writeStatus(b, first);
            // The leader's next pass lands between the approval's read and its write: another VMI awaits now.
            beforeFirstPut.set(() -> store.writeStatus(store.get(written.name()).orElseThrow(),
                    ReportStoreTestAccess.status(List.of(), List.of(awaiting("RESTART ns/vmi-2", "vmi-2")))));
            gets.set(0);
            puts.set(0);
            ApprovalOutcome outcome = approvals.approve(b.name(), new PlanRef.Awaited(first.remediation().awaitedDigest()),
                    new Selection.Named(List.of("RESTART ns/vmi-1")), "bob", "api", null);
            assertThat(outcome).isInstanceOfSatisfying(ApprovalOutcome.Stale.class,
                    st -> assertThat(st.awaiting()).containsExactly("RESTART ns/vmi-2"));
            // The write conflicted (409) and nothing was written; the second read is the check again.
            assertThat(puts.get()).isEqualTo(1);
            assertThat(gets.get()).isEqualTo(2);
            assertThat(store.get(b.name()).orElseThrow().spec().approvedActions()).isEmpty();
        }
    }

    private static PlannedAction awaiting(String key, String vmi) {
        return new PlannedAction(key, Action.RESTART, "ns", vmi, "vm-" + vmi, "uid-" + vmi,
                Target.parse("VirtualMachine ns/vm-" + vmi), 1, Decision.AWAITING_APPROVAL, "runs once approved",
                "policy.actions.restart=approve", new PlannedAction.DryRun(true, null, null), null, T0, null, null);
    }
}

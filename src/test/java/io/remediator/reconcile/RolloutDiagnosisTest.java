package io.remediator.reconcile;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.remediator.kubevirt.KubeVirtInformers;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.report.ReportStatus;
import io.remediator.report.StoredReport;
import io.remediator.rollout.RolloutRecords;
import io.remediator.rollout.RolloutStatus;
import io.remediator.runbook.Findings;
import io.remediator.runbook.NamespaceScope;
import io.remediator.runbook.OutdatedVmiWorkloadsRunbook;
import io.remediator.runbook.Runbook;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 24's burn-down (≤ 2 s p99 behind KubeVirt at 10,000 VMIs): a full look's diagnosis runs
 * off the thread of the looks, so a VMI that leaves meanwhile is counted at once, and the
 * diagnosis, which saw it still outdated, does not count it back. On the real API server with
 * KubeVirt's CRDs; the diagnosis is held (a latch) to play a slow one.
 */
@ExtendWith(RealCluster.class)
class RolloutDiagnosisTest {
    private static final String REPORTS = "rollout-diagnosis";

    private TestCluster cluster;
    private KubeVirtInformers informers;
    private final ExecutorService diagnosing = Executors.newSingleThreadExecutor();

    @BeforeEach
    void cluster(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
        cluster.namespace(REPORTS);
        new RolloutRecords(cluster.client(), REPORTS).all()
                .forEach(r -> cluster.client().genericKubernetesResources(io.remediator.report.ReportStore.KIND)
                        .inNamespace(REPORTS).withName(r.id()).delete());
    }

    @AfterEach
    void close() {
        diagnosing.shutdownNow();
        if (informers != null) {
            informers.close();
        }
    }

    private static final StatusWrites LEADING = new StatusWrites() {
        @Override
        public boolean mayWrite() {
            return true;
        }

        @Override
        public StoredReport write(StoredReport current, ReportStatus status) {
            throw new AssertionError("the rollout watch writes no report here");
        }
    };

    private RolloutStatus stored() {
        List<RolloutRecords.Record> all = new RolloutRecords(cluster.client(), REPORTS).all();
        assertThat(all).hasSize(1);
        return all.get(0).status();
    }

    private void updated(String name) {
        cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace("team").withName(name).edit(v -> {
            v.getMetadata().getLabels().remove(KubeVirtResources.OUTDATED_LABEL);
            return v;
        });
    }

    @Test
    void aVmiLeavingWhileTheDiagnosisRunsIsCountedAtOnceAndNotCountedBackWhenTheDiagnosisEnds() throws Exception {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate"))
                .deployed("v1.9.0", Instant.now().minus(Duration.ofMinutes(2))).build());
        for (String name : List.of("a", "b", "c", "d")) {
            cluster.create(vmi("team", name).migratable().build());
        }
        informers = new KubeVirtInformers(cluster.client(), 0, null, Duration.ofSeconds(30));
        OutdatedVmiWorkloadsRunbook runbook = new OutdatedVmiWorkloadsRunbook(informers, NamespaceScope.ALL, 3);
        AtomicBoolean hold = new AtomicBoolean();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Runbook slow = new Runbook() {
            @Override
            public String alertname() {
                return runbook.alertname();
            }

            @Override
            public Findings diagnose(List<Map<String, String>> firingAlerts) {
                Findings d = runbook.diagnose(firingAlerts);
                if (hold.get()) {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return d;
            }
        };
        Semaphore diagnosed = new Semaphore(0);
        RolloutWatch watch = new RolloutWatch(new RolloutRecords(cluster.client(), REPORTS),
                new InformerCluster(informers, java.util.Set::of),
                new RunbookDiagnosis(Map.of(runbook.alertname(), slow), new RemediatorMetrics()), Clock.systemUTC(),
                RolloutWatch.Settings.DEFAULT, diagnosing).whenDiagnosed(diagnosed::release);

        // The first look needs a diagnosis: it starts it and returns; the loop looks again when it is done.
        assertThat(watch.look(LEADING)).isEqualTo(RolloutWatch.Look.DIAGNOSING);
        assertThat(diagnosed.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        assertThat(watch.look(LEADING)).isEqualTo(RolloutWatch.Look.OPEN);
        assertThat(stored().outdated()).isEqualTo(4);
        assertThat(stored().groups()).containsEntry("kubevirt_will_update", 4);

        // The next full look's diagnosis sees four outdated VMIs, then takes its time.
        hold.set(true);
        assertThat(watch.look(LEADING)).isEqualTo(RolloutWatch.Look.DIAGNOSING);
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        updated("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> informers.outdatedVmiKeys().size() == 3);

        // Meanwhile the look that only counts shows it, with the diagnosis still under way.
        assertThat(watch.lookAtCounts(LEADING)).isEqualTo(RolloutWatch.Look.OPEN);
        assertThat(stored().outdated()).isEqualTo(3);
        assertThat(release.getCount()).isEqualTo(1);

        // The diagnosis ends; the look that applies it counts what is outdated now, not its four.
        release.countDown();
        assertThat(diagnosed.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
        assertThat(watch.look(LEADING)).isEqualTo(RolloutWatch.Look.OPEN);
        assertThat(stored().outdated()).isEqualTo(3);
        assertThat(stored().groups()).containsEntry("kubevirt_will_update", 3);
    }
}

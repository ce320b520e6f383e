package io.remediator.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.remediator.remediation.Decision;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.PassResult;
import io.remediator.runbook.Branch;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.RecommendedAction;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import io.remediator.webhook.AlertmanagerPayload;
import io.remediator.report.ReportSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RemediationReports in a real API server: what is stored reads back the same, and size never fails a write. */
@ExtendWith(RealCluster.class)
public class ReportStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private ReportStore store;
    private TestCluster cluster;

    @BeforeEach
    void store(TestCluster cluster) {
        this.cluster = cluster;
        String ns = RunningService.freshNamespace();
        cluster.namespace(ns);
        store = new ReportStore(cluster.client(), ns, 1_000_000);
    }

    static ReportSpec delivery(String groupKey, String startsAt, String status, Instant at) {
        return ReportSpec.delivered(at, "OutdatedVirtualMachineInstanceWorkloads", List.of(new io.remediator.report.Alert(
                status, Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads"), Map.of("summary", "s"),
                Instant.parse(startsAt), null, null, "fp")), groupKey, "kubevirt-remediator", "http://am", 0);
    }

    static OutdatedVmi vmi(int i, RecommendedAction action) {
        return new OutdatedVmi("ns-" + (i % 7), "vmi-" + i, "uid-" + i, "node-" + (i % 5), "Running", action != RecommendedAction.STOP,
                null, null, "LiveMigrate", "LiveMigrate", "vm-" + i, "Always", true, true, false,
                List.of(new OutdatedVmi.LauncherPodRef("virt-launcher-vmi-" + i + "-abcde", "node-1", "Running", false)),
                OutdatedVmi.MigrationHistory.NONE, T0, Branch.MIGRATABLE_NOT_AUTOMATED, action,
                "This VMI can live-migrate and nothing will migrate it: create a migration for it to move it into an"
                        + " updated virt-launcher pod.", "kubectl create -f - <<EOF ... EOF");
    }

    static ReportStatus status(List<OutdatedVmi> vmis, List<PlannedAction> actions) {
        PassResult r = new PassResult("auto", 2, T0, Map.of(Decision.RUN, actions.size()), actions,
                T0.plusSeconds(60), List.of("a note"), null);
        return new ReportStatus(ReportPhase.Waiting, 2, 1, 0, 1, "replica-a", T0, 12L, true, null,
                new io.remediator.runbook.OutdatedWorkloadsDiagnosis(null, Map.of(RecommendedAction.LIVE_MIGRATE, vmis.size()),
                        List.of("finding"), vmis, 3), vmis.size(), 0, r, 0, r.nextPassAt(), null, null);
    }

    public static PlannedAction action(int i, boolean executed) {
        return new PlannedAction("LIVE_MIGRATE ns/vmi-" + i, io.remediator.remediation.Action.LIVE_MIGRATE, "ns",
                "vmi-" + i, "vm-" + i, "uid-" + i, io.remediator.remediation.Target.parse("VirtualMachineInstanceMigration ns/kvr-vmi-" + i), 1, Decision.RUN, "why",
                "policy.actions.liveMigrate=auto", new PlannedAction.DryRun(true, null, null),
                executed ? new PlannedAction.Result(PlannedAction.Outcome.DONE, null) : null, T0, executed ? T0 : null, null);
    }

    static List<io.remediator.report.Alert> podAlerts(int count) {
        return IntStream.range(0, count).mapToObj(i -> new io.remediator.report.Alert("firing",
                Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads", "namespace", "kubevirt",
                        "severity", "warning", "pod", "virt-controller-" + i, "instance", "10.0.0." + i + ":8443"),
                Map.of("summary", "Some running VMIs are still active in outdated pods", "runbook_url", "https://r"),
                Instant.parse("2026-11-23T10:00:00Z"), null, "http://prometheus/graph", "fp-" + i)).toList();
    }

    @Test
    void whatAllAlertsShareIsStoredOnceAndEveryAlertReadsBackWhole() {
        List<io.remediator.report.Alert> alerts = podAlerts(100);
        ReportSpec delivery = ReportSpec.delivered(T0, "OutdatedVirtualMachineInstanceWorkloads", alerts, "{}:{}",
                "kubevirt-remediator", "http://am", 0);

        StoredReport created = store.recordDelivery(delivery);

        // As kubectl shows it: the shared pairs once, each alert with only its own.
        Map<String, Object> spec = cluster.client().genericKubernetesResources(ReportStore.KIND)
                .inNamespace(store.namespace()).withName(created.name()).get().get("spec");
        assertThat(spec.get("common")).isEqualTo(Map.of(
                "status", "firing",
                "labels", Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads", "namespace", "kubevirt",
                        "severity", "warning"),
                "annotations", Map.of("summary", "Some running VMIs are still active in outdated pods", "runbook_url",
                        "https://r"),
                "startsAt", "2026-11-23T10:00:00Z",
                "generatorURL", "http://prometheus/graph"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stored = (List<Map<String, Object>>) spec.get("alerts");
        assertThat(stored).hasSize(100);
        assertThat(stored.get(7)).isEqualTo(Map.of(
                "labels", Map.of("pod", "virt-controller-7", "instance", "10.0.0.7:8443"), "fingerprint", "fp-7"));
        // Read back (by every reader: the store, the watch) the alerts are what was delivered, so a
        // repeat of the same delivery is recognised as one.
        ReportSpec read = store.get(created.name()).orElseThrow().spec();
        assertThat(read.alerts()).isEqualTo(alerts);
        assertThat(read.sameAlertsAs(delivery)).isTrue();
        int whole;
        try {
            whole = json.writeValueAsBytes(alerts).length;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        assertThat(store.specBytes(delivery)).isLessThan(whole / 4);

        // One alert without annotations: all its labels are "common", and it still reads back equal.
        ReportSpec single = ReportSpec.delivered(T0, "OutdatedVirtualMachineInstanceWorkloads", List.of(
                new io.remediator.report.Alert("firing", Map.of("alertname", "OutdatedVirtualMachineInstanceWorkloads"),
                        Map.of(), T0, null, null, "fp")), "{}:{single}", "kubevirt-remediator", "http://am", 0);
        StoredReport one = store.recordDelivery(single);
        assertThat(store.get(one.name()).orElseThrow().spec().sameAlertsAs(single)).isTrue();
    }

    @Test
    void aReportStoredWithWholeAlertsBeforeCommonReadsTheSame() {
        List<io.remediator.report.Alert> alerts = podAlerts(3);
        StoredReport created = store.recordDelivery(ReportSpec.delivered(T0, "OutdatedVirtualMachineInstanceWorkloads",
                alerts, "{}:{}", "kubevirt-remediator", "http://am", 0));
        // Rewrite it as an earlier version stored it: whole alerts, nothing in common.
        GenericKubernetesResource raw = cluster.client().genericKubernetesResources(ReportStore.KIND)
                .inNamespace(store.namespace()).withName(created.name()).get();
        Map<String, Object> spec = raw.get("spec");
        spec.remove("common");
        spec.put("alerts", json.convertValue(alerts, List.class));
        cluster.client().resource(raw).update();

        assertThat(store.get(created.name()).orElseThrow().spec().alerts()).isEqualTo(alerts);
    }

    @Test
    void aStatusReadsBackAsWrittenAndRepeatsCountDeliveries() {
        StoredReport created = store.recordDelivery(delivery("{}:{}", "2026-11-23T10:00:00Z", "firing", T0));
        assertThat(created.phase()).isEqualTo(ReportPhase.Received);
        ReportStatus status = status(List.of(vmi(1, RecommendedAction.LIVE_MIGRATE)), List.of(action(1, true)));
        store.writeStatus(created, status);

        StoredReport repeated = store.recordDelivery(delivery("{}:{}", "2026-11-23T10:00:00Z", "firing", T0.plusSeconds(3600)));
        assertThat(repeated.name()).isEqualTo(created.name());
        assertThat(repeated.spec().deliveries()).isEqualTo(2);
        assertThat(repeated.spec().receivedAt()).isEqualTo(T0);
        assertThat(repeated.spec().lastDeliveryAt()).isEqualTo(T0.plusSeconds(3600));
        assertThat(repeated.status()).isEqualTo(status);

        StoredReport next = store.recordDelivery(delivery("{}:{}", "2026-11-24T10:00:00Z", "firing", T0));
        assertThat(next.name()).isNotEqualTo(created.name());
        assertThat(store.summaries()).extracting(ReportSummary::deliveries).containsExactlyInAnyOrder(2, 1);
    }

    @Test
    void aStatusWriteBasedOnAnOlderStatusNeverOverwritesANewerOneButADeliveryInBetweenIsWrittenAround() {
        StoredReport created = store.recordDelivery(delivery("{}:{}", "2026-11-23T10:00:00Z", "firing", T0));
        StoredReport passOne = store.writeStatus(created, status(List.of(), List.of()));
        StoredReport passTwo = store.writeStatus(passOne, status(List.of(), List.of()).withPhase(ReportPhase.Done));

        // Written from what the first pass saw (e.g. a stale cache): refused, the newer status stays.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.writeStatus(passOne,
                        status(List.of(), List.of()).withPhase(ReportPhase.Failed)))
                .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .satisfies(e -> assertThat(((io.fabric8.kubernetes.client.KubernetesClientException) e).getCode()).isEqualTo(409));
        assertThat(store.get(created.name()).orElseThrow().phase()).isEqualTo(ReportPhase.Done);

        // A delivery counted in between changes only the spec: the status is written on the newer object.
        store.recordDelivery(delivery("{}:{}", "2026-11-23T10:00:00Z", "firing", T0.plusSeconds(60)));
        StoredReport passThree = store.writeStatus(passTwo, status(List.of(), List.of()).withPhase(ReportPhase.Waiting));
        assertThat(passThree.phase()).isEqualTo(ReportPhase.Waiting);
        assertThat(passThree.spec().deliveries()).isEqualTo(2);
    }

    @Test
    void aStatusLargerThanOneObjectKeepsItsSummaryAndTheMostDisruptiveVmis() {
        StoredReport created = store.recordDelivery(delivery("{}:{}", "2026-11-23T10:00:00Z", "firing", T0));
        List<OutdatedVmi> vmis = new ArrayList<>();
        IntStream.range(0, 9_000).forEach(i -> vmis.add(vmi(i, RecommendedAction.LIVE_MIGRATE)));
        IntStream.range(9_000, 10_000).forEach(i -> vmis.add(vmi(i, RecommendedAction.STOP)));
        List<PlannedAction> actions = new ArrayList<>();
        IntStream.range(0, 3_000).forEach(i -> actions.add(action(i, i < 20)));

        StoredReport stored = store.writeStatus(created, status(vmis, actions));

        Report r = store.find(stored.name()).orElseThrow();
        assertThat(r.outdatedVmiCount()).isEqualTo(10_000);
        assertThat(r.diagnosis().recommendedActionCounts()).containsEntry(RecommendedAction.LIVE_MIGRATE, 10_000);
        assertThat(r.diagnosis().vmis()).isNotEmpty().hasSizeLessThan(10_000);
        assertThat(r.diagnosis().vmis().size() + r.omittedVmis()).isEqualTo(10_000);
        assertThat(r.diagnosis().vmis()).extracting(io.remediator.runbook.VmiFinding::recommendedAction)
                .startsWith(RecommendedAction.STOP); // most disruptive kept first
        assertThat(r.remediation().actions()).filteredOn(a -> a.result() != null).hasSize(20);
        assertThat(r.remediation().actions().size() + r.omittedActions()).isEqualTo(3_000);
        assertThat(r.phase()).isEqualTo(ReportPhase.Waiting);
        // Stored nested, as the records that made it; served flat (Report).
        var raw = cluster.client().genericKubernetesResources(ReportStore.KIND).inNamespace(store.namespace())
                .withName(stored.name()).get();
        assertThat((Object) raw.get("status", "diagnosis", "findings")).isEqualTo(List.of("finding"));
        assertThat((Object) raw.get("status", "outdatedVmis")).isNull();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().registerModule(new JavaTimeModule()).valueToTree(r)
                .get("outdatedVmis").size()).isEqualTo(r.diagnosis().vmis().size());
        // Cut by what was too much, not by half: the object uses most of its limit.
        int bytes = cluster.client().getKubernetesSerialization().asJson(cluster.client()
                .genericKubernetesResources(ReportStore.KIND).inNamespace(store.namespace()).withName(stored.name()).get())
                .length();
        assertThat(bytes).isBetween(900_000, 1_010_000);
    }

    @Test
    void aStatusTheApiServerRefusesAsTooLargeIsStoredAsAMinimalStatusThatSaysSo() {
        // redteam-2 D4, second half: a refused status write left the report Received, saying nothing.
        // A store that believes objects may take 4 MB (above what the API server and etcd take)
        // stands in for a measure that missed what the API server counts.
        ReportStore believing = new ReportStore(cluster.client(), store.namespace(), 4_000_000);
        StoredReport r = believing.recordDelivery(delivery("{}:{big}", "2026-11-24T00:00:00Z", "firing", T0));
        List<OutdatedVmi> vmis = IntStream.range(0, 4_000).mapToObj(i -> vmi(i, RecommendedAction.LIVE_MIGRATE)).toList();
        StoredReport written = believing.writeStatus(r, status(vmis, List.of(action(1, true), action(2, false))));

        ReportStatus stored = store.get(r.name()).orElseThrow().status();
        assertThat(stored.phase()).isEqualTo(ReportPhase.Failed);
        assertThat(stored.error()).contains("refused this pass's status as too large").contains("counts and executed actions");
        assertThat(stored.outdatedVmiCount()).isEqualTo(4_000);
        assertThat(stored.remediation().actions()).extracting(PlannedAction::key).contains("LIVE_MIGRATE ns/vmi-1");
        assertThat(stored.handledDeliveries()).isEqualTo(1);
        assertThat(written.status()).isEqualTo(stored);
    }

    @Test
    void retentionDeletesOldAndSurplusFinishedReportsButNeverUnfinishedWorkOrTheNewest() {
        Instant now = T0.plus(Duration.ofDays(40));
        List<StoredReport> all = new ArrayList<>();
        // Newest first by last delivery: i days old.
        for (int i = 0; i < 6; i++) {
            ReportSpec w = delivery("g" + i, "2026-11-23T10:00:00Z", i == 4 ? "firing" : "resolved", now.minus(Duration.ofDays(i * 10L)));
            all.add(new StoredReport("1", w, i == 4 ? status(List.of(), List.of()) : null));
        }
        all.set(0, new StoredReport("1", all.get(0).spec(), status(List.of(), List.of()).withPhase(ReportPhase.Closed)));
        // 6: firing, old and beyond the count, but its plan waits for a person's approval (redteam-2 N6).
        all.add(new StoredReport("1", delivery("g6", "2026-11-23T10:00:00Z", "firing", now.minus(Duration.ofDays(60))),
                status(List.of(), List.of()).withPhase(ReportPhase.AwaitingApproval)));
        ReportRetention retention = new ReportRetention(store, 3, Duration.ofDays(25), Clock.fixed(now, ZoneOffset.UTC));
        // 0 (newest), 1, 2 kept by count and age; 3 is 30 days old; 4 is older but still firing with a pass due;
        // 5 is beyond the count and too old; 6 awaits approval.
        assertThat(retention.expired(all, now)).extracting(r -> r.spec().groupKey()).containsExactly("g3", "g5");
    }
}

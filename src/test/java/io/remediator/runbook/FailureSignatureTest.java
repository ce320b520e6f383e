package io.remediator.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.runbook.FailureSignature.FailureClass;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure: the golden table, one row per real failure text quoted in next-capabilities §0.3. */
class FailureSignatureTest {
    private record Row(String text, boolean abortRequested, String eventReason, FailureClass cls, String key) {}

    private static final List<Row> GOLDEN = List.of(
            // ≤ v1.8: KubeVirt's prefixes around libvirt's virError (harvester#5755).
            new Row("Live migration failed error encountered during MigrateToURI3 libvirt api call: virError(Code=9, Domain=31,"
                    + " Message='operation failed: guest CPU doesn't match specification: missing features: waitpkg')",
                    false, null, FailureClass.CPU_MISMATCH, "cpu:missing:waitpkg"),
            // v1.9: err.Error() without prefix (harvester#11615, 1.8.2 → 1.9.0).
            new Row("virError(Code=9, Domain=31, Message='operation failed: guest CPU doesn't match specification: extra features: ht')",
                    false, null, FailureClass.CPU_MISMATCH, "cpu:extra:ht"),
            new Row("virError(Code=9, Domain=31, Message='operation failed: guest CPU doesn''t match specification: missing features: pdcm')",
                    false, null, FailureClass.CPU_MISMATCH, "cpu:missing:pdcm"),
            // A longer list, sorted into one key whatever order libvirt lists them in (harvester#7965).
            new Row("Live migration failed error encountered during MigrateToURI3 libvirt api call: virError(Code=9, Domain=31,"
                    + " Message='operation failed: guest CPU doesn't match specification: missing features:"
                    + " vmx-exit-load-perf-global-ctrl,vmx-entry-load-perf-global-ctrl')",
                    false, null, FailureClass.CPU_MISMATCH, "cpu:missing:vmx-entry-load-perf-global-ctrl,vmx-exit-load-perf-global-ctrl"),
            // kubevirt/kubevirt#16386: device state after 1.6 → 1.7.
            new Row("qemu-kvm: error while loading state for instance 0x0 of device '0000:00:02.0:00.0/virtio-net'",
                    false, null, FailureClass.DEVICE_STATE, "device:virtio-net"),
            new Row("qemu-kvm: Failed to load virtio-net:virtio", false, null, FailureClass.DEVICE_STATE, "device:virtio-net"),
            new Row("qemu-kvm: Features 0x1c0010130afffaf unsupported. Allowed features: 0x10179bfffef", false, null,
                    FailureClass.DEVICE_STATE, "device:features"),
            // Convergence timeouts, ≤ v1.8 and v1.9.
            new Row("Live migration stuck for 150 seconds and has been aborted", false, null, FailureClass.TIMEOUT, "timeout"),
            new Row("Live migration is not completed after 2400 seconds and has been aborted", false, null,
                    FailureClass.TIMEOUT, "timeout"),
            new Row("Live migration has been aborted", false, null, FailureClass.TIMEOUT, "timeout"),
            // The same text with the abort requested is a cancel.
            new Row("Live migration has been aborted", true, null, FailureClass.CANCELED, "canceled"),
            new Row("Migration failed due to being canceled", false, null, FailureClass.CANCELED, "canceled"),
            // Target pod never scheduled (Events only).
            new Row("Migration target pod for VMI [team/db-7] is currently unschedulable.", false,
                    "migrationTargetPodUnschedulable", FailureClass.UNSCHEDULABLE, "unschedulable:target-pod"),
            new Row("0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod anti-affinity rules.",
                    false, "migrationTargetPodUnschedulable", FailureClass.UNSCHEDULABLE,
                    "unschedulable:node(s) didn't match pod anti-affinity rules;node(s) were unschedulable"),
            // The target pod's FailedScheduling Event, read without its reason: the scheduler's words say it.
            new Row("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.", false, null,
                    FailureClass.UNSCHEDULABLE, "unschedulable:node(s) didn't match Pod's node affinity/selector"),
            // Resource names keep their dots; Kubernetes ≥ 1.24's preemption sentence is no reason.
            new Row("0/3 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 2 Insufficient"
                    + " devices.kubevirt.io/kvm. preemption: 0/3 nodes are available: 3 No preemption victims found for"
                    + " incoming pod.", false, null, FailureClass.UNSCHEDULABLE,
                    "unschedulable:Insufficient devices.kubevirt.io/kvm;node(s) didn't match pod anti-affinity rules"),
            new Row("unschedulable pod team/virt-launcher-db-7-x2x9k timeout period exceeded", false, null,
                    FailureClass.UNSCHEDULABLE, "unschedulable:target-pod"),
            new Row("Migration cannot proceed since no node is suitable to run the required CPU model / required features: ht",
                    false, "NoSuitableNodesForHostModelMigration", FailureClass.UNSCHEDULABLE, "unschedulable:host-model"),
            // Controller-side failures.
            new Row("Migration failed because target pod shutdown during migration", false, null,
                    FailureClass.TARGET_POD_DOWN, "target-pod-down"),
            new Row("Migration target pod was removed during active migration.", false, null,
                    FailureClass.TARGET_POD_DOWN, "target-pod-down"),
            new Row("VirtualMachineInstance migration uid 3f1e2d4c-5b6a-4789-8abc-def012345678 failed. reason: Target pod is down",
                    false, null, FailureClass.TARGET_POD_DOWN, "target-pod-down"),
            new Row("Migration failed because vmi does not exist.", false, null, FailureClass.OTHER,
                    "other:Migration failed because vmi does not exist."),
            new Row("Migration failed vmi shutdown during migration.", false, null, FailureClass.OTHER,
                    "other:Migration failed vmi shutdown during migration."),
            new Row("source node reported migration failed", false, null, FailureClass.OTHER,
                    "other:source node reported migration failed"),
            new Row("Migration timeout waiting for utility volumes to be ready", false, null, FailureClass.OTHER,
                    "other:Migration timeout waiting for utility volumes to be ready"));

    @Test
    void everyRealTextHasItsClassAndKey() {
        for (Row row : GOLDEN) {
            FailureSignature s = FailureSignature.of(row.text(), row.abortRequested(), row.eventReason());
            assertThat(s.failureClass()).as(row.text()).isEqualTo(row.cls());
            assertThat(s.key()).as(row.text()).isEqualTo(row.key());
            assertThat(s.example()).isEqualTo(row.text());
        }
    }

    @Test
    void whatDiffersPerVmiIsTakenOutOfAnOtherKey() {
        String a = FailureSignature.of("virt-launcher-db-7-x2x9k on worker-3 failed with code 137 (uid "
                + "3f1e2d4c-5b6a-4789-8abc-def012345678) at 0x7ffe", false, null, "worker-3").key();
        String b = FailureSignature.of("virt-launcher-web-1-abcde on worker-9 failed with code 1 (uid "
                + "11111111-2222-4333-8444-555555555555) at 0x1", false, null, "worker-9").key();
        assertThat(a).isEqualTo(b).isEqualTo("other:<pod> on <node> failed with code # (uid <uid>) at 0x#");
        assertThat(FailureSignature.of("  a   b\n c ", false, null).key()).isEqualTo("other:a b c");
    }

    @Test
    void theSameDefectInBothKubeVirtFormsIsOneSignature() {
        String old = "Live migration failed error encountered during MigrateToURI3 libvirt api call: virError(Code=9,"
                + " Domain=31, Message='operation failed: guest CPU doesn't match specification: extra features: ht')";
        String v19 = "virError(Code=9, Domain=31, Message='operation failed: guest CPU doesn't match specification: extra features: ht')";
        assertThat(FailureSignature.of(old, false, null).key()).isEqualTo(FailureSignature.of(v19, false, null).key());
    }
}

package io.remediator.runbook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.remediator.kubevirt.LauncherPod;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * VMIs running in two launchers outside a migration (next-capabilities §2.5): kubevirt/kubevirt
 * #15373 and #16622 report guest corruption in this state after the updater's migrations, and
 * #18320 a stale source pod still Running after a Succeeded migration. Pure.
 *
 * <p>A VMI matches when at least two of its pods (by the `kubevirt.io/created-by` label, KubeVirt's
 * own grouping) are active as KubeVirt counts them (not terminating, Pending, Running or Unknown:
 * controller.go:361-383), no migration of it is unfinished, and it has been so for the grace:
 * since the newest of those pods was created and its last migration finished (objects' own
 * timestamps). A normal migration (#16622's snapshot: two Running pods, its migration Running)
 * and Completed or Error leftovers (#12773) never match.
 */
public final class DualLaunchers {
    private DualLaunchers() {}

    /** One pod of a VMI running twice. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Pod(String name, String node, String phase, Instant createdAt) {}

    /**
     * @param current       the pod KubeVirt takes as current: the newest on the VMI's node
     *                      (controller.go:323-359), the newest of all when the VMI's node is not known
     * @param lastMigration the VMI's newest finished migration (name and phase), or null
     * @param since         since when it has been so
     * @param activePodNodes the nodes of the pods KubeVirt itself lists in `status.activePods`, when the VMI is known
     * @param handoff       the VMI's last `migrationState`, "source → target (completed)", when it has one
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DualLauncher(String namespace, String vmi, String vmiUid, List<Pod> pods, String current,
                               String lastMigration, Instant since, List<String> activePodNodes, String handoff) {
        public DualLauncher {
            pods = pods == null ? List.of() : List.copyOf(pods);
            activePodNodes = activePodNodes == null ? List.of() : List.copyOf(activePodNodes);
        }

        /** The critical finding. */
        public String finding() {
            return "CRITICAL: " + namespace + "/" + vmi + " runs in " + pods.size() + " active launcher pods with no migration"
                    + " in flight (" + pods.stream().map(p -> p.name() + " on " + p.node() + " since " + p.createdAt())
                    .collect(Collectors.joining(", ")) + "; KubeVirt would take " + current + " as current"
                    + (lastMigration == null ? "" : "; last migration " + lastMigration)
                    + (handoff == null ? "" : "; its migrationState: " + handoff)
                    + (activePodNodes.isEmpty() ? "" : "; KubeVirt's status.activePods lists " + activePodNodes.size()
                            + " (on " + String.join(", ", activePodNodes) + ")") + "). KubeVirt issues #15373/#16622"
                    + " report guest corruption in this state. Do not migrate or restart automatically: nothing is"
                    + " planned for it. Check which domain is running, then remove the stale pod by hand.";
        }
    }

    public static List<DualLauncher> find(List<LauncherPod> pods, List<VirtualMachineInstanceMigration> migrations,
                                          Instant now, Duration grace) {
        return find(pods, migrations, Map.of(), now, grace);
    }

    /**
     * @param vmis the VMIs known by UID (not every VMI is cached): KubeVirt's current pod is the newest
     *             on its `status.nodeName`; a `migrationState` not completed is a hand-off under way
     *             (the migration object may already be gone), never a finding
     */
    public static List<DualLauncher> find(List<LauncherPod> pods, List<VirtualMachineInstanceMigration> migrations,
                                          Map<String, VirtualMachineInstance> vmis, Instant now, Duration grace) {
        Map<String, List<LauncherPod>> byVmi = pods.stream().filter(p -> p.vmiUid() != null && p.active())
                .collect(Collectors.groupingBy(LauncherPod::vmiUid));
        List<DualLauncher> out = new ArrayList<>();
        for (List<LauncherPod> active : byVmi.values()) {
            if (active.size() < 2) {
                continue;
            }
            LauncherPod any = active.get(0);
            String vmi = active.stream().map(LauncherPod::vmiName).filter(Objects::nonNull).findFirst().orElse(null);
            if (vmi == null) {
                continue; // without its name no migration can be matched: never a guess
            }
            List<VirtualMachineInstanceMigration> ofVmi = migrations.stream()
                    .filter(m -> any.namespace().equals(m.namespace()) && vmi.equals(m.vmiName())).toList();
            VirtualMachineInstance known = vmis.get(any.vmiUid());
            if (ofVmi.stream().anyMatch(VirtualMachineInstanceMigration::inFlight) || known != null && known.handingOff()) {
                continue;
            }
            List<LauncherPod> sorted = active.stream().sorted(Comparator.comparing(LauncherPod::createdAt,
                    Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(LauncherPod::name)).toList();
            LauncherPod newest = sorted.get(sorted.size() - 1);
            String node = known == null ? null : known.nodeName();
            LauncherPod current = node == null ? newest : sorted.stream().filter(p -> node.equals(p.nodeName()))
                    .reduce((a, b) -> b).orElse(newest);
            VirtualMachineInstanceMigration last = ofVmi.stream().filter(m -> finishedAt(m) != null)
                    .max(Comparator.comparing(DualLaunchers::finishedAt)).orElse(null);
            Instant since = newest.createdAt();
            if (last != null && (since == null || finishedAt(last).isAfter(since))) {
                since = finishedAt(last);
            }
            if (since == null || now == null || now.isBefore(since.plus(grace))) {
                continue;
            }
            out.add(new DualLauncher(any.namespace(), vmi, any.vmiUid(), sorted.stream()
                    .map(p -> new Pod(p.name(), p.nodeName(), p.phase(), p.createdAt())).toList(), current.name(),
                    last == null ? null : last.name() + " " + last.phase(), since,
                    known == null ? List.of() : known.activePods().values().stream().sorted().toList(),
                    known == null ? null : handoff(known.migrationState())));
        }
        out.sort(Comparator.comparing(DualLauncher::namespace).thenComparing(DualLauncher::vmi));
        return out;
    }

    private static String handoff(VirtualMachineInstance.MigrationState m) {
        if (m == null) {
            return null;
        }
        return m.sourcePod() + " → " + m.targetPod() + (m.failed() ? " (failed)" : m.completed() ? " (completed)" : "");
    }

    private static Instant finishedAt(VirtualMachineInstanceMigration m) {
        return m.succeededAt() != null ? m.succeededAt() : m.failedAt();
    }
}

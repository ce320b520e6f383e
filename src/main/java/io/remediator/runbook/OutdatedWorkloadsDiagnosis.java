package io.remediator.runbook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the runbook's diagnosis found.
 *
 * @param recommendedActionCounts how many VMIs get each recommended action (every action present)
 * @param findings                cluster-level observations in the operator's words
 * @param outOfScopeVmis          outdated VMIs in namespaces the configured scope leaves out
 * @param pendingLiveUpdateVmis   VMIs without the outdated label that KubeVirt's alert counts all the
 *                                same: they wait for a hot-plug or volume-change migration
 * @param dualLaunchers           VMIs running in two active launchers outside a migration: nothing is
 *                                planned for them in any report or mode ({@link DualLaunchers})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OutdatedWorkloadsDiagnosis(
        ClusterFindings cluster,
        Map<RecommendedAction, Integer> recommendedActionCounts,
        List<String> findings,
        List<OutdatedVmi> outdatedVmis,
        int outOfScopeVmis,
        List<PendingLiveUpdateVmi> pendingLiveUpdateVmis,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        List<DualLaunchers.DualLauncher> dualLaunchers) {

    /** What a report shows before (or without) a diagnosis: nothing found, nothing listed. */
    public static final OutdatedWorkloadsDiagnosis NONE = new OutdatedWorkloadsDiagnosis(null, null, List.of(), List.of(), 0);

    public OutdatedWorkloadsDiagnosis {
        findings = findings == null ? List.of() : findings;
        outdatedVmis = outdatedVmis == null ? List.of() : outdatedVmis;
        pendingLiveUpdateVmis = pendingLiveUpdateVmis == null ? List.of() : pendingLiveUpdateVmis;
        dualLaunchers = dualLaunchers == null ? List.of() : List.copyOf(dualLaunchers);
        // Read back from the API server, map keys come sorted by name: keep the actions' own order.
        recommendedActionCounts = recommendedActionCounts == null || recommendedActionCounts.isEmpty()
                ? recommendedActionCounts : new EnumMap<>(recommendedActionCounts);
    }

    public OutdatedWorkloadsDiagnosis(ClusterFindings cluster, Map<RecommendedAction, Integer> recommendedActionCounts,
                                      List<String> findings, List<OutdatedVmi> outdatedVmis, int outOfScopeVmis) {
        this(cluster, recommendedActionCounts, findings, outdatedVmis, outOfScopeVmis, List.of(), List.of());
    }

    public OutdatedWorkloadsDiagnosis(ClusterFindings cluster, Map<RecommendedAction, Integer> recommendedActionCounts,
                                      List<String> findings, List<OutdatedVmi> outdatedVmis, int outOfScopeVmis,
                                      List<PendingLiveUpdateVmi> pendingLiveUpdateVmis) {
        this(cluster, recommendedActionCounts, findings, outdatedVmis, outOfScopeVmis, pendingLiveUpdateVmis, List.of());
    }

    /** The same findings listing only these VMIs, and at most {@code maxPending} waiting for a live update. */
    public OutdatedWorkloadsDiagnosis listing(List<OutdatedVmi> vmis, int maxPending) {
        return new OutdatedWorkloadsDiagnosis(cluster, recommendedActionCounts, findings, List.copyOf(vmis), outOfScopeVmis,
                pendingLiveUpdateVmis.size() <= maxPending ? pendingLiveUpdateVmis
                        : List.copyOf(pendingLiveUpdateVmis.subList(0, maxPending)), dualLaunchers);
    }

    /**
     * @param condition      the condition that asks for the migration: HotVCPUChange, HotMemoryChange,
     *                       MigrationRequired or VolumesChange
     * @param liveMigratable the VMI's LiveMigratable condition, null when unset
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PendingLiveUpdateVmi(String namespace, String name, String node, String phase, String condition,
                                       Boolean liveMigratable) {}
}

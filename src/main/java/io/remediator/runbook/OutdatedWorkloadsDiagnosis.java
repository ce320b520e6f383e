package io.remediator.runbook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OutdatedWorkloadsDiagnosis(
        ClusterFindings cluster,
        Map<RecommendedAction, Integer> recommendedActionCounts,
        List<String> findings,
        List<OutdatedVmi> outdatedVmis,
        int outOfScopeVmis,
        List<PendingLiveUpdateVmi> pendingLiveUpdateVmis) {

    public OutdatedWorkloadsDiagnosis(ClusterFindings cluster, Map<RecommendedAction, Integer> recommendedActionCounts,
                                      List<String> findings, List<OutdatedVmi> outdatedVmis, int outOfScopeVmis) {
        this(cluster, recommendedActionCounts, findings, outdatedVmis, outOfScopeVmis, List.of());
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

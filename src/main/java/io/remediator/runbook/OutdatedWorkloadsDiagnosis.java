package io.remediator.runbook;

import java.util.List;
import java.util.Map;

/**
 * What the runbook's diagnosis found.
 *
 * @param recommendedActionCounts how many VMIs get each recommended action (every action present)
 * @param findings                cluster-level observations in the operator's words
 * @param outOfScopeVmis          outdated VMIs in namespaces the configured scope leaves out
 */
public record OutdatedWorkloadsDiagnosis(
        ClusterFindings cluster,
        Map<RecommendedAction, Integer> recommendedActionCounts,
        List<String> findings,
        List<OutdatedVmi> outdatedVmis,
        int outOfScopeVmis) {}

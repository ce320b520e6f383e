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
        List<DualLaunchers.DualLauncher> dualLaunchers) implements Findings {

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

    @Override
    public String runbook() {
        return OutdatedVmiWorkloadsRunbook.ALERTNAME;
    }

    @Override
    public List<OutdatedVmi> vmis() {
        return outdatedVmis;
    }

    @Override
    public OutdatedWorkloadsDiagnosis listing(List<? extends VmiFinding> vmis) {
        return listing(vmis.stream().map(OutdatedVmi.class::cast).toList(), MAX_PENDING_LIVE_UPDATES);
    }

    @Override
    public OutdatedWorkloadsDiagnosis withoutLists() {
        return listing(List.of(), 0);
    }

    /** VMIs waiting for a live update that a stored report lists; a finding gives the count. */
    public static final int MAX_PENDING_LIVE_UPDATES = 100;

    @Override
    public String noLongerListed(String namespace, String name) {
        return namespace + "/" + name + " no longer runs an outdated launcher";
    }

    @Override
    public String vmiNoun(int n) {
        return n == 1 ? "outdated VMI" : "outdated VMIs";
    }

    @Override
    public String stillListed() {
        return "the VMI still runs an outdated launcher";
    }

    /**
     * Enabling KubeVirt's LiveMigrate is worth proposing when updates are off, or only Evict is
     * on while some migratable VMIs would be shut down by it (eviction strategy None). Never under
     * an HCO jsonpatch annotation that pins the methods: a HyperConverged patch would change nothing.
     */
    @Override
    public boolean enablingWorkloadUpdatesHelps() {
        if (cluster == null || cluster.kubeVirt() == null || cluster.methodsPinnedBy() != null) {
            return false;
        }
        if (!cluster.workloadUpdatesEnabled()) {
            return true;
        }
        return cluster.evictEnabled() && !cluster.liveMigrateEnabled() && outdatedVmis.stream().anyMatch(v ->
                v.branch() == Branch.KUBEVIRT_WILL_EVICT && v.recommendedAction() == RecommendedAction.LIVE_MIGRATE);
    }

    /**
     * KubeVirt's own updater shuts down up to batchEvictionSize of the VMIs it evicts without
     * migrating them (workload-updater.go:508-527), and this service's disruptive batch is what is
     * left of the same number.
     */
    @Override
    public int kubeVirtDisruptionsThisBatch() {
        if (cluster == null || !cluster.evictEnabled() || cluster.controlPlaneUpdating()) {
            return 0;
        }
        long shutDowns = outdatedVmis.stream().filter(v -> v.branch() == Branch.KUBEVIRT_WILL_EVICT
                && (!Boolean.TRUE.equals(v.liveMigratable()) || "None".equals(v.effectiveEvictionStrategy()))).count();
        return (int) Math.min(shutDowns, cluster.batchEvictionSize());
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

package io.remediator.runbook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One VMI still running in an outdated virt-launcher pod, with everything the runbook asks about
 * it and the branch it falls into.
 *
 * @param uid               the VMI's UID: approvals are bound to it
 * @param liveMigratable    the VMI's LiveMigratable condition; null when KubeVirt has not set it
 * @param reason            the condition's reason (why it cannot migrate), or null
 * @param evictionStrategy  `spec.evictionStrategy`, null when unset (cluster default)
 * @param effectiveEvictionStrategy what KubeVirt applies: the VMI's, else the KubeVirt CR's
 *                          `spec.configuration.evictionStrategy`, else None (migrations.go:116-122)
 * @param vm                the owning VirtualMachine, or null when the VMI has none
 * @param runStrategy       the VM's effective run strategy (`spec.running: true` reads as Always)
 * @param vmRecreatesVmi    true when deleting the VMI makes its VM start a fresh one (run strategy Always)
 * @param vmRestartable     true when KubeVirt's restart subresource restarts its VM (Always, Manual,
 *                          RerunOnFailure)
 * @param optedOut          the VMI or its VM carries the opt-out label or annotation (`policy.optOutKey`)
 * @param outdatedSince     when its launcher became outdated (the KubeVirt update completed), or
 *                          null when that cannot be known
 * @param explanation       the situation, in the operator's words
 * @param mitigation        what to run, when the runbook gives a command; null otherwise
 * @param owner             the kind of its controller owner when that is not a VirtualMachine (which
 *                          {@code vm} names): VirtualMachineInstanceReplicaSet…; null otherwise
 * @param restartDeletesVmi a RESTART is the deletion of this VMI, which its owner replaces with a fresh
 *                          one: a VirtualMachineInstanceReplicaSet, or a VM with run strategy Once
 * @param approvalRequired  why any disruptive action on it waits for a person whatever the policy
 *                          says (eviction strategy External, a paused guest), or null
 * @param paused            its guest is paused (condition Paused): a restart would resume it
 * @param vmRestartRequired its VM has RestartRequired: a restart also applies pending spec changes
 * @param evacuationNodeName `status.evacuationNodeName`: KubeVirt marked it for evacuation off that node
 * @param evacuationSeenSince when this service first saw that mark (KubeVirt records no time for it)
 * @param migrationMayDisrupt why a live migration of it may interrupt the guest (post-copy or workload
 *                          disruption allowed, by the KubeVirt CR or a MigrationPolicy), or null
 * @param disruptionBudgets the PodDisruptionBudgets (not KubeVirt's own) that select its launcher pod
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OutdatedVmi(
        String namespace,
        String name,
        String uid,
        String node,
        String phase,
        Boolean liveMigratable,
        String reason,
        String message,
        String evictionStrategy,
        String effectiveEvictionStrategy,
        String vm,
        String runStrategy,
        boolean vmRecreatesVmi,
        boolean vmRestartable,
        boolean optedOut,
        List<LauncherPodRef> launcherPods,
        MigrationHistory migrations,
        Instant outdatedSince,
        Branch branch,
        RecommendedAction recommendedAction,
        String explanation,
        String mitigation,
        // What only some VMIs have is stored only for them: a report holds thousands of VMIs.
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String owner,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean restartDeletesVmi,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String approvalRequired,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean paused,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean vmRestartRequired,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String evacuationNodeName,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Instant evacuationSeenSince,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String migrationMayDisrupt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> disruptionBudgets) implements VmiFinding {

    /** The same VMI in another branch, saying why and what to do (the dual-launcher check's, after classification). */
    OutdatedVmi inBranch(Branch newBranch, String newExplanation, String newMitigation) {
        return new OutdatedVmi(namespace, name, uid, node, phase, liveMigratable, reason, message, evictionStrategy,
                effectiveEvictionStrategy, vm, runStrategy, vmRecreatesVmi, vmRestartable, optedOut, launcherPods, migrations,
                outdatedSince, newBranch, recommendedAction, newExplanation, newMitigation, owner, restartDeletesVmi,
                approvalRequired, paused, vmRestartRequired, evacuationNodeName, evacuationSeenSince, migrationMayDisrupt,
                disruptionBudgets);
    }

    @Override
    public String branchName() {
        return branch == null ? null : branch.name();
    }

    public OutdatedVmi {
        disruptionBudgets = disruptionBudgets == null ? List.of() : List.copyOf(disruptionBudgets);
    }

    /** The shape before owners, approvals and evacuation marks were read: a VM-owned VMI when {@code vm} is set. */
    public OutdatedVmi(String namespace, String name, String uid, String node, String phase, Boolean liveMigratable,
                       String reason, String message, String evictionStrategy, String effectiveEvictionStrategy, String vm,
                       String runStrategy, boolean vmRecreatesVmi, boolean vmRestartable, boolean optedOut,
                       List<LauncherPodRef> launcherPods, MigrationHistory migrations, Instant outdatedSince, Branch branch,
                       RecommendedAction recommendedAction, String explanation, String mitigation) {
        this(namespace, name, uid, node, phase, liveMigratable, reason, message, evictionStrategy, effectiveEvictionStrategy,
                vm, runStrategy, vmRecreatesVmi, vmRestartable, optedOut, launcherPods, migrations, outdatedSince, branch,
                recommendedAction, explanation, mitigation, null, false, null, false, false,
                null, null, null, List.of());
    }

    /** @param terminating it has a deletionTimestamp */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LauncherPodRef(String name, String node, String phase, boolean terminating) {}

    /**
     * The pod KubeVirt itself would evict (controller.CurrentVMIPod): on the VMI's node and not
     * terminating. During a migration the other pod is the target, which KubeVirt's eviction
     * webhook refuses ("Eviction request for target Pod"). Null when there is none.
     */
    public LauncherPodRef currentLauncherPod() {
        return launcherPods.stream().filter(p -> !p.terminating() && p.node() != null && p.node().equals(node))
                .findFirst().orElse(null);
    }

    /**
     * The VMI's migrations since it became outdated (or since it was created, if that is unknown).
     *
     * @param inFlightPhase               phase of the unfinished migration, or null if none runs
     * @param inFlightByWorkloadUpdater   whether KubeVirt's workload updater created that one
     * @param inFlightByRemediator        whether this service created that one
     * @param createdByWorkloadUpdater    how many of them KubeVirt's workload updater created
     * @param failedByRemediator          how many that this service created have failed
     * @param inFlightByEvacuation        whether KubeVirt's evacuation controller created the one in flight
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MigrationHistory(
            String inFlightPhase,
            String inFlightName,
            Boolean inFlightByWorkloadUpdater,
            Boolean inFlightByRemediator,
            int failedCount,
            Instant lastFailedAt,
            String lastFailureReason,
            int succeededCount,
            int createdByWorkloadUpdater,
            int failedByRemediator,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean inFlightByEvacuation) {

        public static final MigrationHistory NONE = new MigrationHistory(null, null, null, null, 0, null, null, 0, 0, 0, null);

        public MigrationHistory(String inFlightPhase, String inFlightName, Boolean inFlightByWorkloadUpdater,
                                Boolean inFlightByRemediator, int failedCount, Instant lastFailedAt, String lastFailureReason,
                                int succeededCount, int createdByWorkloadUpdater, int failedByRemediator) {
            this(inFlightPhase, inFlightName, inFlightByWorkloadUpdater, inFlightByRemediator, failedCount, lastFailedAt,
                    lastFailureReason, succeededCount, createdByWorkloadUpdater, failedByRemediator, null);
        }

        /**
         * KubeVirt's own next attempt (its workload updater's or its evacuation controller's), held
         * Pending by the migration controller's backoff, which doubles after each failure and
         * applies only to those two kinds (migration.go:1047-1112).
         */
        public boolean kubeVirtRetryWaiting() {
            return "Pending".equals(inFlightPhase)
                    && (Boolean.TRUE.equals(inFlightByWorkloadUpdater) || Boolean.TRUE.equals(inFlightByEvacuation));
        }
    }
}

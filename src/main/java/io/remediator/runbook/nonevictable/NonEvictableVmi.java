package io.remediator.runbook.nonevictable;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.remediator.runbook.RecommendedAction;
import io.remediator.runbook.VmiFinding;
import java.time.Instant;
import java.util.List;

/**
 * One VMI that refuses eviction (or that an alert says does), with what the runbook found.
 *
 * @param evictionStrategy          the VMI's `spec.evictionStrategy` (KubeVirt copies the cluster
 *                                  default in at creation: defaults.go:193-212), null when unset
 * @param effectiveEvictionStrategy what KubeVirt applies: the VMI's, else the cluster default
 * @param templateEvictionStrategy  the VM template's, null when unset (the cluster default at the next start)
 * @param vmResourceVersion         the VM's resourceVersion when diagnosed: a template change is conditional on it
 * @param drainBlocked              why a drain waits on it now (its node is cordoned or tainted), or null
 * @param acceptedUntil             `kubevirt-remediator/accept-non-evictable-until`, when it is in the future
 * @param disruptionBudgets         PodDisruptionBudgets (not KubeVirt's) selecting its launcher pod
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NonEvictableVmi(
        String namespace,
        String name,
        String uid,
        String node,
        String phase,
        Instant createdAt,
        Boolean liveMigratable,
        String reason,
        String message,
        String evictionStrategy,
        String effectiveEvictionStrategy,
        String vm,
        String runStrategy,
        boolean vmRestartable,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String templateEvictionStrategy,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String vmResourceVersion,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean vmRestartRequired,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String drainBlocked,
        boolean optedOut,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Instant acceptedUntil,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> disruptionBudgets,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int alerts,
        NonEvictableBranch branch,
        RecommendedAction recommendedAction,
        String explanation,
        String mitigation,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String approvalRequired,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String targetStrategy) implements VmiFinding {

    public NonEvictableVmi {
        disruptionBudgets = disruptionBudgets == null ? List.of() : List.copyOf(disruptionBudgets);
    }

    @Override
    public String branchName() {
        return branch == null ? null : branch.name();
    }

    /** A STOP or RESTART of a VMI without a VM deletes it; its replacement, if any, is its owner's. */
    @Override
    public boolean restartDeletesVmi() {
        return vm == null;
    }

    /** It refuses eviction in any launcher, outdated or not. */
    @Override
    public boolean actsOnlyWhileOutdated() {
        return false;
    }

    /** The template change PATCH_EVICTION_STRATEGY writes, conditional on the VM as diagnosed. */
    @Override
    public Change change() {
        if (recommendedAction == RecommendedAction.EVACUATE_CANCEL && node != null) {
            // The node the mark names: virt-api's patch tests it, so a newer mark is never removed.
            return new Change("status.evacuationNodeName", node, null);
        }
        return recommendedAction == RecommendedAction.PATCH_EVICTION_STRATEGY && targetStrategy != null
                ? new Change("spec.template.spec.evictionStrategy", targetStrategy, vmResourceVersion) : null;
    }
}

package io.remediator.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One VMI in a runbook's findings, as the engine plans, lists and explains it. A runbook's own
 * record implements this (its component names are the accessors); what a runbook does not know
 * keeps the neutral default.
 */
public interface VmiFinding {
    String namespace();

    String name();

    /** The VMI's UID: approvals are bound to it. */
    String uid();

    String node();

    /** The owning VirtualMachine, or null. */
    String vm();

    /** The runbook's branch, by its stable name (reports, metrics and tooling refer to it). */
    @JsonIgnore
    String branchName();

    RecommendedAction recommendedAction();

    /** The situation, in the operator's words. */
    String explanation();

    /** The command a person would run, or null. */
    String mitigation();

    /** The VMI or its VM carries the opt-out label or annotation. */
    boolean optedOut();

    /** KubeVirt's restart subresource restarts its VM (run strategy Always, Manual or RerunOnFailure). */
    boolean vmRestartable();

    /** A RESTART is the deletion of this VMI, which its owner replaces (a replica set, a Once VM). */
    default boolean restartDeletesVmi() {
        return false;
    }

    /** Why any disruptive action on it waits for a person whatever the policy says, or null. */
    default String approvalRequired() {
        return null;
    }

    /** The VMI's LiveMigratable condition, null when KubeVirt has not set it. */
    Boolean liveMigratable();

    /** The eviction strategy KubeVirt applies to it. */
    String effectiveEvictionStrategy();

    /** Its migrations since the runbook's reference time. */
    default OutdatedVmi.MigrationHistory migrations() {
        return OutdatedVmi.MigrationHistory.NONE;
    }

    /** Why a live migration of it may interrupt the guest, or null. */
    default String migrationMayDisrupt() {
        return null;
    }

    /** The launcher pod KubeVirt would evict, or null. */
    default OutdatedVmi.LauncherPodRef currentLauncherPod() {
        return null;
    }

    /**
     * What a write of the recommended action changes beyond its target, when the action needs more
     * than a name (a VM template's field, with the resourceVersion it was read at), or null.
     */
    default Change change() {
        return null;
    }

    /** False when the runbook's VMIs need not run an outdated launcher: a restart then checks only its UID. */
    default boolean actsOnlyWhileOutdated() {
        return true;
    }

    /**
     * @param field           the field, as a JSON path in the operator's words
     * @param value           its new value
     * @param resourceVersion the object's resourceVersion when it was diagnosed: the write is
     *                        conditional on it (409 when the object changed since)
     */
    record Change(String field, String value, String resourceVersion) {}
}

package io.remediator.runbook;

/**
 * One VMI still running in an outdated virt-launcher pod, as the runbook's diagnosis sees it.
 *
 * @param liveMigratable the VMI's LiveMigratable condition; null when KubeVirt has not set it
 * @param reason         the condition's reason (why it cannot migrate), or null
 */
public record OutdatedVmi(
        String namespace,
        String name,
        String node,
        String phase,
        Boolean liveMigratable,
        String reason,
        String message) {}

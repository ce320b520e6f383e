package io.remediator.runbook.nonevictable;

import io.remediator.kubevirt.ClusterNode;
import io.remediator.kubevirt.VirtualMachineInstance;
import io.remediator.kubevirt.VmTemplate;
import io.remediator.runbook.RecommendedAction;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Sorts one alerted VMI into its branch (first match wins): records in, a finding out. Pure.
 * Every branch says what KubeVirt does, why, and the command a person would run.
 */
public final class NonEvictableClassifier {
    /** The annotation (on the VM or the VMI) that accepts a non-evictable VMI until an RFC 3339 time. */
    public static final String ACCEPT_UNTIL = "kubevirt-remediator/accept-non-evictable-until";
    /** How long KubeVirt's metric may count a VMI whose LiveMigratable condition virt-handler has not set yet. */
    static final Duration CONDITION_GRACE = Duration.ofMinutes(5);

    /**
     * @param defaultStrategy    the cluster's default eviction strategy (HCO's or the KubeVirt CR's, else None)
     * @param drainTaintKey      KubeVirt's nodeDrainTaintKey
     * @param targetStrategy     what a template change writes (`vce.targetStrategy`)
     * @param autoRestartOnDrain a drain-blocked restart runs without a person in `auto`
     * @param optOutKey          `policy.optOutKey`, or null
     * @param evacuateCancelServed KubeVirt serves `evacuate/cancel` (1.8 and later)
     */
    public record Settings(String defaultStrategy, String drainTaintKey, String targetStrategy, boolean autoRestartOnDrain,
                           String optOutKey, boolean evacuateCancelServed) {}

    /**
     * What was read for one VMI an alert names.
     *
     * @param alertedNode the alert's `node` label, or null
     * @param alerts      how many firing alerts name it
     * @param vmi         the VMI as it is now, or null when it is gone
     * @param vm          its VM as it is now, or null (no VM, or gone)
     * @param node        the node it runs on, or null when unknown
     * @param budgets     PodDisruptionBudgets (not KubeVirt's own) selecting its launcher pod
     */
    public record Observed(String namespace, String name, String alertedNode, int alerts, VirtualMachineInstance vmi,
                           VmTemplate vm, ClusterNode node, List<String> budgets) {}

    private final Settings settings;

    public NonEvictableClassifier(Settings settings) {
        this.settings = settings;
    }

    public NonEvictableVmi classify(Observed o, Instant now) {
        VirtualMachineInstance vmi = o.vmi();
        if (vmi == null) {
            return finding(o, now, NonEvictableBranch.VCE_STALE, RecommendedAction.NONE, null, null, null,
                    "The VMI no longer exists: KubeVirt stops reporting it and the alert resolves.", null, null);
        }
        var migratable = vmi.condition("LiveMigratable");
        Boolean liveMigratable = migratable.map(c -> "True".equalsIgnoreCase(c.status())).orElse(null);
        String reason = migratable.map(VirtualMachineInstance.Condition::reason).orElse(null);
        String effective = vmi.evictionStrategy() != null ? vmi.evictionStrategy() : settings.defaultStrategy();
        String drain = drainBlocked(o.node());
        Instant acceptedUntil = acceptedUntil(o, now);
        String vmName = o.vm() == null ? null : o.vm().vm().name();

        if (!"LiveMigrate".equals(effective) || Boolean.TRUE.equals(liveMigratable)) {
            return finding(o, now, NonEvictableBranch.VCE_STALE, RecommendedAction.NONE, effective, liveMigratable, drain,
                    Boolean.TRUE.equals(liveMigratable) ? "It is live-migratable now: an eviction becomes a migration."
                            + " KubeVirt stops counting it and the alert resolves."
                            : "Its eviction strategy is " + effective + ", not LiveMigrate: an eviction no longer waits for a"
                            + " migration. KubeVirt stops counting it and the alert resolves.", null, null);
        }
        if (optedOut(o) || acceptedUntil != null) {
            return finding(o, now, NonEvictableBranch.VCE_ACCEPTED, RecommendedAction.NONE, effective, liveMigratable, drain,
                    (acceptedUntil != null ? "Accepted as non-evictable until " + acceptedUntil + " (" + ACCEPT_UNTIL + ")"
                            : "Opted out (" + settings.optOutKey() + "=true)") + ": reported, never acted on."
                            + (drain != null ? " It blocks a drain now: " + drain + "." : ""), null, null);
        }
        if (migratable.isEmpty() && vmi.createdAt() != null && vmi.createdAt().plus(CONDITION_GRACE).isAfter(now)) {
            return finding(o, now, NonEvictableBranch.VCE_CONDITION_PENDING, RecommendedAction.WAIT, effective, null, drain,
                    "Started " + vmi.createdAt() + " and virt-handler has not set LiveMigratable yet; KubeVirt's metric"
                            + " counts a missing condition as not migratable (vmistats_collector.go:367-371). Wait.",
                    null, null);
        }
        String why = why(reason, migratable.map(VirtualMachineInstance.Condition::message).orElse(null));
        boolean restartable = o.vm() != null && o.vm().vm().restartable();
        if (drain != null) {
            boolean stop = !restartable;
            String approval = stop ? (o.vm() == null ? "it has no VM: a stop deletes it and nothing starts it again"
                    : "its VM (" + o.vm().vm().effectiveRunStrategy() + ") does not restart it: a stop keeps it down")
                    : settings.autoRestartOnDrain() ? null
                    : "it blocks the drain of node " + o.node().name() + ": a person confirms the restart"
                    + " (vce.autoRestartOnDrain: false)";
            return finding(o, now, NonEvictableBranch.VCE_DRAIN_BLOCKED, stop ? RecommendedAction.STOP : RecommendedAction.RESTART,
                    effective, liveMigratable, drain,
                    "A drain is waiting on it: " + drain + ". KubeVirt's eviction webhook refuses its eviction (429: it is"
                            + " configured with an eviction strategy but is not live-migratable,"
                            + " pod-eviction-admitter.go:146-150) and the evacuation controller skips it. " + why + " "
                            + (stop ? "Stopping it lets the drain go on; nothing starts it again."
                            : "A restart through KubeVirt starts it again on another node, since the cordoned one takes no"
                            + " new pods, and the drain goes on."),
                    stop ? (o.vm() == null ? "kubectl delete vmi -n " + o.namespace() + " " + o.name()
                            : "virtctl stop -n " + o.namespace() + " " + vmName)
                            : "virtctl restart -n " + o.namespace() + " " + vmName, approval);
        }
        if (vmi.evacuationNodeName() != null && vmi.evacuationNodeName().equals(vmi.nodeName()) && o.node() != null) {
            // Not drained now (that branch came first), yet marked: the drain was abandoned.
            String mark = "its status.evacuationNodeName still names node " + vmi.evacuationNodeName() + ", which is no"
                    + " longer drained: the drain that marked it was abandoned. KubeVirt's evacuation controller keeps"
                    + " such a VMI as an eviction candidate (evacuation.go:326-334) and migrates it off the node as soon"
                    + " as it can migrate, unplanned.";
            return settings.evacuateCancelServed()
                    ? finding(o, now, NonEvictableBranch.VCE_ABANDONED_DRAIN, RecommendedAction.EVACUATE_CANCEL, effective,
                            liveMigratable, null, "The drain is over but " + mark + " KubeVirt's evacuate/cancel removes"
                                    + " the mark (it refuses while the node carries the drain taint); nothing stops. " + why,
                            "virtctl evacuate-cancel vmi -n " + o.namespace() + " " + o.name(), null)
                    : finding(o, now, NonEvictableBranch.VCE_ABANDONED_DRAIN, RecommendedAction.NONE, effective,
                            liveMigratable, null, "The drain is over but " + mark + " This KubeVirt does not serve"
                                    + " evacuate/cancel (KubeVirt 1.8 and later), and a VMI's status is KubeVirt's to write:"
                                    + " upgrade KubeVirt, or expect the migration when it becomes migratable. " + why,
                            null, null);
        }
        if (o.vm() != null) {
            String template = o.vm().evictionStrategy() != null ? o.vm().evictionStrategy() : settings.defaultStrategy();
            if (!"LiveMigrate".equals(template) || o.vm().vm().restartRequired()) {
                String change = !"LiveMigrate".equals(template) ? "its VM's template already has eviction strategy "
                        + template + (o.vm().evictionStrategy() == null ? " (the cluster default, copied in at the next start)"
                        : "") : "its VM has RestartRequired (a pending change, which may fix what keeps it from migrating)";
                return finding(o, now, NonEvictableBranch.VCE_FIX_NEEDS_RESTART, restartable ? RecommendedAction.RESTART
                                : RecommendedAction.STOP, effective, liveMigratable, null,
                        "The fix is made: " + change + ". A running VMI keeps the strategy it started with, so only a"
                                + " restart applies it (vm.go:1256-1262 clears RestartRequired). " + why,
                        restartable ? "virtctl restart -n " + o.namespace() + " " + vmName
                                : "virtctl stop -n " + o.namespace() + " " + vmName + "   # then start it",
                        restartable ? null : "its VM (" + o.vm().vm().effectiveRunStrategy()
                                + ") does not restart it: a stop keeps it down until someone starts it");
            }
            return finding(o, now, NonEvictableBranch.VCE_STRATEGY_MISMATCH, RecommendedAction.PATCH_EVICTION_STRATEGY,
                    effective, liveMigratable, null,
                    "Its eviction strategy is LiveMigrate but it cannot migrate: every drain of node " + vmi.nodeName()
                            + " will wait on it. " + why + " A VMI's spec cannot be changed (vmi-update-admitter.go:100-116);"
                            + " its VM's template can: " + settings.targetStrategy() + " "
                            + (settings.targetStrategy().equals("None") ? "lets an eviction stop it"
                            : "migrates it when it can and lets an eviction stop it when it cannot")
                            + ". That takes effect at its next restart (KubeVirt sets RestartRequired), which follows in a"
                            + " window.",
                    "kubectl patch vm -n " + o.namespace() + " " + vmName + " --type merge -p '{\"spec\":{\"template\":"
                            + "{\"spec\":{\"evictionStrategy\":\"" + settings.targetStrategy() + "\"}}}}'", null,
                    settings.targetStrategy());
        }
        return finding(o, now, NonEvictableBranch.VCE_NO_VM, RecommendedAction.STOP, effective, liveMigratable, null,
                "Its eviction strategy is LiveMigrate but it cannot migrate, and it has no VM whose template could change:"
                        + " every drain of node " + vmi.nodeName() + " will wait on it. " + why
                        + " Only stopping it (deleting the VMI) lets a drain through; nothing starts it again.",
                "kubectl delete vmi -n " + o.namespace() + " " + o.name(),
                "it has no VM: a stop deletes it and nothing starts it again");
    }

    private NonEvictableVmi finding(Observed o, Instant now, NonEvictableBranch branch, RecommendedAction action, String effective,
                                    Boolean liveMigratable, String drain, String explanation, String mitigation,
                                    String approval) {
        return finding(o, now, branch, action, effective, liveMigratable, drain, explanation, mitigation, approval, null);
    }

    /** @param targetStrategy what a template change writes, for PATCH_EVICTION_STRATEGY; else null */
    private NonEvictableVmi finding(Observed o, Instant now, NonEvictableBranch branch, RecommendedAction action,
                                    String effective, Boolean liveMigratable, String drain, String explanation,
                                    String mitigation, String approval, String targetStrategy) {
        VirtualMachineInstance vmi = o.vmi();
        var c = vmi == null ? java.util.Optional.<VirtualMachineInstance.Condition>empty() : vmi.condition("LiveMigratable");
        return new NonEvictableVmi(o.namespace(), o.name(), vmi == null ? null : vmi.uid(),
                vmi == null ? o.alertedNode() : vmi.nodeName(), vmi == null ? null : vmi.phase(),
                vmi == null ? null : vmi.createdAt(), liveMigratable, c.map(VirtualMachineInstance.Condition::reason).orElse(null),
                c.map(VirtualMachineInstance.Condition::message).orElse(null), vmi == null ? null : vmi.evictionStrategy(),
                effective, o.vm() == null ? null : o.vm().vm().name(),
                o.vm() == null ? null : o.vm().vm().effectiveRunStrategy(), o.vm() != null && o.vm().vm().restartable(),
                o.vm() == null ? null : o.vm().evictionStrategy(), o.vm() == null ? null : o.vm().resourceVersion(),
                o.vm() != null && o.vm().vm().restartRequired(), drain, optedOut(o), acceptedUntil(o, now), o.budgets(),
                o.alerts(), branch, action, explanation, mitigation, approval, targetStrategy);
    }

    /** Why a drain waits on this node now, or null: cordoned, or tainted by KubeVirt's drain key. */
    private String drainBlocked(ClusterNode node) {
        return node == null ? null : node.drainMark(settings.drainTaintKey());
    }

    private boolean optedOut(Observed o) {
        String key = settings.optOutKey();
        if (key == null) {
            return false;
        }
        return o.vmi() != null && ("true".equals(o.vmi().labels().get(key)) || "true".equals(o.vmi().annotations().get(key)))
                || o.vm() != null && ("true".equals(o.vm().vm().labels().get(key))
                || "true".equals(o.vm().vm().annotations().get(key)));
    }

    /** The acceptance's end when it is in the future; a past or unreadable one accepts nothing. */
    private static Instant acceptedUntil(Observed o, Instant now) {
        String raw = null;
        if (o.vm() != null) {
            raw = o.vm().vm().annotations().get(ACCEPT_UNTIL);
        }
        if (raw == null && o.vmi() != null) {
            raw = o.vmi().annotations().get(ACCEPT_UNTIL);
        }
        if (raw == null) {
            return null;
        }
        try {
            Instant until = java.time.OffsetDateTime.parse(raw.trim()).toInstant();
            return until.isAfter(now) ? until : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** What keeps it from migrating, in the operator's words, by KubeVirt's reason (types.go:743-775). */
    static String why(String reason, String message) {
        String text = reason == null ? "KubeVirt has not said why it cannot migrate." : switch (reason) {
            case "DisksNotLiveMigratable" -> "A disk is on storage two nodes cannot share (ReadWriteOnce, or hostPath):"
                    + " ReadWriteMany storage would make it migratable; until then a strategy that promises no migration"
                    + " is the honest one.";
            case "InterfaceNotLiveMigratable" -> "It has a bridge binding on the pod network; KubeVirt migrates it when"
                    + " its VM carries the annotation kubevirt.io/allow-pod-bridge-network-live-migration (the guest's"
                    + " address then changes).";
            case "HostDeviceNotLiveMigratable" -> "A host device (a GPU or an SR-IOV NIC) is passed through: structural,"
                    + " no storage or network change helps.";
            case "CPUModeLiveMigratable" -> "Its CPU mode (host-passthrough) ties it to one kind of host.";
            case "HypervPassthroughNotLiveMigratable" -> "Hyper-V passthrough ties it to its host.";
            case "HotplugNotLiveMigratable" -> "A hot-plugged device cannot move with it.";
            case "VirtIOFSNotLiveMigratable" -> "A virtiofs share cannot move with it on this KubeVirt.";
            case "PersistentReservationNotLiveMigratable" -> "A disk uses SCSI persistent reservation, which cannot move.";
            case "SEVNotLiveMigratable", "SecureExecutionNotLiveMigratable", "TDXNotLiveMigratable" ->
                    "Confidential computing (" + reason + ") cannot migrate.";
            default -> "KubeVirt's reason: " + reason + ".";
        };
        return message == null || message.isBlank() ? text : text + " (KubeVirt: \"" + message + "\")";
    }
}

package io.remediator.remediation;

import java.util.Map;
import java.util.Set;

/**
 * What namespaces and VMs say about their own maintenance: the annotation scheme of
 * docs/owners.md (next-capabilities §5.3), as read from the caches. Namespace labels and
 * annotations are the trusted layer (only platform admins can write a Namespace); a VM's may only
 * narrow a window, tighten the policy or opt out.
 *
 * @param namespaces namespace → its owner label and `kubevirt-remediator/*` annotations
 * @param vms        `namespace/vm` → the VM's `kubevirt-remediator/*` annotations
 */
public record OwnerAnnotations(Map<String, Meta> namespaces, Map<String, Map<String, String>> vms) {
    public static final String PREFIX = "kubevirt-remediator/";
    public static final String OWNER = PREFIX + "owner";
    public static final String SLACK_CHANNEL = PREFIX + "slack-channel";
    public static final String SLACK_MENTION = PREFIX + "slack-mention";
    public static final String APPROVERS = PREFIX + "approvers";
    public static final String WINDOW = PREFIX + "maintenance-window";
    public static final String TIME_ZONE = PREFIX + "time-zone";
    public static final String BATCH_SIZE = PREFIX + "batch-size";
    public static final String BATCH_INTERVAL = PREFIX + "batch-interval";
    public static final String POLICY = PREFIX + "policy";
    public static final String SKIP_UNTIL = PREFIX + "skip-until";
    /** The Namespace annotations of the scheme (the owner is a label). */
    public static final Set<String> NAMESPACE_KEYS = Set.of(SLACK_CHANNEL, SLACK_MENTION, APPROVERS, WINDOW, TIME_ZONE,
            BATCH_SIZE, BATCH_INTERVAL, POLICY);
    /**
     * The VM annotations read: the two that may narrow, the opt-out's expiry, and the two that a VM
     * may not set (read only to say they are ignored).
     */
    public static final Set<String> VM_KEYS = Set.of(WINDOW, POLICY, SKIP_UNTIL, APPROVERS, SLACK_CHANNEL);

    public static final OwnerAnnotations NONE = new OwnerAnnotations(Map.of(), Map.of());

    /** A namespace's owner label and annotations. */
    public record Meta(String owner, Map<String, String> annotations) {
        public Meta {
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }
    }

    /** The namespace's valid `slack-channel` (a channel ID), or null. */
    public String channel(String namespace) {
        Meta m = namespaces.get(namespace);
        String c = m == null ? null : m.annotations().get(SLACK_CHANNEL);
        return c != null && OwnerRules.CHANNEL_ID.matcher(c.trim()).matches() ? c.trim() : null;
    }

    /** Channel → the namespaces among these whose valid `slack-channel` it is, both sorted (owner routing). */
    public java.util.SortedMap<String, java.util.SortedSet<String>> channels(Iterable<String> among) {
        java.util.SortedMap<String, java.util.SortedSet<String>> out = new java.util.TreeMap<>();
        for (String ns : among) {
            String ch = channel(ns);
            if (ch != null) {
                out.computeIfAbsent(ch, k -> new java.util.TreeSet<>()).add(ns);
            }
        }
        return out;
    }

    /** The `owner` labels of these namespaces, distinct, joined ("pay, shop"), or null when none has one. */
    public String owners(java.util.Collection<String> among) {
        String joined = among.stream().map(namespaces::get).filter(java.util.Objects::nonNull).map(Meta::owner)
                .filter(java.util.Objects::nonNull).distinct().collect(java.util.stream.Collectors.joining(", "));
        return joined.isEmpty() ? null : joined;
    }

    public OwnerAnnotations {
        namespaces = Map.copyOf(namespaces);
        vms = Map.copyOf(vms);
    }
}

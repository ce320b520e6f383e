package io.remediator.slack;

import io.remediator.remediation.OwnerAnnotations;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Who may approve from an owner channel's message (docs/owners.md): a namespace's
 * `kubevirt-remediator/approvers` (Slack user IDs `U…`, and user groups `S…`, asked of Slack and
 * cached like the platform's group), for that namespace's actions only. Read from Namespace
 * annotations alone: a VM's are never asked. Fails closed.
 */
final class OwnerApprovers {
    private final Supplier<OwnerAnnotations> owners;
    private final SlackChannel slack;
    private final Clock clock;
    private final Map<String, SlackApprovers> groups = new ConcurrentHashMap<>();

    OwnerApprovers(Supplier<OwnerAnnotations> owners, SlackChannel slack, Clock clock) {
        this.owners = owners;
        this.slack = slack;
        this.clock = clock;
    }

    /**
     * @return empty when no namespace routes to {@code channel} (not an owner channel); else the
     *         namespaces routed there whose approvers include {@code user} (possibly none)
     */
    Optional<Set<String>> namespaces(String channel, String user) {
        OwnerAnnotations o = owners.get();
        boolean routed = false;
        Set<String> mayApprove = new TreeSet<>();
        for (var e : o.namespaces().entrySet()) {
            if (!channel.equals(o.channel(e.getKey()))) {
                continue;
            }
            routed = true;
            String approvers = e.getValue().annotations().get(OwnerAnnotations.APPROVERS);
            if (approvers != null && approves(approvers, user)) {
                mayApprove.add(e.getKey());
            }
        }
        return routed ? Optional.of(mayApprove) : Optional.empty();
    }

    private boolean approves(String approvers, String user) {
        for (String id : Arrays.stream(approvers.split(",")).map(String::trim).toList()) {
            if (id.equals(user)) {
                return true;
            }
            if (id.startsWith("S") && groups.computeIfAbsent(id, g -> new SlackApprovers(List.of(), g, slack, clock))
                    .test(user)) {
                return true;
            }
        }
        return false;
    }
}

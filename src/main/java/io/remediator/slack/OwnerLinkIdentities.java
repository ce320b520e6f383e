package io.remediator.slack;

import io.remediator.approval.OwnerLinkApprovers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The person behind an owner channel's approval link, as Slack knows them: the SSO identity (an
 * e-mail address, or a Slack user ID when the proxy sends one) becomes a Slack user with
 * `users.lookupByEmail`, cached for ten minutes, and is then checked against the channel's
 * namespaces' `kubevirt-remediator/approvers` like a button click ({@link OwnerApprovers}).
 */
final class OwnerLinkIdentities implements OwnerLinkApprovers {
    static final Duration CACHE = Duration.ofMinutes(10);
    private static final Pattern USER_ID = Pattern.compile("U[A-Z0-9]{8,}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private final OwnerApprovers approvers;
    private final SlackChannel slack;
    private final Clock clock;
    private final Map<String, Looked> looked = new ConcurrentHashMap<>();

    private record Looked(Optional<String> user, Instant at) {}

    OwnerLinkIdentities(OwnerApprovers approvers, SlackChannel slack, Clock clock) {
        this.approvers = approvers;
        this.slack = slack;
        this.clock = clock;
    }

    @Override
    public Answer of(String channel, String identity) {
        if (identity == null || identity.isBlank()) {
            return new Refused("an owner channel's link approves only for a signed-in approver, and this request"
                    + " carries no identity (slack.approval.identityHeader)");
        }
        String who = identity.strip();
        Optional<String> user = USER_ID.matcher(who).matches() ? Optional.of(who)
                : EMAIL.matcher(who).matches() ? lookUp(who) : Optional.empty();
        if (user.isEmpty()) {
            return new Refused("Slack knows no user " + who + ", so it cannot be checked against the"
                    + " namespaces' kubevirt-remediator/approvers");
        }
        Optional<Set<String>> may = approvers.namespaces(channel, user.get());
        if (may.isEmpty()) {
            return new Refused("no namespace routes to channel " + channel + " any more");
        }
        if (may.get().isEmpty()) {
            return new Refused(who + " (Slack " + user.get() + ") is not among the kubevirt-remediator/approvers of"
                    + " the namespaces of channel " + channel);
        }
        String approver = who.equals(user.get()) ? who : who + " (Slack " + user.get() + ")";
        return new May(may.get(), approver);
    }

    private Optional<String> lookUp(String email) {
        Instant now = clock.instant();
        Looked l = looked.get(email);
        if (l == null || now.isAfter(l.at().plus(CACHE))) {
            l = new Looked(slack.userByEmail(email), now);
            looked.put(email, l);
        }
        return l.user();
    }
}

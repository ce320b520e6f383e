package io.remediator.slack;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who may approve from a Slack button: the configured Slack user IDs, and the members of one user
 * group (asked of Slack, cached 5 minutes). By ID only, never by name. Nobody when neither is
 * configured, and nobody from the group while Slack cannot say who is in it: it fails closed.
 */
public final class SlackApprovers implements Predicate<String> {
    private static final Duration GROUP_TTL = Duration.ofMinutes(5);

    private final Set<String> users;
    private final String usergroup;
    private final SlackChannel slack;
    private final Clock clock;
    private volatile List<String> members = List.of();
    private volatile Instant membersAt;

    public SlackApprovers(List<String> users, String usergroup, SlackChannel slack, Clock clock) {
        this.users = Set.copyOf(users);
        this.usergroup = usergroup == null || usergroup.isBlank() ? null : usergroup;
        this.slack = slack;
        this.clock = clock;
    }

    @Override
    public boolean test(String userId) {
        if (users.contains(userId)) {
            return true;
        }
        if (usergroup == null) {
            return false;
        }
        Instant now = clock.instant();
        if (membersAt == null || now.isAfter(membersAt.plus(GROUP_TTL))) {
            members = slack.usergroupMembers(usergroup).orElse(List.of());
            membersAt = now;
        }
        return members.contains(userId);
    }
}

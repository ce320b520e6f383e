package io.remediator.slack;

import io.remediator.config.RemediatorConfig;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.remediation.Action;
import io.remediator.approval.ApprovalLinks;
import io.remediator.approval.ApprovalRules;
import io.remediator.report.ReportStore;
import java.time.Clock;

/** Slack as `slack.*` configures it: which channel, and how its messages offer approval. */
public final class SlackSetup {
    private SlackSetup() {}

    /** Slack when configured (a bot token: messages updated in place; or an incoming webhook), else null. */
    public static SlackNotifications notifications(RemediatorConfig config, ReportStore reports, RemediatorMetrics metrics,
                                          Clock clock) {
        RemediatorConfig.Slack s = config.slack();
        if (s == null || !s.enabled()) {
            return null;
        }
        SlackChannel channel = s.botTokenFile() != null && !s.botTokenFile().isBlank()
                ? SlackChannel.bot(s.apiUrl(), secret(s.botTokenFile()), s.channel())
                : SlackChannel.webhook(secret(s.webhookUrlFile()));
        RemediatorConfig.Approval a = s.approval();
        ApprovalLinks links = a != null && "link".equals(a.mode()) ? ApprovalRules.links(a) : null;
        boolean buttons = a != null && "interactive".equals(a.mode()) && channel.updatable()
                && (!a.allowedUserIds().isEmpty() || !a.allowedUsergroup().isBlank());
        // An owner channel's link needs to know who clicks it: only behind an SSO proxy, with a bot token to ask Slack.
        return new SlackNotifications(reports, channel, config.publicUrl(), links, buttons,
                a == null ? Action.EVICT : Action.valueOf(a.maxAction()), metrics, clock)
                .offeringOwnerLinks(links != null && channel.updatable() && a.identityHeader() != null
                        && !a.identityHeader().isBlank());
    }

    /** A secret read once at start (config validation has read it already); Slack secrets need a restart to rotate. */
    private static String secret(String file) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file)).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }
}

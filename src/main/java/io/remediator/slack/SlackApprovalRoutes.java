package io.remediator.slack;

import io.javalin.config.RoutesConfig;
import io.remediator.config.RemediatorConfig;
import io.remediator.remediation.Action;
import io.remediator.approval.Approver;
import io.remediator.web.ApprovalPage;
import io.remediator.web.SecretFile;
import io.remediator.report.ReportStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/** The routes `slack.approval.mode` asks for: the approval page (link), the interaction endpoint (interactive), or none. */
public final class SlackApprovalRoutes {
    private final ApprovalPage page;
    private final SlackInteractions interactions;

    private SlackApprovalRoutes(ApprovalPage page, SlackInteractions interactions) {
        this.page = page;
        this.interactions = interactions;
    }

    /**
     * @param slack the notifier (null without Slack): its link keys, read once, and who may approve
     *              with a button, given the allow-list and the user group
     */
    public static SlackApprovalRoutes from(RemediatorConfig config, ReportStore reports, Approver approver,
                                           SlackNotifications slack, Clock clock) {
        RemediatorConfig.Approval a = config.slack() == null || !config.slack().enabled() ? null : config.slack().approval();
        if (a == null || slack == null) {
            return new SlackApprovalRoutes(null, null);
        }
        BiFunction<List<String>, String, Predicate<String>> approvers = slack::approvers;
        Action max = Action.valueOf(a.maxAction());
        if ("link".equals(a.mode())) {
            return new SlackApprovalRoutes(new ApprovalPage(reports, slack.links(), approver, a.identityHeader(),
                    max, clock, slack.ownerLinkApprovers()), null);
        }
        if ("interactive".equals(a.mode())) {
            // Read as the webhook's token file is: re-read when the mounted Secret changes.
            SecretFile secret = new SecretFile(Path.of(a.signingSecretFile()));
            return new SlackApprovalRoutes(null, new SlackInteractions(approver,
                    new SlackRequestSignature(secret::current, clock), approvers.apply(a.allowedUserIds(), a.allowedUsergroup()), max)
                    .withOwnerChannels(config.slack().channel(), slack.ownerApprovers())
                    .answeringWith(slack::answer));
        }
        return new SlackApprovalRoutes(null, null);
    }

    public void register(RoutesConfig routes) {
        if (page != null) {
            page.register(routes);
        }
        if (interactions != null) {
            interactions.register(routes);
        }
    }
}

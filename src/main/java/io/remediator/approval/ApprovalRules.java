package io.remediator.approval;

import io.remediator.config.RemediatorConfig;
import io.remediator.remediation.Action;
import io.remediator.remediation.PassResult;
import io.remediator.remediation.PlannedAction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What an approval link may approve, and its keys, in one place for the message and the page. */
public final class ApprovalRules {
    private ApprovalRules() {}

    /** The actions of the plan awaiting approval that Slack (a link or a button) may approve. */
    public static List<PlannedAction> approvableFromSlack(PassResult plan, Action max) {
        return plan.awaitingApproval().stream().filter(a -> a.action().atMostAsDisruptiveAs(max)).toList();
    }

    /** The links of `slack.approval`: one key per line of the key file, the first signs. */
    public static ApprovalLinks links(RemediatorConfig.Approval a) {
        try {
            List<byte[]> keys = Files.readString(Path.of(a.linkKeyFile())).lines().map(String::trim)
                    .filter(l -> !l.isEmpty()).map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
            return new ApprovalLinks(keys, a.ttl());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read slack.approval.linkKeyFile", e);
        }
    }
}

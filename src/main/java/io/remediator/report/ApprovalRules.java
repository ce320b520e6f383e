package io.remediator.report;

import io.remediator.config.RemediatorConfig;
import io.remediator.remediation.Action;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What an approval link may approve, and its keys, in one place for the message and the page. */
public final class ApprovalRules {
    /** From least to most disruptive: what `slack.approval.maxAction` caps. */
    private static final List<Action> DISRUPTION = List.of(Action.ENABLE_WORKLOAD_UPDATES, Action.LIVE_MIGRATE,
            Action.EVICT, Action.RESTART, Action.STOP);

    private ApprovalRules() {}

    /** Whether a link may approve this action. */
    public static boolean approvable(Action a, Action max) {
        return DISRUPTION.indexOf(a) <= DISRUPTION.indexOf(max);
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

package io.remediator.web;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.util.JsonPayloadExtractor;
import com.slack.api.util.json.GsonFactory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.remediator.logging.LogSafe;
import io.remediator.remediation.Action;
import io.remediator.remediation.PlannedAction;
import io.remediator.report.ApprovalOutcome;
import io.remediator.report.PlanRef;
import io.remediator.report.ApprovalRules;
import io.remediator.report.ReportStore;
import io.remediator.report.SlackPost;
import io.remediator.report.StoredReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * `POST /slack/interactions`: a click on a report message's approve button. It approves only when
 * the request is signed by Slack (within 300 s), the clicker is on the allow-list, the click came
 * from that report's own message, and the plan is the one the button was made for; then through
 * the same function as `POST /api/reports/{id}/approve`, recorded as `slack:<user ID>`. Any other
 * click is acknowledged (Slack shows an error otherwise) and changes nothing. Answers at once: one
 * read and one write to the API server, well within Slack's 3 s.
 */
public final class SlackInteractions {
    private static final Logger log = LoggerFactory.getLogger(SlackInteractions.class);
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** The approve button's action_id (notify.SlackMessage.APPROVE_ACTION; web does not depend on notify). */
    static final String APPROVE_ACTION = "approve_plan";

    private final ReportStore store;
    private final ApprovalPage.Approver approver;
    private final SlackRequestSignature signature;
    private final Predicate<String> mayApprove;
    private final Action maxAction;
    private final UnauthenticatedBodies bodies = new UnauthenticatedBodies();

    /** @param mayApprove whether a Slack user ID is allowed to approve (allow-list or user group; fail closed) */
    public SlackInteractions(ReportStore store, ApprovalPage.Approver approver, SlackRequestSignature signature,
                             Predicate<String> mayApprove, Action maxAction) {
        this.store = store;
        this.approver = approver;
        this.signature = signature;
        this.mayApprove = mayApprove;
        this.maxAction = maxAction;
    }

    public void register(RoutesConfig routes) {
        routes.post("/slack/interactions", this::handle, Access.SLACK);
    }

    private void handle(Context ctx) {
        // Refused by its Content-Length before a byte is read, and read under a deadline: the
        // signature can be checked only once the whole body is here.
        if (!(bodies.read(ctx, MAX_BODY_BYTES) instanceof UnauthenticatedBodies.Read.Body body)) {
            return;
        }
        byte[] raw = body.bytes();
        if (!signature.valid(ctx.header("X-Slack-Request-Timestamp"), ctx.header("X-Slack-Signature"), raw)) {
            log.warn("a request to /slack/interactions without a valid Slack signature was refused");
            ctx.status(401);
            return;
        }
        String json = new JsonPayloadExtractor().extractIfExists(new String(raw, StandardCharsets.UTF_8));
        BlockActionPayload p;
        try {
            p = GsonFactory.createSnakeCase().fromJson(json, BlockActionPayload.class);
        } catch (RuntimeException e) {
            p = null;
        }
        ctx.status(200);
        // The SDK's BlockActionPayload.getType() is a constant: the payload's own `type` decides, so
        // a signed view_submission or message_action never approves (redteam-2 W2).
        if (p == null || !"block_actions".equals(payloadType(json)) || p.getActions() == null || p.getUser() == null
                || p.getContainer() == null) {
            return;
        }
        for (BlockActionPayload.Action a : p.getActions()) {
            if (APPROVE_ACTION.equals(a.getActionId())) {
                click(p, a.getValue());
            }
        }
    }

    private static String payloadType(String json) {
        try {
            com.google.gson.JsonElement e = com.google.gson.JsonParser.parseString(json == null ? "" : json);
            return e.isJsonObject() && e.getAsJsonObject().get("type") != null
                    && e.getAsJsonObject().get("type").isJsonPrimitive() ? e.getAsJsonObject().get("type").getAsString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void click(BlockActionPayload p, String value) {
        String user = p.getUser().getId();
        int bar = value == null ? -1 : value.lastIndexOf('|');
        if (bar <= 0) {
            return;
        }
        String id = value.substring(0, bar);
        String awaited = value.substring(bar + 1);
        if (!awaited.matches("[0-9a-f]{24}")) {
            return;
        }
        PlanRef plan = new PlanRef.Awaited(awaited);
        Optional<StoredReport> found = ReportRoutes.validId(id) ? store.read(id) : Optional.empty();
        if (found.isEmpty() || found.get().status() == null || found.get().status().remediation() == null) {
            return;
        }
        StoredReport r = found.get();
        SlackPost post = r.status().slack();
        // A signed payload without a channel or message (redteam-2 N12: an NPE, 500) came from no report's message.
        if (post == null || !java.util.Objects.equals(p.getContainer().getChannelId(), post.channel())
                || !java.util.Objects.equals(p.getContainer().getMessageTs(), post.ts())) {
            log.warn("report {}: an approve click from another message (user {}) was ignored", id, LogSafe.of(user));
            return;
        }
        if (user == null || !mayApprove.test(user)) {
            log.warn("report {}: Slack user {} is not allowed to approve; nothing approved", id, LogSafe.of(user));
            return;
        }
        List<String> keys = ApprovalRules.approvableFromSlack(r.status().remediation(), maxAction).stream()
                .map(PlannedAction::key).toList();
        ApprovalOutcome outcome = approver.approve(id, plan, keys, "slack:" + user, "slack", null);
        log.info("report {}: approve click by Slack user {}: {}", id, LogSafe.of(user), outcome.getClass().getSimpleName());
    }
}

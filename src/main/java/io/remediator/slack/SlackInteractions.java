package io.remediator.slack;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.util.JsonPayloadExtractor;
import com.slack.api.util.json.GsonFactory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.remediator.logging.LogSafe;
import io.remediator.web.Access;
import io.remediator.web.ReportRoutes;
import io.remediator.web.UnauthenticatedBodies;
import io.remediator.remediation.Action;
import io.remediator.approval.ApprovalOutcome;
import io.remediator.approval.PlanRef;
import io.remediator.approval.Selection;
import java.nio.charset.StandardCharsets;
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
 * read and one write to the API server (the approval's), well within Slack's 3 s.
 */
public final class SlackInteractions {
    private static final Logger log = LoggerFactory.getLogger(SlackInteractions.class);
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final io.remediator.approval.Approver approver;
    private final SlackRequestSignature signature;
    private final Predicate<String> mayApprove;
    private final Action maxAction;
    private volatile String platformChannel;
    private volatile OwnerApprovers ownerApprovers;
    private volatile java.util.function.BiConsumer<String, String> answer = (url, text) -> { };
    /** Answers go out after the acknowledgement: Slack wants the 200 within 3 s. */
    private final java.util.concurrent.ExecutorService answering = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "slack-answers");
        t.setDaemon(true);
        return t;
    });

    /** Tells the clicker (only them) why a click approved nothing, or what it approved. */
    SlackInteractions answeringWith(java.util.function.BiConsumer<String, String> answer) {
        this.answer = answer;
        return this;
    }

    /** What the clicker is told: what was approved, or why nothing was. */
    static String answerTo(ApprovalOutcome outcome) {
        if (outcome instanceof ApprovalOutcome.Approved a) {
            return "Approved " + a.actions().size() + " action(s): " + String.join(", ", a.actions())
                    + ". The service runs them under its policy's limits.";
        }
        if (outcome instanceof ApprovalOutcome.Stale st) {
            return "Not approved: the plan changed since this button was made (now pass " + st.currentPass()
                    + "); the message shows the current one.";
        }
        if (outcome instanceof ApprovalOutcome.NotAwaiting) {
            return "Not approved: no action you may approve here awaits approval in this plan.";
        }
        if (outcome instanceof ApprovalOutcome.OtherMessage) {
            return "Not approved: this button is not on the report's own message.";
        }
        if (outcome instanceof ApprovalOutcome.NotOpen n) {
            return "Not approved: " + n.why() + ".";
        }
        if (outcome instanceof ApprovalOutcome.LinkUsed) {
            return "Not approved: this approval was used already.";
        }
        return "Not approved: there is no such report any more.";
    }

    private void tell(BlockActionPayload p, String text) {
        String url = p.getResponseUrl();
        if (url != null) {
            answering.submit(() -> answer.accept(url, text));
        }
    }
    private final UnauthenticatedBodies bodies = new UnauthenticatedBodies();

    /** @param mayApprove whether a Slack user ID is allowed to approve (allow-list or user group; fail closed) */
    public SlackInteractions(io.remediator.approval.Approver approver, SlackRequestSignature signature,
                             Predicate<String> mayApprove, Action maxAction) {
        this.approver = approver;
        this.signature = signature;
        this.mayApprove = mayApprove;
        this.maxAction = maxAction;
    }

    /**
     * Clicks in owner channels' messages (docs/owners.md): anything but the platform channel is
     * approved by its namespaces' approvers, for their actions only.
     */
    SlackInteractions withOwnerChannels(String platformChannel, OwnerApprovers approvers) {
        this.platformChannel = platformChannel;
        this.ownerApprovers = approvers;
        return this;
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
            if (SlackButton.APPROVE_ACTION.equals(a.getActionId())) {
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
        Optional<SlackButton> button = SlackButton.parse(value);
        if (button.isEmpty() || !ReportRoutes.validId(button.get().reportId())) {
            return;
        }
        String id = button.get().reportId();
        String awaited = button.get().awaited();
        String channel = p.getContainer().getChannelId();
        java.util.Set<String> namespaces = null;
        OwnerApprovers owners = ownerApprovers;
        if (owners != null && channel != null && !channel.equals(platformChannel)) {
            Optional<java.util.Set<String>> scope = owners.namespaces(channel, user);
            if (scope.isPresent()) {
                if (scope.get().isEmpty()) {
                    log.warn("report {}: Slack user {} approves for no namespace routed to channel {} (their"
                            + " kubevirt-remediator/approvers); nothing approved", id, LogSafe.of(user), LogSafe.of(channel));
                    tell(p, "Not approved: in this channel only the kubevirt-remediator/approvers of its namespaces"
                            + " approve, each for their own namespace's actions, and you are not one of them.");
                    return;
                }
                namespaces = scope.get();
            }
        }
        if (namespaces == null && (user == null || !mayApprove.test(user))) {
            log.warn("report {}: Slack user {} is not allowed to approve; nothing approved", id, LogSafe.of(user));
            tell(p, "Not approved: you are not among those who may approve here (slack.approval.allowedUserIds or"
                    + " allowedUsergroup).");
            return;
        }
        // One read and one write: the approval checks, on the report it reads for its write, that the click
        // came from the report's own message (redteam-2 N12: a payload without one came from none) and
        // what that plan offers.
        ApprovalOutcome outcome = approver.approve(id, new PlanRef.Awaited(awaited), new Selection.Offered(maxAction,
                new Selection.Message(channel, p.getContainer().getMessageTs()), namespaces),
                "slack:" + user, "slack", null);
        if (outcome instanceof ApprovalOutcome.OtherMessage) {
            log.warn("report {}: an approve click from another message (user {}) was ignored", id, LogSafe.of(user));
        }
        tell(p, answerTo(outcome));
        log.info("report {}: approve click by Slack user {}: {}", id, LogSafe.of(user), outcome.getClass().getSimpleName());
    }
}

package io.remediator.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.webhook.Payload;
import com.slack.api.webhook.WebhookResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Where messages go: a bot token's channel (one message, then `chat.update` of it) or an incoming
 * webhook (one message, never updated: a webhook answers with no `ts`). Uses Slack's SDK, the
 * synchronous client: one call at a time, retries are the caller's (after Retry-After).
 */
public final class SlackChannel implements AutoCloseable {
    /** Errors only an operator can mend: trying again changes nothing. */
    private static final Set<String> FINAL = Set.of("invalid_auth", "not_authed", "account_inactive", "token_revoked",
            "channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long", "no_permission",
            "missing_scope", "message_not_found", "cant_update_message", "edit_window_closed", "no_service", "no_team",
            "invalid_token", "action_prohibited", "posting_to_general_channel_denied");

    private final Slack slack;
    /** Where Slack's Web API is (`slack.apiUrl`): an interaction's response_url must be Slack's or its host. */
    private final String apiHost;
    private final String botToken;
    private final String channel;
    private final String webhookUrl;

    private SlackChannel(SlackConfig config, String botToken, String channel, String webhookUrl) {
        this.slack = Slack.getInstance(config);
        this.apiHost = java.net.URI.create(config.getMethodsEndpointUrlPrefix()).getHost();
        this.botToken = botToken;
        this.channel = channel;
        this.webhookUrl = webhookUrl;
    }

    public static SlackChannel bot(String apiUrl, String botToken, String channel) {
        return new SlackChannel(config(apiUrl), botToken, channel, null);
    }

    public static SlackChannel webhook(String webhookUrl) {
        return new SlackChannel(config("https://slack.com/api/"), null, null, webhookUrl);
    }

    private static SlackConfig config(String apiUrl) {
        SlackConfig c = new SlackConfig();
        c.setMethodsEndpointUrlPrefix(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        // Stats would send a hidden auth.test per token and keep it in a static cache.
        c.setStatsEnabled(false);
        c.setHttpClientReadTimeoutMillis(10_000);
        c.setHttpClientCallTimeoutMillis(15_000);
        // Its DEBUG listener logs request URLs and bodies: a webhook URL is a secret.
        c.getHttpClientResponseHandlers().clear();
        return c;
    }

    /** True when messages can be updated (bot token), false for an incoming webhook. */
    public boolean updatable() {
        return botToken != null;
    }

    /** Is the token good? Asked once at start-up; a bad one is a warning, never a crash. */
    public SlackAnswer check() {
        if (!updatable()) {
            return new SlackAnswer.Sent(null, null);
        }
        return call(() -> {
            var r = methods().authTest(req -> req);
            return r.isOk() ? new SlackAnswer.Sent(null, null) : failed(r);
        });
    }

    /** Slack allows about one chat.postMessage a second per channel; bursts beyond it are rate-limited. */
    static final Duration POST_SPACING = Duration.ofSeconds(1);
    private final java.util.Map<String, Long> lastPost = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Waits until a second has passed since the last post to {@code to} (one notifier thread posts,
     * so waiting here paces every channel, and a burst of owner messages, their replies and notices
     * never trips Slack's per-channel limit).
     */
    private void pace(String to) {
        long now = System.nanoTime();
        Long last = lastPost.get(to);
        long wait = last == null ? 0 : last + POST_SPACING.toNanos() - now;
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lastPost.put(to, System.nanoTime());
    }

    public SlackAnswer post(SlackMessage m) {
        if (!updatable()) {
            return call(() -> {
                WebhookResponse w = slack.send(webhookUrl, Payload.builder().text(m.text()).blocks(m.blocks())
                        .unfurlLinks(false).unfurlMedia(false).build());
                if (w.getCode() == 429) {
                    return new SlackAnswer.RateLimited(Duration.ofSeconds(30));
                }
                return w.getCode() == 200 ? new SlackAnswer.Sent("webhook", null)
                        : new SlackAnswer.Failed("HTTP " + w.getCode() + " " + w.getBody(), w.getCode() >= 500);
            });
        }
        pace(channel);
        return call(() -> {
            ChatPostMessageResponse r = methods().chatPostMessage(req -> req.channel(channel).text(m.text())
                    .blocks(m.blocks()).unfurlLinks(false).unfurlMedia(false));
            return r.isOk() ? new SlackAnswer.Sent(r.getChannel(), r.getTs()) : failed(r);
        });
    }

    /** A message in another channel than the configured one (an owner channel); bot tokens only. */
    public SlackAnswer post(String toChannel, SlackMessage m) {
        if (!updatable()) {
            return new SlackAnswer.Failed("an incoming webhook posts to its own channel only", false);
        }
        pace(toChannel);
        return call(() -> {
            ChatPostMessageResponse r = methods().chatPostMessage(req -> req.channel(toChannel).text(m.text())
                    .blocks(m.blocks()).unfurlLinks(false).unfurlMedia(false));
            return r.isOk() ? new SlackAnswer.Sent(r.getChannel(), r.getTs()) : failed(r);
        });
    }

    /**
     * Tells the clicker only (an ephemeral answer through the click's `response_url`): why a click
     * approved nothing, or what it approved. Only to Slack's hooks host (or the configured API's host):
     * the URL comes from a signed payload, and this never posts anywhere else.
     */
    public SlackAnswer respond(String responseUrl, String text) {
        java.net.URI u;
        try {
            u = java.net.URI.create(responseUrl == null ? "" : responseUrl);
        } catch (IllegalArgumentException e) {
            return new SlackAnswer.Failed("not a response_url", false);
        }
        boolean slacks = "https".equals(u.getScheme()) && "hooks.slack.com".equals(u.getHost());
        if (!slacks && (u.getHost() == null || !u.getHost().equals(apiHost))) {
            return new SlackAnswer.Failed("response_url " + u.getHost() + " is not Slack's", false);
        }
        return call(() -> {
            WebhookResponse w = slack.send(responseUrl, "{\"response_type\":\"ephemeral\",\"replace_original\":false,"
                    + "\"text\":" + com.slack.api.util.json.GsonFactory.createSnakeCase().toJson(text) + "}");
            return w.getCode() == 200 ? new SlackAnswer.Sent(null, null)
                    : new SlackAnswer.Failed("HTTP " + w.getCode(), w.getCode() >= 500);
        });
    }

    /** Replaces the report's message (channel and ts as Slack answered the post). */
    public SlackAnswer update(String postedChannel, String ts, SlackMessage m) {
        return call(() -> {
            var r = methods().chatUpdate(req -> req.channel(postedChannel).ts(ts).text(m.text()).blocks(m.blocks()));
            return r.isOk() ? new SlackAnswer.Sent(r.getChannel(), r.getTs()) : failed(r);
        });
    }

    /** A reply in the message's thread (what one executed batch did). */
    public SlackAnswer reply(String postedChannel, String ts, String text) {
        pace(postedChannel);
        return call(() -> {
            ChatPostMessageResponse r = methods().chatPostMessage(req -> req.channel(postedChannel).threadTs(ts)
                    .text(text).unfurlLinks(false).unfurlMedia(false));
            return r.isOk() ? new SlackAnswer.Sent(r.getChannel(), r.getTs()) : failed(r);
        });
    }

    /** The members of a user group (scope usergroups:read); empty when Slack will not say. */
    public java.util.Optional<java.util.List<String>> usergroupMembers(String usergroup) {
        if (!updatable()) {
            return java.util.Optional.empty();
        }
        try {
            var r = methods().usergroupsUsersList(req -> req.usergroup(usergroup));
            return r.isOk() && r.getUsers() != null ? java.util.Optional.of(java.util.List.copyOf(r.getUsers()))
                    : java.util.Optional.empty();
        } catch (IOException | SlackApiException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The Slack user with this e-mail address (`users.lookupByEmail`, scope `users:read.email`), or
     * empty when Slack knows none or cannot be asked.
     */
    public java.util.Optional<String> userByEmail(String email) {
        if (!updatable()) {
            return java.util.Optional.empty();
        }
        try {
            var r = methods().usersLookupByEmail(req -> req.email(email));
            return r.isOk() && r.getUser() != null && r.getUser().getId() != null
                    ? java.util.Optional.of(r.getUser().getId()) : java.util.Optional.empty();
        } catch (IOException | SlackApiException e) {
            return java.util.Optional.empty();
        }
    }

    private MethodsClient methods() {
        return slack.methods(botToken);
    }

    private static SlackAnswer failed(SlackApiTextResponse r) {
        String error = r.getError() == null ? "unknown_error" : r.getError();
        return new SlackAnswer.Failed(error, !FINAL.contains(error));
    }

    private interface Call {
        SlackAnswer run() throws IOException, SlackApiException;
    }

    private static SlackAnswer call(Call c) {
        try {
            return c.run();
        } catch (SlackApiException e) {
            int code = e.getResponse().code();
            if (code == 429) {
                String after = e.getResponse().header("Retry-After");
                long seconds = 30;
                try {
                    seconds = after == null ? 30 : Math.max(1, Long.parseLong(after.trim()));
                } catch (NumberFormatException ignored) {
                    // keep 30 s
                }
                return new SlackAnswer.RateLimited(Duration.ofSeconds(Math.min(seconds, 600)));
            }
            return new SlackAnswer.Failed("HTTP " + code, code >= 500);
        } catch (IOException e) {
            return new SlackAnswer.Failed("network: " + e.getClass().getSimpleName(), true);
        }
    }

    @Override
    public void close() {
        try {
            slack.close();
        } catch (Exception e) {
            // closing the HTTP client's pools; nothing left to lose
        }
    }
}

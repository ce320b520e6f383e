package io.remediator.slack;

import java.time.Duration;

/** What Slack made of one call: the notifier's only answer, never an exception. */
public sealed interface SlackAnswer {
    /** @param ts the message's timestamp, null for an incoming webhook (which cannot be updated) */
    record Sent(String channel, String ts) implements SlackAnswer {}

    /** 429: try again after this long (Slack's Retry-After). */
    record RateLimited(Duration retryAfter) implements SlackAnswer {}

    /**
     * @param error     Slack's error code (`channel_not_found`, `invalid_auth`…) or the transport failure
     * @param retryable true when trying again can help (network, 5xx); false when only an operator can
     */
    record Failed(String error, boolean retryable) implements SlackAnswer {}
}

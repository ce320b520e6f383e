package io.remediator.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * The report's one Slack message: where it is, what it last showed, and what went wrong last.
 * Written only by the notifier, as a merge patch of `status.slack` alone, so it never races the
 * pass that writes the rest of the status; the store keeps it whenever it writes the status.
 *
 * @param channel     the channel ID Slack answered with; null until posted
 * @param ts          the message's timestamp (its ID, for chat.update); null for an incoming webhook,
 *                    which cannot be updated
 * @param digest      a hash of the content last sent: the same content is not sent again
 * @param threadedPass the newest pass whose executed batch got its thread reply
 * @param lastError   Slack's error code (or the transport failure) of the last attempt, null after a success
 * @param failures    attempts that failed in a row
 * @param headsUpFor  an owner channel's message: the window opening its heads-up reply announced, or null
 * @param repliedThrough the newest execution time a thread reply reported: a later reply reports only
 *                    what executed after it, however many passes ran in between, so none is lost
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SlackPost(String channel, String ts, String digest, int threadedPass, Instant updatedAt, String lastError,
                        int failures, Instant headsUpFor, Instant repliedThrough) {

    public SlackPost(String channel, String ts, String digest, int threadedPass, Instant updatedAt, String lastError,
                     int failures) {
        this(channel, ts, digest, threadedPass, updatedAt, lastError, failures, null, null);
    }

    /** The same post, its heads-up for the window opening at {@code opening} sent. */
    public SlackPost headsUpSent(Instant opening) {
        return new SlackPost(channel, ts, digest, threadedPass, updatedAt, lastError, failures, opening, repliedThrough);
    }

    /** The same post, its thread told of what executed up to {@code through}. */
    public SlackPost repliedThrough(Instant through) {
        return new SlackPost(channel, ts, digest, threadedPass, updatedAt, lastError, failures, headsUpFor, through);
    }

    /** Posted once: later changes update this message (or, without a ts, are not sent). */
    public boolean posted() {
        return channel != null;
    }

    public SlackPost sent(String newChannel, String newTs, String newDigest, int newThreadedPass, Instant at) {
        return new SlackPost(newChannel, newTs, newDigest, newThreadedPass, at, null, 0, headsUpFor, repliedThrough);
    }

    public SlackPost failed(String error, Instant at) {
        return new SlackPost(channel, ts, digest, threadedPass, at, error, failures + 1, headsUpFor, repliedThrough);
    }

    public static final SlackPost NONE = new SlackPost(null, null, null, 0, null, null, 0);
}

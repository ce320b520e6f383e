package io.remediator.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Reads the body of a POST that carries no credential checkable before it is read (the approval
 * page's form, Slack's signed interactions): the size is refused from `Content-Length` before a
 * byte is read, a body without one (chunked) is refused, the whole read has a deadline, and only a
 * few such reads run at once. A flood of slow bodies then holds a handful of server threads for a
 * few seconds each, and `/healthz`, the webhook and the pages keep answering (redteam-2 N2).
 */
public final class UnauthenticatedBodies {
    /** How many such reads at once, across both routes. */
    static final int MAX_CONCURRENT = 8;
    /** The whole body within this, however slowly it trickles. */
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private final Semaphore reading = new Semaphore(MAX_CONCURRENT);

    /** What became of a read: the body, or the answer already given. */
    public sealed interface Read {
        record Body(byte[] bytes) implements Read {}

        record Refused(HttpStatus status) implements Read {}
    }

    /** Reads at most {@code maxBytes}; on refusal the answer is set on {@code ctx}. */
    public Read read(Context ctx, int maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared < 0) {
            return refuse(ctx, HttpStatus.LENGTH_REQUIRED, "a Content-Length is required");
        }
        if (declared > maxBytes) {
            return refuse(ctx, HttpStatus.CONTENT_TOO_LARGE, "body larger than " + maxBytes + " bytes");
        }
        if (!reading.tryAcquire()) {
            ctx.header("Retry-After", "5");
            return refuse(ctx, HttpStatus.SERVICE_UNAVAILABLE, "busy: try again");
        }
        try {
            byte[] body = new byte[(int) declared];
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            int at = 0;
            try (InputStream in = ctx.bodyInputStream()) {
                while (at < body.length) {
                    if (System.nanoTime() > deadline) {
                        return refuse(ctx, HttpStatus.REQUEST_TIMEOUT, "body not received within " + DEADLINE.toSeconds() + " s");
                    }
                    int n = in.read(body, at, body.length - at);
                    if (n < 0) {
                        return refuse(ctx, HttpStatus.BAD_REQUEST, "body shorter than its Content-Length");
                    }
                    at += n;
                }
            }
            return new Read.Body(body);
        } catch (IOException | UncheckedIOException e) {
            return refuse(ctx, HttpStatus.BAD_REQUEST, "body could not be read");
        } finally {
            reading.release();
        }
    }

    private static Read refuse(Context ctx, HttpStatus status, String why) {
        ctx.status(status).result(why);
        // The rest of a refused body is not waited for.
        ctx.header("Connection", "close");
        return new Read.Refused(status);
    }
}

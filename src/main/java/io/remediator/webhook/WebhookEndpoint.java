package io.remediator.webhook;

import io.remediator.report.ReportSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.remediator.metrics.RemediatorMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * `POST /alertmanager/webhook`. Everything here is cheap (parse, validate, one write to the API
 * server; web.AccessCheck checked the credentials before) so the answer comes in milliseconds;
 * diagnosis happens on the leader. Status codes follow what
 * Alertmanager does with them: it retries 5xx only, so "try again later" must be 503 and a 4xx
 * is only for a request that will never succeed.
 */
public final class WebhookEndpoint implements Handler {
    private final long maxBodyBytes;
    private final ObjectMapper json;
    private final PayloadReader reader;
    private final AlertIntake intake;
    private final RemediatorMetrics metrics;
    /**
     * Deliveries handled at once. Past this the webhook answers 503 with Retry-After at once, so a
     * flood of deliveries cannot take every server thread from `/healthz`, `/readyz` and the pages.
     */
    static final int MAX_CONCURRENT_DELIVERIES = 32;
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_CONCURRENT_DELIVERIES);

    public WebhookEndpoint(long maxBodyBytes, ObjectMapper json, AlertIntake intake,
                           RemediatorMetrics metrics) {
        this.maxBodyBytes = maxBodyBytes;
        this.json = json;
        this.reader = new PayloadReader(json);
        this.intake = intake;
        this.metrics = metrics;
    }

    @Override
    public void handle(Context ctx) throws IOException {
        ctx.attribute(STARTED, System.nanoTime());
        if (!inFlight.tryAcquire()) {
            ctx.header("Retry-After", "5");
            answer(ctx, HttpStatus.SERVICE_UNAVAILABLE, "busy",
                    Map.of("error", "more than " + MAX_CONCURRENT_DELIVERIES + " deliveries at once; try again"));
            return;
        }
        try {
            handleOne(ctx);
        } finally {
            inFlight.release();
        }
    }

    private void handleOne(Context ctx) throws IOException {
        byte[] body = readLimited(ctx);
        if (body == null) {
            answer(ctx, HttpStatus.CONTENT_TOO_LARGE, "too_large",
                    Map.of("error", "body larger than webhook.maxBodyBytes (" + maxBodyBytes + " bytes)"));
            return;
        }
        PayloadReader.Read read = reader.read(body);
        if (read instanceof PayloadReader.Read.Malformed m) {
            answer(ctx, HttpStatus.BAD_REQUEST, "malformed", Map.of("error", "malformed JSON: " + m.why()));
            return;
        }
        if (read instanceof PayloadReader.Read.Invalid invalid) {
            answer(ctx, HttpStatus.BAD_REQUEST, "invalid",
                    Map.of("error", "invalid Alertmanager payload", "problems", invalid.problems()));
            return;
        }
        AlertIntake.Outcome outcome = intake.accept(((PayloadReader.Read.Payload) read).payload());
        if (outcome instanceof AlertIntake.Outcome.Accepted accepted) {
            answer(ctx, HttpStatus.OK, "accepted", Map.of(
                    "status", "accepted",
                    "workItems", accepted.items().stream().map(ReportSpec::id).toList(),
                    "newReports", accepted.newReports(),
                    "ignoredAlerts", accepted.ignoredAlerts()));
        } else if (outcome instanceof AlertIntake.Outcome.TooLarge tooLarge) {
            answer(ctx, HttpStatus.CONTENT_TOO_LARGE, "too_large", Map.of("error", tooLarge.reason()));
        } else if (outcome instanceof AlertIntake.Outcome.Unavailable unavailable) {
            ctx.header("Retry-After", "10");
            answer(ctx, HttpStatus.SERVICE_UNAVAILABLE, "unavailable", Map.of("error", unavailable.reason()));
        }
    }

    /** The body, or null when it exceeds the limit; never reads more than limit + 1 bytes. */
    private byte[] readLimited(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            return null;
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            return body.length > maxBodyBytes ? null : body;
        }
    }

    private static final String STARTED = "remediator.webhook.started";

    private void answer(Context ctx, HttpStatus status, String outcome, Map<String, ?> body) {
        metrics.webhookRequest(outcome);
        Long started = ctx.attribute(STARTED);
        if (started != null) {
            metrics.webhookAnswered(outcome, java.time.Duration.ofNanos(System.nanoTime() - started));
        }
        ctx.status(status).json(body);
    }
}

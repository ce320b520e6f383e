package io.remediator.web;

import io.javalin.http.Context;

/**
 * Headers on every response: the pages run no script and load nothing from elsewhere, may not be
 * framed, leak no referrer, and JSON is never sniffed as HTML. API answers (reports, approvals)
 * are not cached by browsers or proxies.
 */
public final class SecurityHeaders {
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {}

    public static void apply(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        if (ctx.path().startsWith("/api/") || ctx.path().startsWith("/alertmanager/")) {
            ctx.header("Cache-Control", "no-store");
        }
    }
}

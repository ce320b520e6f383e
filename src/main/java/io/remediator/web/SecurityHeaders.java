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

    /**
     * Jetty's own error pages (a 400, 414 or 431 for a request Javalin never sees) with the same
     * headers (redteam-2 W3), and without a stack trace.
     */
    public static org.eclipse.jetty.server.handler.ErrorHandler errorPages() {
        org.eclipse.jetty.server.handler.ErrorHandler pages = new org.eclipse.jetty.server.handler.ErrorHandler() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                  org.eclipse.jetty.util.Callback callback) throws Exception {
                org.eclipse.jetty.http.HttpFields.Mutable h = response.getHeaders();
                h.put("Content-Security-Policy", CSP);
                h.put("X-Content-Type-Options", "nosniff");
                h.put("X-Frame-Options", "DENY");
                h.put("Referrer-Policy", "no-referrer");
                return super.handle(request, response, callback);
            }
        };
        pages.setShowStacks(false);
        return pages;
    }

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

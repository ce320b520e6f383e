package io.remediator.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A browser's way in when `api.readToken` is set (redteam-2 W6: the Slack "Open report" link, the
 * approval page's links and its redirect after approving all led to a 401 JSON body). `/login`
 * asks for the read (or admin) token once and sets a session cookie: an HMAC under the token, not
 * the token, HttpOnly, SameSite=Strict, Secure over TLS, for 8 hours. The cookie opens the report
 * pages and the JSON API to read; approving through the API still needs the admin token in the
 * Authorization header.
 */
final class ReaderLogin {
    static final String COOKIE = "remediator_reader";
    private static final int MAX_FORM_BYTES = 4 * 1024;
    private static final int SESSION_SECONDS = 8 * 3600;

    private final BearerToken read;
    private final BearerToken admin;
    private final boolean secure;
    private final UnauthenticatedBodies bodies = new UnauthenticatedBodies();

    /** @param admin null when none is set */
    ReaderLogin(BearerToken read, BearerToken admin, boolean secure) {
        this.read = read;
        this.admin = admin;
        this.secure = secure;
    }

    void register(RoutesConfig routes) {
        routes.get("/login", ctx -> form(ctx, HttpStatus.OK, next(ctx.queryParam("next")), null), Access.ANYONE);
        routes.post("/login", this::login, Access.ANYONE);
    }

    /** True when the request carries a session cookie made with the read or the admin token. */
    boolean hasSession(Context ctx) {
        String cookie = ctx.cookie(COOKIE);
        return cookie != null && (read.matchesSession(cookie) || admin != null && admin.matchesSession(cookie));
    }

    /** Where a browser that may not read yet is sent: the login form, then back here. */
    static String loginFor(Context ctx) {
        String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        return "/login?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8);
    }

    private void login(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        if (ApprovalPage.crossSite(ctx)) {
            ctx.status(HttpStatus.FORBIDDEN).result("refused: a cross-site request");
            return;
        }
        if (!(bodies.read(ctx, MAX_FORM_BYTES) instanceof UnauthenticatedBodies.Read.Body form)) {
            return;
        }
        String body = new String(form.bytes(), StandardCharsets.US_ASCII);
        String token = ApprovalPage.formField(body, "token");
        String next = next(ApprovalPage.formField(body, "next"));
        BearerToken matched = read.matchesValue(token) ? read : admin != null && admin.matchesValue(token) ? admin : null;
        if (matched == null) {
            form(ctx, HttpStatus.UNAUTHORIZED, next, "That is not the read token (nor the admin token).");
            return;
        }
        ctx.header("Set-Cookie", COOKIE + "=" + matched.sessionValue() + "; Path=/; Max-Age=" + SESSION_SECONDS
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
        ctx.redirect(next, HttpStatus.SEE_OTHER);
    }

    /** Only a path of this service: never another site (an open redirect), never `//host`. */
    static String next(String wanted) {
        if (wanted == null || !wanted.startsWith("/") || wanted.startsWith("//") || wanted.startsWith("/\\")
                || wanted.chars().anyMatch(c -> c < 0x21 || c == 0x7f) || wanted.length() > 2000) {
            return "/reports";
        }
        return wanted;
    }

    private static void form(Context ctx, HttpStatus status, String next, String problem) {
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).html("<!doctype html><html><head><meta charset=\"utf-8\"><title>Reports: sign in</title></head>"
                + "<body><h1>kubevirt-remediator reports</h1>"
                + (problem == null ? "" : "<p role=\"alert\">" + escape(problem) + "</p>")
                + "<p>These reports need the read token (<code>api.readToken</code>) or the admin token.</p>"
                + "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"next\" value=\"" + escape(next)
                + "\"><label>Token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required>"
                + "</label> <button type=\"submit\">Open the reports</button></form></body></html>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}

package io.remediator.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.javalin.security.RouteRole;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs before every matched route and lets the request through only with what the route's
 * {@link Access} asks for. A route without a role is refused: forgetting one fails closed.
 */
public final class AccessCheck implements Handler {
    private final Credentials alertmanager;
    private final BearerToken readToken;
    private final BearerToken adminToken;
    private final Consumer<String> webhookRejected;
    private final ReaderLogin login;

    /**
     * @param readToken       null: reports are open to anyone who reaches the service
     * @param adminToken      null: approvals are disabled
     * @param webhookRejected counts a webhook delivery refused here (the webhook's own metric)
     */
    public AccessCheck(Credentials alertmanager, BearerToken readToken, BearerToken adminToken,
                       Consumer<String> webhookRejected) {
        this(alertmanager, readToken, adminToken, webhookRejected, false);
    }

    /** @param tls whether the service serves HTTPS: a browser's session cookie is then Secure */
    public AccessCheck(Credentials alertmanager, BearerToken readToken, BearerToken adminToken,
                       Consumer<String> webhookRejected, boolean tls) {
        this.alertmanager = alertmanager;
        this.readToken = readToken;
        this.adminToken = adminToken;
        this.webhookRejected = webhookRejected;
        this.login = readToken == null ? null : new ReaderLogin(readToken, adminToken, tls);
    }

    /** `/login` for browsers, when reports need a token. */
    public void register(io.javalin.config.RoutesConfig routes) {
        if (login != null) {
            login.register(routes);
        }
    }

    @Override
    public void handle(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        String auth = ctx.header("Authorization");
        if (roles.contains(Access.ANYONE) || roles.contains(Access.SCRAPER) || roles.contains(Access.LINK_HOLDER)
                || roles.contains(Access.SLACK)) {
            return;
        }
        if (roles.contains(Access.ALERTMANAGER)) {
            if (!alertmanager.matches(auth)) {
                webhookRejected.accept("unauthorized");
                refuse(ctx.header("WWW-Authenticate", alertmanager.challenge()), HttpStatus.UNAUTHORIZED,
                        "missing or wrong credentials");
            }
        } else if (roles.contains(Access.REPORT_READER)) {
            if (readToken != null && !readToken.matches(auth) && (adminToken == null || !adminToken.matches(auth))
                    && !login.hasSession(ctx)) {
                if ("GET".equals(ctx.method().name()) && ctx.path().startsWith("/reports")
                        && String.valueOf(ctx.header("Accept")).contains("text/html")) {
                    // A browser (the Slack link, the approval page's links): to the login form and back.
                    ctx.redirect(ReaderLogin.loginFor(ctx), HttpStatus.SEE_OTHER);
                    ctx.skipRemainingHandlers();
                    return;
                }
                refuse(ctx.header("WWW-Authenticate", "Bearer"), HttpStatus.UNAUTHORIZED,
                        "reports need api.readToken (or the admin token) as a bearer token, or a browser session"
                                + " from /login");
            }
        } else if (roles.contains(Access.APPROVER)) {
            ctx.header("Cache-Control", "no-store");
            if (adminToken == null) {
                refuse(ctx, HttpStatus.FORBIDDEN, "approvals are disabled: set api.adminToken");
            } else if (!adminToken.matches(auth)) {
                refuse(ctx.header("WWW-Authenticate", "Bearer"), HttpStatus.UNAUTHORIZED, "missing or wrong admin bearer token");
            }
        } else if ("HEAD".equals(ctx.method().name())) {
            // Javalin answers HEAD with the GET route but without its role: refused, as nothing is open blindly.
            ctx.header("Allow", "GET");
            refuse(ctx, HttpStatus.METHOD_NOT_ALLOWED, "use GET");
        } else {
            refuse(ctx, HttpStatus.FORBIDDEN, "this route names no access role");
        }
    }

    private static void refuse(Context ctx, HttpStatus status, String why) {
        ctx.status(status).json(Map.of("error", why));
        ctx.skipRemainingHandlers();
    }
}

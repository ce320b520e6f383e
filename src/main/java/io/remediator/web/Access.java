package io.remediator.web;

import io.javalin.security.RouteRole;

/** Who may call a route. Every route names one; {@link AccessCheck} is the only place that checks it. */
public enum Access implements RouteRole {
    /** Probes and the redirect to the index: no credentials. */
    ANYONE,
    /** `/metrics`: open, like every Prometheus target in the cluster (docs/security.md). */
    SCRAPER,
    /** Alertmanager: `webhook.bearerToken(File)` or `webhook.basicAuth`. */
    ALERTMANAGER,
    /** Report pages and the JSON API: `api.readToken` (or the admin token) when set, else anyone. */
    REPORT_READER,
    /** The approval page: the signed link in the request is the credential; the page checks it. */
    LINK_HOLDER,
    /** Slack's interaction callbacks: the request's signature is the credential; the route checks it. */
    SLACK,
    /** Approvals: `api.adminToken`; refused altogether when none is set. */
    APPROVER
}

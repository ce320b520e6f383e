package io.remediator.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.remediator.remediation.Action;
import io.remediator.remediation.PassResult;
import io.remediator.remediation.PlannedAction;
import io.remediator.approval.ApprovalLinks;
import io.remediator.approval.ApprovalOutcome;
import io.remediator.approval.ApprovalRules;
import io.remediator.report.Report;
import io.remediator.report.ReportStore;
import io.remediator.report.StoredReport;
import java.io.StringWriter;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `/approvals/{id}?t=…`, the page an approval link opens. GET only shows what would be approved and
 * a confirm button: Slack's link expander, mail scanners and prefetchers fetch GETs (and HEADs), so
 * opening the link approves nothing. Only the POST from the page's form approves, through the same
 * function as `POST /api/reports/{id}/approve`. A used link answers 409, an expired one 410, a
 * tampered one or one for another report 403, and a plan changed since 409 with the new plan shown.
 */
public final class ApprovalPage {
    private final ReportStore store;
    private final ApprovalLinks links;
    private final io.remediator.approval.Approver approver;
    private final String identityHeader;
    private final Action maxAction;
    private final Clock clock;
    private final UnauthenticatedBodies bodies = new UnauthenticatedBodies();
    /** The form carries one signed token of a few hundred bytes. */
    static final int MAX_FORM_BYTES = 8 * 1024;
    private final Mustache template = new DefaultMustacheFactory("templates").compile("approval.mustache");

    private final io.remediator.approval.OwnerLinkApprovers owners;

    /** @param identityHeader the SSO proxy's identity header, or blank: the approver is then "link holder" */
    public ApprovalPage(ReportStore store, ApprovalLinks links, io.remediator.approval.Approver approver,
                        String identityHeader,
                        Action maxAction, Clock clock) {
        this(store, links, approver, identityHeader, maxAction, clock, io.remediator.approval.OwnerLinkApprovers.NONE);
    }

    /** @param owners who may approve with an owner channel's link (the identity looked up in Slack) */
    public ApprovalPage(ReportStore store, ApprovalLinks links, io.remediator.approval.Approver approver,
                        String identityHeader, Action maxAction, Clock clock, io.remediator.approval.OwnerLinkApprovers owners) {
        this.owners = owners;
        this.store = store;
        this.links = links;
        this.approver = approver;
        this.identityHeader = identityHeader == null || identityHeader.isBlank() ? null : identityHeader;
        this.maxAction = maxAction;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.get("/approvals/{id}", this::show, Access.LINK_HOLDER);
        routes.post("/approvals/{id}", this::confirm, Access.LINK_HOLDER);
    }

    /**
     * What a link is good for now, or the page that says why not.
     *
     * @param owner for an owner channel's link, who the person is and which namespaces they approve for; else null
     */
    private record Checked(StoredReport report, ApprovalLinks.Check.Valid link, List<PlannedAction> approvable,
                           List<PlannedAction> notHere, io.remediator.approval.OwnerLinkApprovers.May owner) {}

    private String identity(Context ctx) {
        String v = identityHeader == null ? null : ctx.header(identityHeader);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private Optional<Checked> check(Context ctx, String token) {
        ctx.header("Cache-Control", "no-store");
        String id = ctx.pathParam("id");
        // The signature first, before the report is read (redteam-2 W7): without a link this
        // service signed for this id, nobody learns whether the report exists or what it is about.
        ApprovalLinks.Check c = links.check(token, id, clock.instant());
        if (c instanceof ApprovalLinks.Check.Tampered || c instanceof ApprovalLinks.Check.OtherReport) {
            page(ctx, HttpStatus.FORBIDDEN, "Not a valid approval link", null, "This link was not made for this"
                    + " report, or it was changed.", null, List.of(), List.of());
            return Optional.empty();
        }
        Optional<StoredReport> found = ReportRoutes.validId(id) ? store.read(id) : Optional.empty();
        if (found.isEmpty()) {
            page(ctx, HttpStatus.NOT_FOUND, "No such report", null, "There is no report " + id + ".", null, List.of(), List.of());
            return Optional.empty();
        }
        StoredReport r = found.get();
        if (c instanceof ApprovalLinks.Check.Expired e) {
            page(ctx, HttpStatus.GONE, "This approval link expired", r, "It expired at " + e.at() + ". The report page"
                    + " shows the current plan.", null, List.of(), List.of());
            return Optional.empty();
        }
        ApprovalLinks.Check.Valid v = (ApprovalLinks.Check.Valid) c;
        io.remediator.approval.OwnerLinkApprovers.May owner = null;
        if (v.channel() != null) {
            // An owner channel's link: only for that channel's namespaces' approvers, and only their actions.
            io.remediator.approval.OwnerLinkApprovers.Answer a = owners.of(v.channel(), identity(ctx));
            if (a instanceof io.remediator.approval.OwnerLinkApprovers.Refused refused) {
                page(ctx, HttpStatus.FORBIDDEN, "You cannot approve with this link", r, "This link is from an owner"
                        + " channel's message: " + refused.why() + ".", null, List.of(), List.of());
                return Optional.empty();
            }
            owner = (io.remediator.approval.OwnerLinkApprovers.May) a;
        }
        java.util.Set<String> mine = owner == null ? null : owner.namespaces();
        PassResult plan = r.status() == null ? null : r.status().remediation();
        List<PlannedAction> approvable = plan == null ? List.of() : ApprovalRules.approvableFromSlack(plan, maxAction)
                .stream().filter(a -> mine == null || mine.contains(a.namespace())).toList();
        List<PlannedAction> notHere = plan == null ? List.of()
                : plan.awaitingApproval().stream().filter(a -> !approvable.contains(a))
                // An owner channel's link shows nothing of the other teams' VMs.
                .filter(a -> mine == null || mine.contains(a.namespace())).toList();
        if (r.spec().usedLinks().contains(v.linkId())) {
            page(ctx, HttpStatus.CONFLICT, "This approval link was used already", r, "Who approved what is on the"
                    + " report page.", null, List.of(), List.of());
            return Optional.empty();
        }
        if (plan == null || !v.plan().matches(plan)) {
            page(ctx, HttpStatus.CONFLICT, "The plan changed", r, "The actions awaiting approval are not the ones this"
                    + " link was made for any more. This is the new plan; its own link is in the report's Slack"
                    + " message.", null, approvable, notHere);
            return Optional.empty();
        }
        if (approvable.isEmpty()) {
            page(ctx, HttpStatus.CONFLICT, "Nothing to approve with this link", r, "No action of this plan awaits an"
                    + " approval a link may give.", null, approvable, notHere);
            return Optional.empty();
        }
        return Optional.of(new Checked(r, v, approvable, notHere, owner));
    }

    private void show(Context ctx) {
        String token = ctx.queryParam("t");
        check(ctx, token).ifPresent(c -> page(ctx, HttpStatus.OK, "Approve " + c.approvable().size() + " action(s)?",
                c.report(), null, Map.of("token", token, "count", c.approvable().size(), "expires", c.link().expires()),
                c.approvable(), c.notHere()));
    }

    private void confirm(Context ctx) {
        if (crossSite(ctx)) {
            // A page elsewhere that makes the approver's browser post a link it saw (redteam-2 N11).
            ctx.status(HttpStatus.FORBIDDEN).result("refused: a cross-site request");
            return;
        }
        if (!(bodies.read(ctx, MAX_FORM_BYTES) instanceof UnauthenticatedBodies.Read.Body form)) {
            return;
        }
        String token = formField(new String(form.bytes(), java.nio.charset.StandardCharsets.US_ASCII), "t");
        String id = ctx.pathParam("id");
        ctx.header("Cache-Control", "no-store");
        // The signature is checked without a read; the report is read once, by the approval's own
        // write, which checks the plan, the link and what it offers on that very version.
        if (!(links.check(token, id, clock.instant()) instanceof ApprovalLinks.Check.Valid v) || !ReportRoutes.validId(id)) {
            check(ctx, token); // the page that says why (a read only on this path)
            return;
        }
        String by = identity(ctx) != null ? identity(ctx) : "link holder";
        java.util.Set<String> namespaces = null;
        if (v.channel() != null) {
            // Asked again on the POST: the GET's answer is not carried by the form.
            io.remediator.approval.OwnerLinkApprovers.Answer a = owners.of(v.channel(), identity(ctx));
            if (!(a instanceof io.remediator.approval.OwnerLinkApprovers.May may)) {
                check(ctx, token); // the page that says why
                return;
            }
            namespaces = may.namespaces();
            by = may.approver();
        }
        ApprovalOutcome outcome = approver.approve(id, v.plan(), new io.remediator.approval.Selection.Offered(maxAction,
                null, namespaces), by.length() > 100 ? by.substring(0, 100) : by, "link", v.linkId());
        if (outcome instanceof ApprovalOutcome.Approved) {
            ctx.status(HttpStatus.SEE_OTHER).header("Location", "/reports/" + id);
            return;
        }
        // Not approved: the page says why, from the report as it is now.
        Optional<Checked> checked = check(ctx, token);
        if (checked.isEmpty()) {
            return;
        }
        Checked c = checked.get();
        if (outcome instanceof ApprovalOutcome.LinkUsed) {
            page(ctx, HttpStatus.CONFLICT, "This approval link was used already", c.report(), null, null, List.of(),
                    List.of());
        } else {
            page(ctx, HttpStatus.CONFLICT, "Not approved", c.report(), "The plan changed or closed while you looked:"
                    + " the report page shows where it stands.", null, List.of(), List.of());
        }
    }

    /** Rows per list on the page (redteam-2 N3: a 600-action plan once made a 41 MB page). */
    static final int MAX_LISTED = 50;

    /**
     * Sent from another site's page: the browser says so (`Sec-Fetch-Site: cross-site`), or the
     * request's `Origin` is not this service's own host. The confirmation form on this page posts
     * same-origin; curl and other tools send neither header.
     */
    static boolean crossSite(Context ctx) {
        // Browsers say where a request comes from; this page posts same-origin. (Its
        // `Referrer-Policy: no-referrer` makes Chromium send `Origin: null` with it, so the
        // browser's own Sec-Fetch-Site decides where it is sent.)
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.isBlank()) {
            return !("same-origin".equalsIgnoreCase(site.strip()) || "none".equalsIgnoreCase(site.strip()));
        }
        String origin = ctx.header("Origin");
        if (origin == null || origin.isBlank() || "null".equals(origin.strip())) {
            return false;
        }
        try {
            java.net.URI o = java.net.URI.create(origin.strip());
            String host = ctx.header("Host");
            String originHost = o.getHost() == null ? "" : o.getHost() + (o.getPort() < 0 ? "" : ":" + o.getPort());
            return host == null || !originHost.equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** One field of an `application/x-www-form-urlencoded` body, or null. */
    static String formField(String form, String name) {
        try {
            return field(form, name);
        } catch (IllegalArgumentException e) {
            return null; // not form encoding: no token, refused as any missing token is
        }
    }

    private static String field(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (name.equals(java.net.URLDecoder.decode(key, java.nio.charset.StandardCharsets.UTF_8))) {
                return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void page(Context ctx, HttpStatus status, String heading, StoredReport r, String problem,
                      Map<String, Object> confirm, List<PlannedAction> actions, List<PlannedAction> notHere) {
        Map<String, Object> view = new HashMap<>();
        Report report = r == null ? null : r.report();
        view.put("heading", heading);
        view.put("id", ctx.pathParam("id"));
        view.put("alertname", report == null ? "" : report.alertname());
        view.put("problem", problem);
        view.put("pass", report == null || report.remediation() == null ? 0 : report.remediation().pass());
        // Each list rendered once and capped: a plan of thousands of actions is a page of kilobytes.
        view.put("hasActions", !actions.isEmpty());
        view.put("actions", actions.stream().limit(MAX_LISTED).toList());
        view.put("actionsMore", actions.size() > MAX_LISTED ? actions.size() - MAX_LISTED : null);
        view.put("hasNotHere", !notHere.isEmpty());
        view.put("notHere", notHere.stream().limit(MAX_LISTED).toList());
        view.put("notHereMore", notHere.size() > MAX_LISTED ? notHere.size() - MAX_LISTED : null);
        view.put("confirm", confirm);
        StringWriter out = new StringWriter();
        template.execute(out, view);
        ctx.status(status).html(out.toString());
    }
}

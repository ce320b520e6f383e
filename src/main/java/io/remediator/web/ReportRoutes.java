package io.remediator.web;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.logging.LogSafe;
import io.remediator.approval.ApprovalOutcome;
import io.remediator.report.Report;
import io.remediator.report.ReportStore;
import io.remediator.report.StoredEpisodes;
import io.remediator.runbook.RecommendedAction;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** `/api/reports`, `/api/reports/{id}` (JSON) and `/reports`, `/reports/{id}` (HTML). */
public final class ReportRoutes {
    private final ReportStore store;
    private final StoredEpisodes episodes;
    private final ReportPages pages;
    private final io.remediator.approval.Approver approve;
    private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /**
     * @param episodes the index as every replica watches it; until its first LIST the index is read
     *                 from the API server
     * @param approve  approves what the operator reviewed (who may is {@link AccessCheck}'s call)
     */
    private java.util.function.Supplier<Map<String, Object>> currentRollout = () -> null;

    /** The index links to the current KubeVirt rollout (its page), when there is one. */
    public ReportRoutes linkingRollouts(java.util.function.Supplier<Map<String, Object>> current) {
        this.currentRollout = current;
        return this;
    }

    public ReportRoutes(ReportStore store, StoredEpisodes episodes, ReportPages pages,
                        io.remediator.approval.Approver approve) {
        this.store = store;
        this.episodes = episodes;
        this.pages = pages;
        this.approve = approve;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/reports", ctx -> {
            IndexQuery q = IndexQuery.of(ctx);
            StoredEpisodes.Page page = index(q);
            // The body stays a plain array of summaries; the page is in headers (RFC 8288 links).
            ctx.header("X-Total-Count", String.valueOf(page.total()));
            List<String> links = new java.util.ArrayList<>();
            String next = q.next(ctx.path(), page);
            String prev = q.prev(ctx.path(), page);
            if (next != null) {
                links.add("<" + next + ">; rel=\"next\"");
            }
            if (prev != null) {
                links.add("<" + prev + ">; rel=\"prev\"");
            }
            if (!links.isEmpty()) {
                ctx.header("Link", String.join(", ", links));
            }
            ctx.json(page.items());
        }, Access.REPORT_READER);
        routes.get("/api/reports/{id}", ctx -> ctx.json(find(ctx)), Access.REPORT_READER);
        routes.get("/reports", ctx -> {
            IndexQuery q = IndexQuery.of(ctx);
            ctx.html(pages.index(index(q), q, currentRollout.get()));
        }, Access.REPORT_READER);
        routes.get("/reports/{id}", ctx -> ctx.html(pages.report(find(ctx), action(ctx), IndexQuery.number(ctx, "page", 1, Integer.MAX_VALUE, 1))),
                Access.REPORT_READER);
        routes.post("/api/reports/{id}/approve", this::approve, Access.APPROVER);
        // Reports live in the Kubernetes API: when it fails, say so instead of showing nothing, but
        // without its internals (these routes need no token): the details go to the log.
        routes.exception(KubernetesClientException.class, (e, ctx) -> {
            log.warn("reading reports for {} failed: {}", LogSafe.of(ctx.path()), ApiErrors.describe(e));
            ctx.status(503).header("Retry-After", "10")
                    .json(Map.of("error", "reports are stored in the Kubernetes API, which did not answer; try again"));
        });
    }

    /**
     * A report id is a Kubernetes object name (DNS-1123 subdomain). Anything else cannot name a
     * report, and must never reach the API: a blank name would turn a GET into a LIST of everything.
     */
    public static boolean validId(String id) {
        return id != null && id.length() <= 253 && OBJECT_NAME.matcher(id).matches();
    }

    private static final java.util.regex.Pattern OBJECT_NAME =
            java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReportRoutes.class);

    /**
     * `POST /api/reports/{id}/approve` with `{"pass": N, "actions": ["KEY", ...], "by": "name"}`: the
     * actions the operator reviewed, in the plan of pass N. Anything else approves nothing.
     */
    private void approve(Context ctx) {
        // No read here: the approval reads the report once, for its write.
        if (!validId(ctx.pathParam("id"))) {
            throw new NotFoundResponse("no report with that id");
        }
        ApprovalRequest request;
        try {
            request = json.readValue(ctx.bodyAsBytes(), ApprovalRequest.class);
        } catch (java.io.IOException e) {
            request = null;
        }
        if (request == null || (request.pass() == null) == (request.plan() == null) || request.actions() == null
                || request.actions().isEmpty()) {
            ctx.status(400).json(Map.of("error", "name what you reviewed: {\"pass\": <the plan's pass> (or \"plan\":"
                    + " <its awaitedPlan>), \"actions\": [<action keys>], \"by\": <your name>}"));
            return;
        }
        // `plan` (the report's remediation.awaitedPlan) stays valid across follow-up passes while the
        // awaited actions are unchanged (redteam-2 N7); `pass` names exactly one pass.
        io.remediator.approval.PlanRef plan = request.pass() != null ? new io.remediator.approval.PlanRef.Pass(request.pass())
                : new io.remediator.approval.PlanRef.Awaited(request.plan());
        String by = request.by() == null || request.by().isBlank() ? "admin token" : request.by().strip();
        ApprovalOutcome outcome = approve.approve(ctx.pathParam("id"), plan,
                new io.remediator.approval.Selection.Named(request.actions()), by.length() > 100 ? by.substring(0, 100) : by,
                "api", null);
        if (outcome instanceof ApprovalOutcome.Approved a) {
            ctx.status(202).json(request.pass() != null ? Map.of("approved", a.actions(), "pass", request.pass())
                    : Map.of("approved", a.actions(), "plan", request.plan()));
        } else if (outcome instanceof ApprovalOutcome.Stale st) {
            ctx.status(409).json(Map.of("error", "the plan changed since " + plan.described() + ": review pass "
                    + st.currentPass() + " and approve from it", "currentPass", st.currentPass(), "awaiting", st.awaiting()));
        } else if (outcome instanceof ApprovalOutcome.NotAwaiting n) {
            ctx.status(409).json(Map.of("error", "not awaiting approval in this plan: " + n.actions(),
                    "awaiting", n.awaiting()));
        } else if (outcome instanceof ApprovalOutcome.LinkUsed) {
            ctx.status(409).json(Map.of("error", "this approval link was used already"));
        } else if (outcome instanceof ApprovalOutcome.NotOpen n) {
            ctx.status(409).json(Map.of("error", n.why()));
        } else if (outcome instanceof ApprovalOutcome.NoReport) {
            throw new NotFoundResponse("no report with id " + ctx.pathParam("id"));
        } else {
            ctx.status(409).json(Map.of("error", "not approved: " + outcome));
        }
    }

    /** The body of an approval: what the operator reviewed. */
    record ApprovalRequest(Integer pass, String plan, List<String> actions, String by) {}

    private static RecommendedAction action(Context ctx) {
        String action = ctx.queryParam("action");
        if (action == null || action.isEmpty()) {
            return null;
        }
        try {
            return RecommendedAction.valueOf(action);
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("action must be one of " + Arrays.toString(RecommendedAction.values()));
        }
    }

    /** From the watch when it has listed once; before that, read from the API server (slower, exact). */
    private StoredEpisodes.Page index(IndexQuery q) {
        // Alert reports only: rollout records (stored alike, for `kubectl get`) have /api/rollouts.
        return StoredEpisodes.page(episodes.synced() ? episodes.summaries() : store.summaries().stream(),
                q.filter().and(s -> !io.remediator.rollout.RolloutSource.KIND.equals(s.alertname())), q.page(),
                q.pageSize());
    }

    private static final java.util.regex.Pattern NAMESPACE = java.util.regex.Pattern.compile(
            "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private Report find(Context ctx) {
        String id = ctx.pathParam("id");
        if (!validId(id)) {
            throw new NotFoundResponse("no report with that id");
        }
        Report found = store.find(id).orElseThrow(() -> new NotFoundResponse("no report with id " + id));
        String namespace = ctx.queryParam("namespace");
        if (namespace != null && !namespace.isEmpty() && !NAMESPACE.matcher(namespace).matches()) {
            throw new BadRequestResponse("namespace must be a namespace name (a DNS label)");
        }
        // An owner channel's link shows its namespace's VMIs and actions only.
        Report r = namespace == null || namespace.isEmpty() ? found : found.inNamespace(namespace);
        // The alert's report links to the open rollout its VMIs belong to (docs/rollouts.md), and
        // shows its migration failures or, with no rollout to count from, the window's.
        return failures.linked(r);
    }

    private java.util.function.Supplier<java.util.Optional<io.remediator.rollout.FailureWindow>> failureWindow =
            java.util.Optional::empty;
    private final io.remediator.rollout.ReportFailures failures = new io.remediator.rollout.ReportFailures(
            () -> currentRollout.get(), () -> failureWindow.get());

    /** The alert's report shows the failures counted with no rollout to count from. */
    public ReportRoutes countingWithoutRollout(
            java.util.function.Supplier<java.util.Optional<io.remediator.rollout.FailureWindow>> window) {
        this.failureWindow = window;
        return this;
    }
}

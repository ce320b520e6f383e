package io.remediator.report;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.logging.LogSafe;
import io.remediator.runbook.RecommendedAction;
import io.remediator.webhook.BearerToken;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** `/api/reports`, `/api/reports/{id}` (JSON) and `/reports`, `/reports/{id}` (HTML). */
public final class ReportRoutes {
    private final ReportStore store;
    private final ReportPages pages;
    private final BearerToken adminToken;
    private final Function<String, Optional<Set<String>>> approve;

    /**
     * @param adminToken guards approvals; null disables them
     * @param approve    approves what a report awaits; empty when it awaits nothing
     */
    public ReportRoutes(ReportStore store, ReportPages pages, BearerToken adminToken,
                        Function<String, Optional<Set<String>>> approve) {
        this.store = store;
        this.pages = pages;
        this.adminToken = adminToken;
        this.approve = approve;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/reports", ctx -> ctx.json(store.summaries()));
        routes.get("/api/reports/{id}", ctx -> ctx.json(find(ctx)));
        routes.get("/reports", ctx -> ctx.html(pages.index(store.summaries())));
        routes.get("/reports/{id}", ctx -> ctx.html(pages.report(find(ctx), action(ctx))));
        routes.post("/api/reports/{id}/approve", this::approve);
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
    static boolean validId(String id) {
        return id != null && id.length() <= 253 && OBJECT_NAME.matcher(id).matches();
    }

    private static final java.util.regex.Pattern OBJECT_NAME =
            java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReportRoutes.class);

    private void approve(Context ctx) {
        if (adminToken == null) {
            ctx.status(403).json(Map.of("error", "approvals are disabled: set api.adminToken"));
            return;
        }
        if (!adminToken.matches(ctx.header("Authorization"))) {
            ctx.status(401).json(Map.of("error", "missing or wrong admin bearer token"));
            return;
        }
        find(ctx);
        Optional<Set<String>> approved = approve.apply(ctx.pathParam("id"));
        if (approved.isEmpty()) {
            ctx.status(409).json(Map.of("error", "nothing in this report awaits approval (or its alert resolved,"
                    + " or a newer episode of its alert group replaced it)"));
            return;
        }
        ctx.status(202).json(Map.of("approved", approved.get().stream().sorted().toList()));
    }

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

    private Report find(Context ctx) {
        String id = ctx.pathParam("id");
        if (!validId(id)) {
            throw new NotFoundResponse("no report with that id");
        }
        return store.find(id).orElseThrow(() -> new NotFoundResponse("no report with id " + id));
    }
}

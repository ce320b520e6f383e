package io.remediator.report;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.remediator.kubevirt.ApiErrors;
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
        // Reports live in the Kubernetes API: when it fails, say so instead of showing nothing.
        routes.exception(KubernetesClientException.class, (e, ctx) -> ctx.status(503).header("Retry-After", "10")
                .json(Map.of("error", "reports are stored in the Kubernetes API, which failed: " + ApiErrors.describe(e))));
    }

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
        return store.find(ctx.pathParam("id"))
                .orElseThrow(() -> new NotFoundResponse("no report with id " + ctx.pathParam("id")));
    }
}

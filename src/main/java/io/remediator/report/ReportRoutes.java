package io.remediator.report;

import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.remediator.runbook.RecommendedAction;
import java.util.Arrays;

/** `/api/reports`, `/api/reports/{id}` (JSON) and `/reports`, `/reports/{id}` (HTML). */
public final class ReportRoutes {
    private final ReportStore store;
    private final ReportPages pages;

    public ReportRoutes(ReportStore store, ReportPages pages) {
        this.store = store;
        this.pages = pages;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/reports", ctx -> ctx.json(store.newestFirst().stream().map(ReportSummary::of).toList()));
        routes.get("/api/reports/{id}", ctx -> ctx.json(find(ctx)));
        routes.get("/reports", ctx -> ctx.html(pages.index(store.newestFirst())));
        routes.get("/reports/{id}", ctx -> ctx.html(pages.report(find(ctx), action(ctx))));
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

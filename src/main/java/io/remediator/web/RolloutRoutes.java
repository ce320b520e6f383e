package io.remediator.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.NotFoundResponse;
import io.remediator.rollout.RolloutRecords;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollout records as JSON (issue 24, first slice): `GET /api/rollouts` (newest first),
 * `/api/rollouts/current` (404 when there never was one) and `/api/rollouts/{id}`. Read like the
 * reports: `api.readToken` when set.
 */
public final class RolloutRoutes {
    private final RolloutRecords records;

    public RolloutRoutes(RolloutRecords records) {
        this.records = records;
    }

    private static final java.time.format.DateTimeFormatter HUMAN_TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);
    private static final int CHART_WIDTH = 720;
    private static final int CHART_HEIGHT = 240;
    private final com.github.mustachejava.Mustache page = new com.github.mustachejava.DefaultMustacheFactory("templates")
            .compile("rollout.mustache");

    /** The newest rollout's link and state for the report index, or null when there never was one. */
    public Map<String, Object> currentLink() {
        List<RolloutRecords.Record> all = records.all();
        if (all.isEmpty() || all.get(0).source() == null) {
            return null;
        }
        RolloutRecords.Record r = all.get(0);
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("id", r.id());
        link.put("open", r.status() == null || !r.status().stage().terminal());
        link.put("url", "/rollouts/" + r.id());
        link.put("toVersion", r.source().toVersion());
        link.put("stage", r.status() == null ? "—" : r.status().stage().name());
        link.put("outdated", r.status() == null ? 0 : r.status().outdated());
        return link;
    }

    public void register(RoutesConfig routes) {
        routes.get("/rollouts/{id}", ctx -> {
            String id = ctx.pathParam("id");
            RolloutRecords.Record r = (ReportRoutes.validId(id) ? records.get(id) : java.util.Optional.<RolloutRecords.Record>empty())
                    .orElseThrow(() -> new NotFoundResponse("no rollout " + id));
            ctx.html(html(r));
        }, Access.REPORT_READER);
        routes.get("/api/rollouts", ctx -> ctx.json(records.all().stream().map(RolloutRoutes::view).toList()),
                Access.REPORT_READER);
        routes.get("/api/rollouts/current", ctx -> {
            List<RolloutRecords.Record> all = records.all();
            if (all.isEmpty()) {
                throw new NotFoundResponse("no KubeVirt update has been seen");
            }
            ctx.json(view(all.get(0)));
        }, Access.REPORT_READER);
        routes.get("/api/rollouts/{id}", ctx -> {
            String id = ctx.pathParam("id");
            if (!ReportRoutes.validId(id)) {
                throw new NotFoundResponse("no rollout " + id);
            }
            ctx.json(view(records.get(id).orElseThrow(() -> new NotFoundResponse("no rollout " + id))));
        }, Access.REPORT_READER);
    }

    /** The page: summary, groups, and the burn-down chart as inline SVG (no script: the CSP forbids it). */
    String html(RolloutRecords.Record r) {
        Map<String, Object> view = new java.util.HashMap<>();
        view.put("r", r);
        view.put("stage", r.status() == null ? "—" : r.status().stage().name());
        if (r.source() != null) {
            view.put("fromVersion", r.source().fromVersion() == null ? "(unknown)" : r.source().fromVersion());
            view.put("toVersion", r.source().toVersion());
            view.put("startedAt", r.source().startedAt() == null ? "(unknown)" : HUMAN_TIME.format(r.source().startedAt()));
            view.put("controlPlaneCompletedAt", r.source().controlPlaneCompletedAt() == null ? "(not yet)"
                    : HUMAN_TIME.format(r.source().controlPlaneCompletedAt()));
            view.put("approximate", r.source().approximate());
        }
        io.remediator.rollout.BurnDownChart chart = io.remediator.rollout.BurnDownChart.of(
                r.status() == null ? List.of() : r.status().history(), CHART_WIDTH, CHART_HEIGHT);
        view.put("groups", chart.series());
        if (r.status() != null) {
            view.put("outdated", r.status().outdated());
            view.put("eta", r.status().etaSeconds() == null ? null : java.time.Duration.ofSeconds(r.status().etaSeconds())
                    .toString().substring(2).toLowerCase(java.util.Locale.ROOT));
            view.put("etaMethod", r.status().etaMethod());
            view.put("etaReason", r.status().etaReason());
            view.put("needsAction", r.status().needsAction());
            view.put("hasNeedsAction", !r.status().needsAction().isEmpty());
        }
        if (!chart.series().isEmpty()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("width", chart.width());
            c.put("height", chart.height());
            c.put("fullHeight", chart.height() + 18);
            c.put("labelY", chart.height() + 14);
            c.put("series", chart.series());
            c.put("maxCount", chart.maxCount());
            c.put("from", HUMAN_TIME.format(chart.from()));
            c.put("to", HUMAN_TIME.format(chart.to()));
            view.put("chart", c);
        }
        java.io.StringWriter out = new java.io.StringWriter();
        page.execute(out, view);
        return out.toString();
    }

    /** One record as the API shows it: the source's fields and the status's, flat. */
    static Map<String, Object> view(RolloutRecords.Record r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id());
        v.put("stage", r.status() == null ? null : r.status().stage());
        if (r.source() != null) {
            v.put("kubevirt", r.source().kubevirt());
            v.put("fromVersion", r.source().fromVersion());
            v.put("toVersion", r.source().toVersion());
            v.put("fromDeploymentID", r.source().fromDeploymentID());
            v.put("toDeploymentID", r.source().toDeploymentID());
            v.put("startedAt", r.source().startedAt());
            v.put("controlPlaneCompletedAt", r.source().controlPlaneCompletedAt());
            v.put("approximate", r.source().approximate());
        }
        if (r.status() != null) {
            v.put("groups", r.status().groups());
            v.put("outdated", r.status().outdated());
            v.put("etaSeconds", r.status().etaSeconds());
            v.put("etaMethod", r.status().etaMethod());
            v.put("etaReason", r.status().etaReason());
            v.put("samples", r.status().samples());
            v.put("medianMigrationSeconds", r.status().medianMigrationSeconds());
            v.put("lastProgressAt", r.status().lastProgressAt());
            v.put("history", r.status().history());
            v.put("needsAction", r.status().needsAction());
        }
        return v;
    }
}

package io.remediator.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.NotFoundResponse;
import io.remediator.rollout.RolloutGroup;
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
        link.put("migrationFailures", r.status() == null ? null : r.status().migrationFailures());
        link.put("systemicFindings", r.status() == null ? List.of() : r.status().systemicFindings());
        return link;
    }

    public void register(RoutesConfig routes) {
        routes.get("/rollouts/{id}", ctx -> {
            String id = ctx.pathParam("id");
            RolloutRecords.Record r = (ReportRoutes.validId(id) ? records.get(id) : java.util.Optional.<RolloutRecords.Record>empty())
                    .orElseThrow(() -> new NotFoundResponse("no rollout " + id));
            ctx.html(html(r, ctx.queryParam("group"), page(ctx.queryParam("page"))));
        }, Access.REPORT_READER);
        routes.get("/api/rollouts/{id}/vmis", ctx -> {
            String id = ctx.pathParam("id");
            RolloutRecords.Record r = (ReportRoutes.validId(id) ? records.get(id) : java.util.Optional.<RolloutRecords.Record>empty())
                    .orElseThrow(() -> new NotFoundResponse("no rollout " + id));
            String group = ctx.queryParam("group");
            if (group == null || java.util.Arrays.stream(RolloutGroup.values()).noneMatch(g -> g.label().equals(group))) {
                throw new io.javalin.http.BadRequestResponse("group must be one of " + java.util.Arrays.stream(
                        RolloutGroup.values()).map(RolloutGroup::label).toList());
            }
            ctx.json(vmiPage(r, group, page(ctx.queryParam("page"))));
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

    static final int PAGE_SIZE = 20;

    private static int page(String raw) {
        if (raw == null || raw.isBlank()) {
            return 1;
        }
        try {
            int p = Integer.parseInt(raw.trim());
            if (p >= 1 && p <= 10_000) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the refusal
        }
        throw new io.javalin.http.BadRequestResponse("page must be a number from 1");
    }

    /**
     * One page of a group's VMIs as the record lists them (its first
     * {@link io.remediator.rollout.RolloutStatus#MAX_LISTED}), with the group's whole count.
     */
    static Map<String, Object> vmiPage(RolloutRecords.Record r, String group, int page) {
        List<io.remediator.rollout.RolloutStatus.Vmi> listed = r.status() == null ? List.of()
                : r.status().vmis().getOrDefault(group, List.of());
        int pages = Math.max(1, (listed.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("group", group);
        v.put("total", r.status() == null ? 0 : r.status().groups().getOrDefault(group, 0));
        v.put("listed", listed.size());
        v.put("page", page);
        v.put("pageSize", PAGE_SIZE);
        v.put("pages", pages);
        v.put("vmis", listed.stream().skip((long) (page - 1) * PAGE_SIZE).limit(PAGE_SIZE).toList());
        return v;
    }

    /** The page: summary, groups, and the burn-down chart as inline SVG (no script: the CSP forbids it). */
    String html(RolloutRecords.Record r) {
        return html(r, null, 1);
    }

    /**
     * @param group the group whose VMIs are listed; null: needs_action when it has any, else the
     *              first group that has
     */
    String html(RolloutRecords.Record r, String group, int pageNumber) {
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
            view.put("concurrency", r.status().concurrency() > 0 ? r.status().concurrency() + " migration(s) at once"
                    + (r.status().kvmNodes() > 0 ? " (" + r.status().kvmNodes() + " KVM node(s))" : "") : null);
            view.put("needsAction", r.status().needsAction());
            view.put("hasNeedsAction", !r.status().needsAction().isEmpty());
            view.put("completed", r.status().completed().entrySet().stream()
                    .map(e -> Map.of("how", e.getKey(), "count", e.getValue())).toList());
            view.put("completedTotal", r.status().completedTotal());
            view.put("findings", r.status().systemicFindings());
            if (r.status().migrationFailures() != null && !r.status().migrationFailures().signatures().isEmpty()) {
                io.remediator.rollout.MigrationFailures f = r.status().migrationFailures();
                Map<String, Object> mf = new LinkedHashMap<>();
                mf.put("failed", f.failed());
                mf.put("succeeded", f.succeeded());
                mf.put("canceled", f.canceled());
                mf.put("failedLauncherPods", r.status().failedLauncherPods());
                mf.put("signatures", f.signatures().stream().map(sig -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("key", sig.key());
                    row.put("class", sig.failureClass().label());
                    row.put("failures", sig.failures());
                    row.put("vmis", sig.vmiCount());
                    row.put("share", Math.round(sig.share() * 100) + "%");
                    row.put("systemic", sig.systemic());
                    row.put("known", sig.known() == null ? null : sig.known().links().isEmpty() ? "known"
                            : sig.known().links().get(0));
                    row.put("example", sig.exampleText());
                    return row;
                }).toList());
                view.put("migrationFailures", mf);
            }
            String shown = group;
            if (shown == null || !r.status().vmis().containsKey(shown)) {
                shown = !r.status().needsAction().isEmpty() ? RolloutGroup.NEEDS_ACTION.label()
                        : r.status().vmis().entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
                        .findFirst().orElse(null);
            }
            if (shown != null) {
                Map<String, Object> p = vmiPage(r, shown, pageNumber);
                String selected = shown;
                // The URLs are built of a validated id and the fixed group labels only (the page prints them raw).
                p.put("tabs", java.util.Arrays.stream(RolloutGroup.values()).map(RolloutGroup::label).map(g -> Map.of(
                        "group", g, "count", r.status().groups().getOrDefault(g, 0), "url", "/rollouts/" + r.id()
                                + "?group=" + g, "selected", g.equals(selected))).toList());
                int pages = (Integer) p.get("pages");
                if (pageNumber > 1) {
                    p.put("previous", "/rollouts/" + r.id() + "?group=" + shown + "&page=" + (pageNumber - 1));
                }
                if (pageNumber < pages) {
                    p.put("next", "/rollouts/" + r.id() + "?group=" + shown + "&page=" + (pageNumber + 1));
                }
                int total = (Integer) p.get("total");
                int listed = (Integer) p.get("listed");
                p.put("more", total > listed ? total - listed : 0);
                view.put("vmiPage", p);
            }
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
            v.put("completed", r.status().completed());
            v.put("migrationFailures", r.status().migrationFailures());
            v.put("failedLauncherPods", r.status().failedLauncherPods());
            v.put("findings", r.status().systemicFindings());
            v.put("kvmNodes", r.status().kvmNodes());
            v.put("concurrency", r.status().concurrency());
            v.put("vmis", r.status().vmis().keySet().stream().collect(java.util.stream.Collectors.toMap(g -> g,
                    g -> "/api/rollouts/" + r.id() + "/vmis?group=" + g, (a, b) -> a, LinkedHashMap::new)));
        }
        return v;
    }
}

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

    public void register(RoutesConfig routes) {
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
        }
        return v;
    }
}

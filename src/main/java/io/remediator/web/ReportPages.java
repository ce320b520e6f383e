package io.remediator.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import io.remediator.remediation.PlannedAction;
import io.remediator.report.Report;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportSummary;
import io.remediator.report.StoredEpisodes;
import io.remediator.runbook.RecommendedAction;
import io.remediator.runbook.Runbooks;
import io.remediator.runbook.VmiFinding;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Renders reports as HTML for a person; Mustache escapes every value, so labels cannot inject markup. */
public final class ReportPages {
    /** VMI rows per page, and the most actions shown; the JSON API always has every VMI and action. */
    static final int MAX_ROWS = 200;
    private static final DateTimeFormatter HUMAN_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final Mustache reportTemplate;
    private final Mustache indexTemplate;
    /** Each registered runbook's part of the page, by alertname (templates/runbooks/). */
    private final Map<String, Mustache> runbookSections = new HashMap<>();

    public ReportPages() {
        MustacheFactory factory = new DefaultMustacheFactory("templates");
        this.reportTemplate = factory.compile("report.mustache");
        this.indexTemplate = factory.compile("reports.mustache");
        Runbooks.ALL.forEach(r -> runbookSections.put(r.alertname(),
                factory.compile("runbooks/" + r.pageFragment() + ".mustache")));
    }

    String index(StoredEpisodes.Page page, IndexQuery q) {
        return index(page, q, null);
    }

    /** @param rollout the current KubeVirt rollout's link and state (url, toVersion, stage, outdated), or null */
    String index(StoredEpisodes.Page page, IndexQuery q, Map<String, Object> rollout) {
        List<Map<String, Object>> rows = page.items().stream().map(r -> Map.<String, Object>of(
                "s", r, "receivedAt", HUMAN_TIME.format(r.receivedAt()))).toList();
        Map<String, Object> view = new HashMap<>();
        view.put("reports", rows);
        view.put("rollout", rollout);
        view.put("empty", page.total() == 0);
        view.put("filtered", q.status() != null || q.phase() != null || q.alert() != null);
        view.put("total", page.total());
        view.put("page", q.page());
        view.put("pages", page.pages());
        view.put("manyPages", page.pages() > 1);
        view.put("prev", q.prev("/reports", page));
        view.put("next", q.next("/reports", page));
        view.put("alert", q.alert());
        view.put("statuses", java.util.stream.Stream.of("firing", "resolved")
                .map(v -> Map.of("value", v, "selected", v.equals(q.status()))).toList());
        view.put("phases", java.util.Arrays.stream(ReportPhase.values())
                .map(v -> Map.of("value", v.name(), "selected", v == q.phase())).toList());
        return render(indexTemplate, view);
    }

    /**
     * @param action show only VMIs with this recommended action, or null for all
     * @param page   which {@link #MAX_ROWS} of them, from 1
     */
    public String report(Report r, RecommendedAction action, int page) {
        Map<String, Object> view = new HashMap<>();
        view.put("r", r);
        view.put("firing", "firing".equals(r.status()));
        view.put("receivedAt", HUMAN_TIME.format(r.receivedAt()));
        view.put("vmiCount", r.outdatedVmiCount());
        view.put("oneDelivery", r.deliveries() <= 1);
        view.put("hasApprovals", !r.approvals().isEmpty());
        view.put("hasLiveUpdates", r.diagnosis() instanceof io.remediator.runbook.OutdatedWorkloadsDiagnosis o
                && !o.pendingLiveUpdateVmis().isEmpty());
        // Mustache renders a section for 0 too: "0 VMIs were left out" must not appear.
        view.put("omittedVmis", r.omittedVmis() > 0 ? r.omittedVmis() : null);
        view.put("omittedActions", r.omittedActions() > 0 ? r.omittedActions() : null);
        view.put("lastDeliveryAt", HUMAN_TIME.format(r.lastDeliveryAt()));
        view.put("notMigratableCount", r.diagnosis().vmis().stream()
                .filter(v -> !Boolean.TRUE.equals(v.liveMigratable())).count());
        List<VmiFinding> shown = r.diagnosis().vmis().stream().map(VmiFinding.class::cast)
                .filter(v -> action == null || v.recommendedAction() == action)
                .sorted(Comparator.comparing((VmiFinding v) -> RecommendedAction.BY_SEVERITY.indexOf(v.recommendedAction()))
                        .thenComparing(VmiFinding::namespace).thenComparing(VmiFinding::name))
                .toList();
        int pages = Math.max(1, (shown.size() + MAX_ROWS - 1) / MAX_ROWS);
        int from = (int) Math.min(shown.size(), (Math.min(page, pages) - 1L) * MAX_ROWS);
        view.put("vmis", shown.subList(from, Math.min(shown.size(), from + MAX_ROWS)).stream()
                .map(ReportPages::vmiRow).toList());
        if (pages > 1) {
            String base = "/reports/" + r.id() + "?" + (action == null ? "" : "action=" + action.name() + "&") + "page=";
            Map<String, Object> paging = new HashMap<>();
            paging.put("from", from + 1);
            paging.put("to", Math.min(shown.size(), from + MAX_ROWS));
            paging.put("of", shown.size());
            paging.put("page", Math.min(page, pages));
            paging.put("pages", pages);
            paging.put("prev", page > 1 ? base + (Math.min(page, pages) - 1) : null);
            paging.put("next", page < pages ? base + (page + 1) : null);
            view.put("paging", paging);
        }
        view.put("filter", action == null ? null : action.name());
        if (r.diagnosis().recommendedActionCounts() != null) {
            view.put("counts", RecommendedAction.BY_SEVERITY.stream()
                    .filter(a -> r.diagnosis().recommendedActionCounts().containsKey(a)).map(a -> Map.of("action", a.name(),
                    "count", r.diagnosis().recommendedActionCounts().getOrDefault(a, 0),
                    "active", a == action)).toList());
        }
        if (r.diagnosis().cluster() != null) {
            view.put("methods", r.diagnosis().cluster().workloadUpdatesEnabled()
                    ? String.join(", ", r.diagnosis().cluster().workloadUpdateMethods())
                    : "none (automated workload updates are off)");
            view.put("defaultedText", r.diagnosis().cluster().defaulted().isEmpty() ? null : String.join(", ", r.diagnosis().cluster().defaulted()));
        }
        view.put("tookMillis", r.diagnosisMillis());
        if (r.remediation() != null) {
            // Executed and refused first: those are what an operator must see; the JSON has them all.
            List<PlannedAction> actions = r.remediation().actions().stream()
                    .sorted(Comparator.comparing((PlannedAction a) -> a.result() == null ? 1 : 0)
                            .thenComparing(a -> a.decision().ordinal()))
                    .toList();
            view.put("rem", r.remediation());
            view.put("passAt", HUMAN_TIME.format(r.remediation().at()));
            view.put("nextPass", r.remediation().nextPassAt() == null ? null : HUMAN_TIME.format(r.remediation().nextPassAt()));
            view.put("shownActions", actions.stream().limit(MAX_ROWS).map(ReportPages::actionRow).toList());
            view.put("actionsCut", actions.size() > MAX_ROWS ? Map.of("shown", MAX_ROWS, "of", actions.size()) : null);
        }
        Mustache section = runbookSections.get(r.alertname());
        view.put("runbookSection", section == null ? null : render(section, view));
        return render(reportTemplate, view);
    }

    private static Map<String, Object> actionRow(PlannedAction a) {
        Map<String, Object> row = new HashMap<>();
        row.put("a", a);
        row.put("plannedAt", HUMAN_TIME.format(a.plannedAt()));
        row.put("executedAt", a.executedAt() == null ? null : HUMAN_TIME.format(a.executedAt()));
        return row;
    }

    /** A VMI row: the runbook's record as `v`, and each of its times for a person as `t.<component>`. */
    private static Map<String, Object> vmiRow(VmiFinding v) {
        Map<String, Object> row = new HashMap<>();
        row.put("v", v);
        row.put("migratable", v.liveMigratable() == null ? "unknown" : v.liveMigratable() ? "yes" : "no");
        row.put("migratableClass", v.liveMigratable() == null ? "unknown" : v.liveMigratable() ? "yes" : "no");
        Map<String, String> times = new HashMap<>();
        if (v.getClass().isRecord()) {
            for (var c : v.getClass().getRecordComponents()) {
                if (c.getType() == java.time.Instant.class) {
                    try {
                        Object at = c.getAccessor().invoke(v);
                        if (at != null) {
                            times.put(c.getName(), HUMAN_TIME.format((java.time.Instant) at));
                        }
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        row.put("t", times);
        return row;
    }

    private static String render(Mustache template, Object scope) {
        StringWriter out = new StringWriter();
        template.execute(out, scope);
        return out.toString();
    }
}

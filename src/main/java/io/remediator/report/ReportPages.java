package io.remediator.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import io.remediator.runbook.OutdatedVmi;
import java.io.StringWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Renders reports as HTML for a person; Mustache escapes every value, so labels cannot inject markup. */
public final class ReportPages {
    private static final DateTimeFormatter HUMAN_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final Mustache reportTemplate;
    private final Mustache indexTemplate;

    public ReportPages() {
        MustacheFactory factory = new DefaultMustacheFactory("templates");
        this.reportTemplate = factory.compile("report.mustache");
        this.indexTemplate = factory.compile("reports.mustache");
    }

    public String index(List<Report> reports) {
        List<Map<String, Object>> rows = reports.stream().map(r -> Map.<String, Object>of(
                "s", ReportSummary.of(r), "receivedAt", HUMAN_TIME.format(r.receivedAt()))).toList();
        return render(indexTemplate, Map.of("reports", rows, "empty", reports.isEmpty()));
    }

    public String report(Report r) {
        Map<String, Object> view = new HashMap<>();
        view.put("r", r);
        view.put("firing", "firing".equals(r.status()));
        view.put("receivedAt", HUMAN_TIME.format(r.receivedAt()));
        view.put("vmiCount", r.outdatedVmis().size());
        view.put("notMigratableCount", r.outdatedVmis().stream()
                .filter(v -> Boolean.FALSE.equals(v.liveMigratable())).count());
        view.put("vmis", r.outdatedVmis().stream().map(ReportPages::vmiRow).toList());
        view.put("methods", r.workloadUpdateStrategy() == null || r.workloadUpdateStrategy().methods() == null
                ? "none (automated workload updates are off)"
                : String.join(", ", r.workloadUpdateStrategy().methods()));
        if (r.completedAt() != null) {
            view.put("tookMillis", Duration.between(r.receivedAt(), r.completedAt()).toMillis());
        }
        return render(reportTemplate, view);
    }

    private static Map<String, Object> vmiRow(OutdatedVmi v) {
        Map<String, Object> row = new HashMap<>();
        row.put("v", v);
        row.put("migratable", v.liveMigratable() == null ? "unknown" : v.liveMigratable() ? "yes" : "no");
        row.put("migratableClass", v.liveMigratable() == null ? "unknown" : v.liveMigratable() ? "yes" : "no");
        return row;
    }

    private static String render(Mustache template, Object scope) {
        StringWriter out = new StringWriter();
        template.execute(out, scope);
        return out.toString();
    }
}

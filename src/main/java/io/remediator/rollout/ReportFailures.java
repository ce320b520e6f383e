package io.remediator.rollout;

import io.remediator.report.Report;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What an alert's report shows of the migration failures (docs/migration-failures.md): the open
 * rollout's, counted since its T0, else the failure window's, counted with no rollout to count
 * from. One rule for the report's page, its JSON and its Slack message.
 */
public final class ReportFailures {
    private final Supplier<Map<String, Object>> currentRollout;
    private final Supplier<Optional<FailureWindow>> window;

    /**
     * @param currentRollout the newest rollout record's link (id, open, migrationFailures, systemicFindings), or null
     * @param window         the counts with no rollout to count from, if any are kept
     */
    public ReportFailures(Supplier<Map<String, Object>> currentRollout, Supplier<Optional<FailureWindow>> window) {
        this.currentRollout = currentRollout;
        this.window = window;
    }

    public Report linked(Report r) {
        if (!io.remediator.runbook.OutdatedVmiWorkloadsRunbook.ALERTNAME.equals(r.alertname())) {
            return r;
        }
        Map<String, Object> rollout = currentRollout.get();
        boolean open = rollout != null && Boolean.TRUE.equals(rollout.get("open"));
        String id = open ? (String) rollout.get("id") : null;
        if (open && rollout.get("migrationFailures") != null) {
            @SuppressWarnings("unchecked")
            List<String> findings = (List<String>) rollout.get("systemicFindings");
            return r.withRollout(id, rollout.get("migrationFailures"), findings);
        }
        Optional<FailureWindow> w = window.get();
        if (w.isPresent() && w.get().current() != null) {
            return r.withRollout(id, w.get().current(), w.get().findings());
        }
        return open ? r.withRollout(id, null, List.of()) : r;
    }
}

package io.remediator.report;

import io.remediator.remediation.PlannedAction;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.RecommendedAction;
import java.time.Instant;
import java.util.List;

/** ReportStoreTest's fixtures (realistic VMIs, statuses and actions) for tests in other packages. */
public final class ReportStoreTestAccess {
    private ReportStoreTestAccess() {}

    public static ReportSpec delivery() {
        return ReportStoreTest.delivery("{}:{}", "2026-11-26T10:00:00Z", "firing", Instant.parse("2026-11-26T10:00:00Z"));
    }

    /** A delivery of one alert of group {@code groupKey}, received at {@code at}. */
    public static ReportSpec delivery(String groupKey, String status, Instant at) {
        return ReportStoreTest.delivery(groupKey, "2026-11-26T10:00:00Z", status, at);
    }

    /** A delivery of one alert of group {@code groupKey} whose episode started at {@code startsAt}. */
    public static ReportSpec delivery(String groupKey, String startsAt, String status, Instant at) {
        return ReportStoreTest.delivery(groupKey, startsAt, status, at);
    }

    public static OutdatedVmi vmi(int i, RecommendedAction action) {
        return ReportStoreTest.vmi(i, action);
    }

    public static ReportStatus status(List<OutdatedVmi> vmis, List<PlannedAction> actions) {
        return ReportStoreTest.status(vmis, actions);
    }

    public static PlannedAction action(int i) {
        return ReportStoreTest.action(i, i % 10 == 0);
    }
}

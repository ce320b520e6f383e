package io.remediator.report;

import java.time.Instant;

/** One line of `/api/reports`: enough to pick a report without loading every VMI of every report. */
public record ReportSummary(
        String id,
        String alertname,
        String status,
        Instant receivedAt,
        Instant completedAt,
        boolean diagnosed,
        String error,
        int outdatedVmiCount,
        String url) {

    static ReportSummary of(Report r) {
        return new ReportSummary(r.id(), r.alertname(), r.status(), r.receivedAt(), r.completedAt(), r.diagnosed(),
                r.error(), r.outdatedVmis().size(), "/reports/" + r.id());
    }
}

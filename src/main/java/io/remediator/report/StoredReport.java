package io.remediator.report;

import io.remediator.report.ReportSpec;

/**
 * One RemediationReport as read from the API server.
 *
 * @param resourceVersion what a write of it must match (optimistic concurrency)
 * @param status          null until the leader's first write
 */
public record StoredReport(String resourceVersion, ReportSpec spec, ReportStatus status) {

    public String name() {
        return spec.id();
    }

    public ReportPhase phase() {
        return status == null ? ReportPhase.Received : status.phase();
    }

    public Report report() {
        return Report.of(spec, status);
    }
}

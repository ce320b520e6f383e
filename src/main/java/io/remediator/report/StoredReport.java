package io.remediator.report;

import io.remediator.webhook.WorkItem;

/**
 * One RemediationReport as read from the API server.
 *
 * @param resourceVersion what a write of it must match (optimistic concurrency)
 * @param status          null until the leader's first write
 */
public record StoredReport(String resourceVersion, WorkItem item, ReportStatus status) {

    public String name() {
        return item.id();
    }

    public ReportPhase phase() {
        return status == null ? ReportPhase.Received : status.phase();
    }

    public Report report() {
        return Report.of(item, status);
    }
}

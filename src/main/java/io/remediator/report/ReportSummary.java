package io.remediator.report;

import io.remediator.remediation.Decision;
import io.remediator.runbook.RecommendedAction;
import java.time.Instant;
import java.util.Map;

/** One line of `/api/reports`: enough to pick a report without loading every VMI of every report. */
public record ReportSummary(
        String id,
        String alertname,
        String status,
        ReportPhase phase,
        Instant receivedAt,
        Instant lastDeliveryAt,
        int deliveries,
        Instant completedAt,
        boolean diagnosed,
        String error,
        int outdatedVmiCount,
        Map<RecommendedAction, Integer> recommendedActionCounts,
        Map<Decision, Integer> remediationDecisions,
        String url) {

    static ReportSummary of(Report r) {
        return new ReportSummary(r.id(), r.alertname(), r.status(), r.phase(), r.receivedAt(), r.lastDeliveryAt(),
                r.deliveries(), r.completedAt(), r.diagnosed(), r.error(), r.outdatedVmiCount(),
                r.diagnosis().recommendedActionCounts(), r.remediation() == null ? null : r.remediation().decisions(),
                "/reports/" + r.id());
    }
}

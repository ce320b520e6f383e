package io.remediator.report;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.remediator.remediation.PassResult;
import io.remediator.runbook.Findings;
import io.remediator.report.ReportSpec;
import java.time.Instant;
import java.util.List;

/**
 * What the service did with one alert episode, as shown at `/api/reports/{id}` and `/reports/{id}`:
 * the RemediationReport's spec (what Alertmanager sent) and status (what the leader made of it).
 * The diagnosis is the runbook's own record, served flat as before.
 *
 * @param phase           where its work stands
 * @param deliveries      deliveries of this episode (retries and repeats update this report)
 * @param deliveriesHandled deliveries the newest pass has seen: fewer means a pass for a repeat is due
 * @param diagnosed       false for an alert that resolved before diagnosis, or when the diagnosis failed
 * @param diagnosisMillis how long reading the cluster and classifying took, null if not diagnosed
 * @param error           why the diagnosis failed, as the API said it (e.g. a 403), or null
 * @param diagnosis       the cluster's settings (KubeVirt's defaults where unset), VMIs per recommended
 *                        action, findings and the VMIs; empty when nothing was diagnosed
 * @param outdatedVmiCount every outdated VMI diagnosed; `outdatedVmis` may list fewer (`omittedVmis`)
 * @param remediation     what the policy made of the diagnosis; null when nothing was diagnosed
 * @param slack           the report's Slack message and its last error, null without Slack
 * @param approvals       who approved what, when, having reviewed which pass, and how
 * @param rollout         the open KubeVirt rollout record this alert's VMIs belong to (docs/rollouts.md), or null
 * @param migrationFailures that rollout's migrations since T0 by failure signature (docs/migration-failures.md), or null
 * @param systemicFindings one sentence per systemic signature of that rollout
 */
public record Report(
        String id,
        String alertname,
        String status,
        ReportPhase phase,
        Instant receivedAt,
        Instant lastDeliveryAt,
        int deliveries,
        int deliveriesHandled,
        Instant completedAt,
        Long diagnosisMillis,
        String groupKey,
        String receiver,
        String externalURL,
        int alertCount,
        int truncatedAlerts,
        boolean diagnosed,
        String error,
        // Served flat, as before; its `runbook` field names which runbook it is (no type wrapper).
        @JsonUnwrapped @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NONE)
        Findings diagnosis,
        int outdatedVmiCount,
        int omittedVmis,
        PassResult remediation,
        int omittedActions,
        SlackPost slack,
        List<ReportSpec.ApprovalGiven> approvals,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        String rollout,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Object migrationFailures,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        List<String> systemicFindings) {

    /** The same report, linked to a rollout record. */
    public Report withRollout(String id, Object migrationFailures, List<String> systemicFindings) {
        return new Report(this.id, alertname, status, phase, receivedAt, lastDeliveryAt, deliveries, deliveriesHandled,
                completedAt, diagnosisMillis, groupKey, receiver, externalURL, alertCount, truncatedAlerts, diagnosed, error,
                diagnosis, outdatedVmiCount, omittedVmis, remediation, omittedActions, slack, approvals, id,
                migrationFailures, systemicFindings == null ? List.of() : List.copyOf(systemicFindings));
    }

    /**
     * The same report showing only one namespace's VMIs and actions (`?namespace=`, the links of an
     * owner channel's message, docs/owners.md); the counts and findings stay the report's own.
     */
    public Report inNamespace(String namespace) {
        Findings d = diagnosis == null ? null : diagnosis.listing(diagnosis.vmis().stream()
                .filter(v -> namespace.equals(v.namespace())).toList());
        PassResult p = remediation == null ? null : remediation.withActions(remediation.actions().stream()
                .filter(a -> namespace.equals(a.namespace())).toList());
        return new Report(this.id, alertname, status, phase, receivedAt, lastDeliveryAt, deliveries, deliveriesHandled,
                completedAt, diagnosisMillis, groupKey, receiver, externalURL, alertCount, truncatedAlerts, diagnosed, error,
                d, outdatedVmiCount, omittedVmis, p, omittedActions, slack, approvals, rollout, migrationFailures,
                systemicFindings);
    }

    static Report of(ReportSpec w, ReportStatus s) {
        ReportStatus st = s != null ? s : ReportStatus.undiagnosed(w, 0, ReportPhase.Received, null, null, null)
                .withHandled(0, 0, 0);
        return new Report(w.id(), w.alertname(), w.status(), st.phase(), w.receivedAt(), w.lastDeliveryAt(),
                w.deliveries(), st.handledDeliveries(), st.completedAt(), st.diagnosisMillis(), w.groupKey(), w.receiver(),
                w.externalURL(), w.alertCount(), w.truncatedAlerts(), st.diagnosed(), st.error(), st.found(),
                st.outdatedVmiCount(), st.omittedVmis(), st.remediation(), st.omittedActions(), st.slack(),
                w.approvals(), null, null, List.of());
    }
}

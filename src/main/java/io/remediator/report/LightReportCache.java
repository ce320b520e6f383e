package io.remediator.report;

import io.remediator.kubevirt.ReducedItemStore;

/**
 * The leader's watch-backed cache of its reports, without their VMI lists, their alerts or the
 * actions of their plans that did not execute: triage and supersede read the spec's counts and the
 * phase, the ledger and the outcome refresh the executed actions; a whole report is read by name
 * when a pass or a refresh writes. At 100 reports of about 1 MB (VMI lists, plans of hundreds of
 * actions or a thousand alerts) this keeps each to a few kilobytes.
 */
public final class LightReportCache extends ReducedItemStore<RemediationReport> {
    /**
     * What {@link ReportStore#light} drops, as the JSON paths a LIST can leave out while parsed: the
     * VMI lists and the alerts (their digest and count stay). The plan's actions cannot be left out
     * by path (the ledger needs the executed ones): each item is reduced as soon as it is parsed.
     */
    public static final java.util.List<String> OMITTED = java.util.List.of("status.diagnosis.outdatedVmis",
            "status.diagnosis.pendingLiveUpdateVmis", "spec.alerts", "spec.common");

    @Override
    protected RemediationReport reduce(RemediationReport object) {
        return ReportStore.light(object);
    }

    /** The same reduction, for a LIST's items as each is parsed. */
    public static RemediationReport reduced(RemediationReport object) {
        return ReportStore.light(object);
    }
}

package io.remediator.report;

import io.remediator.kubevirt.ReducedItemStore;

/**
 * The leader's watch-backed cache of its reports, without their VMI lists: triage, supersede and
 * outcome refresh read the spec, the phase and the plan; a full report is read by name when a pass
 * needs it. At 100 reports of about 1 MB this keeps the cache to what the plans take.
 */
public final class LightReportCache extends ReducedItemStore<RemediationReport> {
    /** What {@link ReportStore#light} drops, as the JSON paths a LIST can leave out while parsed. */
    public static final java.util.List<String> OMITTED = java.util.List.of("status.diagnosis.outdatedVmis",
            "status.diagnosis.pendingLiveUpdateVmis");

    @Override
    protected RemediationReport reduce(RemediationReport object) {
        return ReportStore.light(object);
    }
}

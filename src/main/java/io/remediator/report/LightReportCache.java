package io.remediator.report;

import io.remediator.kubevirt.ReducedItemStore;

/**
 * The leader's watch-backed cache of its reports, without their VMI lists: triage, supersede and
 * outcome refresh read the spec, the phase and the plan; a full report is read by name when a pass
 * needs it. At 100 reports of about 1 MB this keeps the cache to what the plans take.
 */
public final class LightReportCache extends ReducedItemStore<RemediationReport> {
    @Override
    protected RemediationReport reduce(RemediationReport object) {
        return ReportStore.light(object);
    }
}

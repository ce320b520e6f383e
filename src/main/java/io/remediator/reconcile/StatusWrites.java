package io.remediator.reconcile;

import io.remediator.report.ReportStatus;
import io.remediator.report.StoredReport;

/**
 * The loop's writes for one job. Each checks first that this replica still leads in the term the
 * job started in; that check is the only leadership check there is.
 */
interface StatusWrites {
    /** True while the job's term lasts. */
    boolean mayWrite();

    /**
     * Stores the status on the report (retrying a conflict on the newer object).
     *
     * @throws SteppedDown when this replica no longer leads; nothing was written
     */
    StoredReport write(StoredReport current, ReportStatus status);
}

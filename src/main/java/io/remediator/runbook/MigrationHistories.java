package io.remediator.runbook;

import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** What a VMI's migrations say about it: the one in flight, and how many failed since it became outdated. Pure. */
final class MigrationHistories {
    private MigrationHistories() {}

    /**
     * Counts only migrations that failed (or, unfailed, were created) since {@code since}: a VMI of
     * the same name that existed before, or failures from before the update, say nothing about this
     * VMI now.
     */
    static OutdatedVmi.MigrationHistory since(List<VirtualMachineInstanceMigration> all, Instant since) {
        if (all.isEmpty()) {
            return OutdatedVmi.MigrationHistory.NONE;
        }
        VirtualMachineInstanceMigration inFlight = null;
        VirtualMachineInstanceMigration lastFailed = null;
        int failed = 0;
        int succeeded = 0;
        int byUpdater = 0;
        int failedByUs = 0;
        for (VirtualMachineInstanceMigration m : all) {
            if (m.inFlight()) {
                // An unfinished migration blocks new ones whatever its age.
                if (inFlight == null || newer(m, inFlight)) {
                    inFlight = m;
                }
            }
            // A failure counts from when it happened (its Failed phase transition), anything else
            // from its creation: a migration created before the update that failed after it is news.
            Instant when = m.failedAt() != null ? m.failedAt() : m.createdAt();
            if (since != null && when != null && when.isBefore(since)) {
                continue;
            }
            if (m.createdByWorkloadUpdater()) {
                byUpdater++;
            }
            if (m.failed()) {
                failed++;
                if (m.createdByRemediator()) {
                    failedByUs++;
                }
                if (lastFailed == null || compareFailure(m, lastFailed) > 0) {
                    lastFailed = m;
                }
            } else if ("Succeeded".equals(m.phase())) {
                succeeded++;
            }
        }
        return new OutdatedVmi.MigrationHistory(
                // KubeVirt has not set a phase yet on a migration it has only just accepted.
                inFlight == null ? null : inFlight.phase() == null ? "Pending" : inFlight.phase(),
                inFlight == null ? null : inFlight.name(),
                inFlight == null ? null : inFlight.createdByWorkloadUpdater(),
                inFlight == null ? null : inFlight.createdByRemediator(),
                failed,
                lastFailed == null ? null : lastFailed.failedAt(),
                lastFailed == null ? null : lastFailed.failureReason(),
                succeeded,
                byUpdater,
                failedByUs,
                inFlight == null ? null : inFlight.createdByEvacuation());
    }

    private static boolean newer(VirtualMachineInstanceMigration a, VirtualMachineInstanceMigration b) {
        return a.createdAt() != null && (b.createdAt() == null || a.createdAt().isAfter(b.createdAt()));
    }

    private static int compareFailure(VirtualMachineInstanceMigration a, VirtualMachineInstanceMigration b) {
        Comparator<Instant> c = Comparator.nullsFirst(Comparator.naturalOrder());
        int byTime = c.compare(a.failedAt(), b.failedAt());
        return byTime != 0 ? byTime : a.name().compareTo(b.name());
    }
}

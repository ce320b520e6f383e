package io.remediator.report;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old reports: beyond `reports.maxReports`, or older than `reports.maxAge` since their
 * last delivery. A report with unfinished work (a firing alert with a pass due or running, or with
 * actions awaiting approval) and the newest report are never deleted. The leader sweeps; other replicas only read.
 */
public final class ReportRetention {
    private static final Logger log = LoggerFactory.getLogger(ReportRetention.class);

    private final ReportStore store;
    private final int maxReports;
    private final Duration maxAge;
    private final Clock clock;

    public ReportRetention(ReportStore store, int maxReports, Duration maxAge, Clock clock) {
        this.store = store;
        this.maxReports = maxReports;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** More reports than `reports.maxReports` are stored: a sweep is due now. */
    public boolean overLimit(int stored) {
        return stored > maxReports;
    }

    /** @return how many reports were deleted */
    public int sweep(BooleanSupplier mayDelete) {
        return sweep(mayDelete, false);
    }

    /**
     * A sweep only when more than maxReports are stored: what a new leader does before it lists its
     * reports whole (redteam-2 N5), on one light listing.
     */
    public int sweepIfOverLimit(BooleanSupplier mayDelete) {
        return sweep(mayDelete, true);
    }

    private int sweep(BooleanSupplier mayDelete, boolean onlyOverLimit) {
        try {
            List<StoredReport> all = store.all();
            if (onlyOverLimit && !overLimit(all.size())) {
                return 0;
            }
            List<StoredReport> doomed = expired(all, clock.instant());
            int deleted = 0;
            for (StoredReport r : doomed) {
                if (!mayDelete.getAsBoolean()) {
                    break;
                }
                store.delete(r);
                deleted++;
            }
            if (deleted > 0) {
                log.info("retention: deleted {} report(s) (keeping at most {}, none older than {})", deleted, maxReports,
                        maxAge);
            }
            return deleted;
        } catch (KubernetesClientException e) {
            log.warn("retention sweep failed: {}", ApiErrors.describe(e));
            return 0;
        }
    }

    /** Pure: which of these reports retention deletes now. */
    List<StoredReport> expired(List<StoredReport> all, Instant now) {
        List<StoredReport> newestFirst = new ArrayList<>(all);
        newestFirst.sort(Comparator.comparing((StoredReport r) -> r.spec().lastDeliveryAt()).reversed());
        Instant oldest = now.minus(maxAge);
        List<StoredReport> doomed = new ArrayList<>();
        for (int i = 1; i < newestFirst.size(); i++) {
            StoredReport r = newestFirst.get(i);
            boolean unfinished = r.spec().firing() && r.phase().open();
            if (!unfinished && (i >= maxReports || r.spec().lastDeliveryAt().isBefore(oldest))) {
                doomed.add(r);
            }
        }
        return doomed;
    }
}

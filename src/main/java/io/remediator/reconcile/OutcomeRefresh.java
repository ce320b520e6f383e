package io.remediator.reconcile;

import io.remediator.remediation.PassResult;
import io.remediator.remediation.Remediation;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportStatus;
import io.remediator.report.StoredReport;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between passes, shows in the open reports what became of their executed actions (a migration
 * succeeded, a VMI came back up to date) as soon as the watch sees it. Plans, proves and writes
 * nothing in the cluster, and is not a pass: what the last pass handled stays as it was.
 */
final class OutcomeRefresh {
    private static final Logger log = LoggerFactory.getLogger(OutcomeRefresh.class);

    private final RunbookDiagnosis diagnosis;
    private final Function<String, Optional<StoredReport>> read;
    private final Clock clock;
    private final String identity;

    /** @param read the whole report by name: the cache keeps only the actions the ledger needs */
    OutcomeRefresh(RunbookDiagnosis diagnosis, Function<String, Optional<StoredReport>> read, Clock clock,
                   String identity) {
        this.diagnosis = diagnosis;
        this.read = read;
        this.clock = clock;
        this.identity = identity;
    }

    /** @param cached the leader's light copies: which reports await an outcome; each is read whole to write */
    void refresh(Collection<StoredReport> cached, StatusWrites writes) {
        // Diagnosis is cluster-wide: reports of several groups of one alert share one.
        Map<Object, RunbookDiagnosis.Diagnosed> byAlert = new HashMap<>();
        for (StoredReport light : cached) {
            if (!awaitsOutcome(light.status())) {
                continue;
            }
            try {
                Optional<StoredReport> whole = read.apply(light.name());
                if (whole.isEmpty() || !awaitsOutcome(whole.get().status())) {
                    continue;
                }
                StoredReport r = whole.get();
                RunbookDiagnosis.Diagnosed d = byAlert.computeIfAbsent(diagnosis.sharedBy(r.spec()),
                        k -> diagnosis.diagnose(r.spec().alertname(), RunbookDiagnosis.firing(r.spec())));
                refreshed(r, d, identity, clock.instant()).ifPresent(s -> writes.write(r, s));
            } catch (SteppedDown e) {
                throw e;
            } catch (RuntimeException e) {
                // The next pass diagnoses again and says so if it fails; nothing is lost here.
                log.warn("report {}: could not refresh the outcome of its actions: {}", light.name(), e.toString());
            }
        }
    }

    private static boolean awaitsOutcome(ReportStatus s) {
        return s != null && s.remediation() != null && s.phase() != ReportPhase.Closed && s.phase() != ReportPhase.Acting
                && s.remediation().awaitsOutcome();
    }

    /**
     * The report's status with its executed actions followed up by a newer diagnosis, or empty
     * when nothing changed. The diagnosis is the newer one; the deliveries and approvals handled
     * are the last pass's: one that arrived since still gets its pass at once.
     */
    static Optional<ReportStatus> refreshed(StoredReport r, RunbookDiagnosis.Diagnosed d, String identity, Instant at) {
        ReportStatus s = r.status();
        PassResult now = Remediation.followUp(s.remediation(), d.diagnosis(), at);
        if (now.equals(s.remediation())) {
            return Optional.empty();
        }
        return Optional.of(ReportStatus.afterPass(r.spec(), s.pass(), identity, at, d.millis(),
                d.diagnosis(), now, null).withHandled(s.handledDeliveries(), s.handledApprovals(), s.handledAlertSet()));
    }
}

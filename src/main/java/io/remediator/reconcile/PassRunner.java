package io.remediator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.remediation.PassResult;
import io.remediator.remediation.Remediation;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportStatus;
import io.remediator.report.StoredReport;
import io.remediator.report.ReportSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over a stored report: diagnose → plan and dry-run → store the plan → execute → store
 * the result. The only writer of the status fields that say which deliveries and approvals a pass
 * has handled. Returns when to look at the report again.
 */
final class PassRunner {
    private static final Logger log = LoggerFactory.getLogger(PassRunner.class);
    private static final Duration FAILED_PASS_RETRY = Duration.ofMinutes(1);

    private final RunbookDiagnosis diagnosis;
    private final Remediation remediation;
    private final Supplier<Set<String>> policyNamespaces;
    private final Clock clock;
    private final String identity;
    private final java.util.function.Function<ReportSpec, io.remediator.remediation.RolloutScope> scopes;
    private final java.util.function.Function<ReportSpec, io.remediator.remediation.SystemicFailures> systemic;
    private final java.util.function.Function<ReportSpec, io.remediator.remediation.PlannedElsewhere> elsewhere;

    /** @param scopes who plans the outdated VMIs for a report while a rollout acts */
    PassRunner(RunbookDiagnosis diagnosis, Remediation remediation, Supplier<Set<String>> policyNamespaces, Clock clock,
               String identity, java.util.function.Function<ReportSpec, io.remediator.remediation.RolloutScope> scopes,
               java.util.function.Function<ReportSpec, io.remediator.remediation.SystemicFailures> systemic,
               java.util.function.Function<ReportSpec, io.remediator.remediation.PlannedElsewhere> elsewhere) {
        this.scopes = scopes;
        this.elsewhere = elsewhere;
        this.systemic = systemic;
        this.diagnosis = diagnosis;
        this.remediation = remediation;
        this.policyNamespaces = policyNamespaces;
        this.clock = clock;
        this.identity = identity;
    }

    /** @return when the report needs its next pass, or null when only a change to it does */
    Instant run(StoredReport r, StatusWrites writes) {
        ReportSpec item = r.spec();
        ReportStatus s = r.status();
        int pass = s == null ? 1 : s.pass() + 1;
        RunbookDiagnosis.Diagnosed d;
        try {
            d = diagnosis.diagnose(item.alertname(), RunbookDiagnosis.firing(item));
            log.info("{}: {} VMI(s) found, diagnosed in {} ms (report {}, pass {})", item.alertname(),
                    d.diagnosis().vmis().size(), d.millis(), item.id(), pass);
        } catch (KubernetesClientException e) {
            return diagnosisFailed(r, pass, (ApiErrors.answered(e) ? "" : "Kubernetes API call failed: ")
                    + ApiErrors.describe(e), writes);
        } catch (RuntimeException e) {
            log.error("diagnosis of {} failed", item.id(), e);
            return diagnosisFailed(r, pass, "diagnosis failed: " + e, writes);
        }
        PassResult previous = s == null ? null : s.remediation();
        if (previous != null && s.phase() == ReportPhase.Acting) {
            log.warn("report {}: pass {} was cut off while executing; pass {} finds out what happened", item.id(),
                    s.pass(), pass);
            previous = previous.interrupted();
        }
        StoredReport latest = r;
        PassResult acted;
        try {
            Map<String, String> approvers = new HashMap<>();
            item.approvals().forEach(g -> g.actions().forEach(key -> approvers.put(key, g.by())));
            PassResult proven = remediation.prove(pass, d.diagnosis(), policyNamespaces.get(),
                    Set.copyOf(item.approvedActions()), approvers, item.episode(), previous, scopes.apply(item),
                    systemic.apply(item), elsewhere.apply(item));
            if (Remediation.writes(proven)) {
                // Stored before the first write: a process killed while executing leaves a record of
                // what it was about to do, and the next leader finds out what happened.
                latest = writes.write(latest, status(item, pass, d, proven, null));
            }
            Remediation.Executed executed = remediation.execute(proven, d.diagnosis(), item.id(), writes::mayWrite);
            if (executed instanceof Remediation.Executed.Stopped) {
                throw new SteppedDown();
            }
            acted = ((Remediation.Executed.Complete) executed).result();
        } catch (SteppedDown | KubernetesClientException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("remediation pass {} of {} failed", pass, item.id(), e);
            writes.write(latest, status(item, pass, d, null, "remediation failed: " + e));
            return null;
        }
        writes.write(latest, status(item, pass, d, acted, null));
        return acted.nextPassAt();
    }

    /** Closes the report with this note: no further passes. What the last pass handled stays as it was. */
    void close(StoredReport r, String note, StatusWrites writes) {
        ReportStatus s = r.status();
        ReportStatus closed = s == null
                ? ReportStatus.undiagnosed(r.spec(), 0, ReportPhase.Closed, identity, clock.instant(), null)
                : s.withRemediation(s.remediation() == null ? null : s.remediation().withNextPass(null, note),
                        ReportPhase.Closed);
        writes.write(r, closed);
        log.info("report {}: {}", r.name(), note);
    }

    /**
     * The first pass's failure is the report's error (a repeat delivery tries again). A later
     * pass's failure keeps what earlier passes did, says what failed, and tries again: deferred
     * work must not be dropped silently.
     */
    private Instant diagnosisFailed(StoredReport r, int pass, String why, StatusWrites writes) {
        log.warn("diagnosis of {} failed: {}", r.name(), why);
        ReportStatus s = r.status();
        if (s == null || s.remediation() == null) {
            writes.write(r, ReportStatus.undiagnosed(r.spec(), pass, ReportPhase.Failed, identity, clock.instant(), why));
            return null;
        }
        Instant retryAt = clock.instant().plus(FAILED_PASS_RETRY);
        writes.write(r, s.withRemediation(s.remediation().withNextPass(retryAt,
                "Pass " + pass + " failed: " + why + "; retrying at " + retryAt + "."), ReportPhase.Waiting));
        return retryAt;
    }

    private ReportStatus status(ReportSpec item, int pass, RunbookDiagnosis.Diagnosed d, PassResult acted, String error) {
        return ReportStatus.afterPass(item, pass, identity, clock.instant(), d.millis(), d.diagnosis(), acted, error);
    }
}

package io.remediator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.report.Report;
import io.remediator.report.ReportStore;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.Runbook;
import io.remediator.webhook.WorkItem;
import io.remediator.webhook.WorkQueue;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one worker: takes accepted work, runs its runbook and stores the report. A failing
 * diagnosis becomes a report that says why, never a silent drop.
 */
public final class WorkItemProcessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkItemProcessor.class);

    private final WorkQueue queue;
    private final Map<String, Runbook> runbooks;
    private final ReportStore reports;
    private final RemediatorMetrics metrics;
    private final Clock clock;
    private final Thread worker;
    private volatile boolean running = true;

    public WorkItemProcessor(WorkQueue queue, Map<String, Runbook> runbooks, ReportStore reports,
                             RemediatorMetrics metrics, Clock clock) {
        this.queue = queue;
        this.runbooks = Map.copyOf(runbooks);
        this.reports = reports;
        this.metrics = metrics;
        this.clock = clock;
        this.worker = new Thread(this::loop, "work-item-processor");
    }

    public void start() {
        worker.start();
    }

    private void loop() {
        while (running) {
            try {
                WorkItem item = queue.take(200, TimeUnit.MILLISECONDS);
                if (item != null) {
                    reports.save(process(item));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("unexpected failure in the work loop", e);
            }
        }
    }

    Report process(WorkItem item) {
        Runbook runbook = runbooks.get(item.alertname());
        if (!item.firing()) {
            log.info("{} resolved (group {}); nothing to diagnose", item.alertname(), item.groupKey());
            return report(item, null, null, null);
        }
        try {
            long started = System.nanoTime();
            OutdatedWorkloadsDiagnosis diagnosis = metrics.timeDiagnosis(item.alertname(), runbook::diagnose);
            long millis = (System.nanoTime() - started) / 1_000_000;
            Map<String, Integer> byAction = new LinkedHashMap<>();
            diagnosis.recommendedActionCounts().forEach((a, n) -> byAction.put(a.name(), n));
            metrics.outdatedVmisFound(diagnosis.outdatedVmis().size(), byAction);
            log.info("{}: {} outdated VMI(s), diagnosed in {} ms (report {})", item.alertname(),
                    diagnosis.outdatedVmis().size(), millis, item.id());
            return report(item, diagnosis, millis, null);
        } catch (KubernetesClientException e) {
            String why = (ApiErrors.answered(e) ? "" : "Kubernetes API call failed: ") + ApiErrors.describe(e);
            log.warn("diagnosis of {} failed: {}", item.id(), why);
            return report(item, null, null, why);
        } catch (RuntimeException e) {
            log.error("diagnosis of {} failed", item.id(), e);
            return report(item, null, null, "diagnosis failed: " + e);
        }
    }

    private Report report(WorkItem item, OutdatedWorkloadsDiagnosis d, Long diagnosisMillis, String error) {
        return new Report(
                item.id(), item.alertname(), item.status(), item.receivedAt(), clock.instant(), diagnosisMillis,
                item.groupKey(), item.receiver(), item.externalURL(), item.alerts().size(), item.truncatedAlerts(),
                d != null, error,
                d == null ? null : d.cluster(),
                d == null ? null : d.recommendedActionCounts(),
                d == null ? List.of() : d.findings(),
                d == null ? 0 : d.outOfScopeVmis(),
                d == null ? List.of() : d.outdatedVmis());
    }

    @Override
    public void close() {
        running = false;
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (queue.size() > 0) {
            // Intake is in memory until durable intake lands; say so rather than lose work silently.
            log.warn("stopping with {} accepted alert group(s) not yet diagnosed; Alertmanager re-sends firing"
                    + " alerts at its repeat_interval", queue.size());
        }
    }
}

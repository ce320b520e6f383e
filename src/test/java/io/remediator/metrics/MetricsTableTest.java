package io.remediator.metrics;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** README's metrics table, the meters the code declares, and what /metrics serves, kept in step. */
@ExtendWith(RealCluster.class)
class MetricsTableTest {
    private static Set<String> documented() throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(remediator_[a-z_]+)` \\|").matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Prometheus families as served: counters end in _total, timers in _seconds (with _bucket, _count, _sum, _max). */
    private static Set<String> served(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("remediator_")) {
                String name = line.split("[{ ]", 2)[0];
                names.add(name.replaceAll("_(bucket|count|sum|max)$", ""));
            }
        }
        return names;
    }

    @Test
    void everyMetricServedIsDocumentedAndEveryDocumentedOneIsDeclared(TestCluster cluster) throws Exception {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.create(vmi("ns-1", "outdated-1").notMigratable("DisksNotLiveMigratable", "RWO").build());
        Set<String> served;
        try (RunningService s = RunningService.start(cluster.newClient()).awaitReady()) {
            s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            s.postWebhook(Payloads.firing(), "wrong-token-0123456789");
            served = served(s.get("/metrics").body());
        }
        Set<String> documented = documented();
        assertThat(served).contains("remediator_webhook_requests_total", "remediator_webhook_request_duration_seconds",
                "remediator_diagnosis_duration_seconds", "remediator_leader");
        assertThat(documented).containsAll(served);

        String source = Files.readString(Path.of("src/main/java/io/remediator/metrics/RemediatorMetrics.java"));
        for (String name : documented) {
            String declared = name.replaceAll("_(total|seconds)$", "");
            assertThat(source.contains("\"" + declared + "\"") || source.contains("\"" + name + "\"")).as(name).isTrue();
        }
    }

    @Test
    void theDiagnosisAndWebhookHistogramsHaveAboutTenBuckets(TestCluster cluster) throws Exception {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        try (RunningService s = RunningService.start(cluster.newClient()).awaitReady()) {
            s.awaitReport(s.postWebhook(Payloads.firing(), RunningService.TOKEN));
            String scrape = s.get("/metrics").body();
            long diagnosisBuckets = scrape.lines().filter(l -> l.startsWith("remediator_diagnosis_duration_seconds_bucket"))
                    .filter(l -> l.contains("outcome=\"success\"")).count();
            long webhookBuckets = scrape.lines().filter(l -> l.startsWith("remediator_webhook_request_duration_seconds_bucket"))
                    .filter(l -> l.contains("outcome=\"accepted\"")).count();
            assertThat(diagnosisBuckets).isBetween(10L, 13L);
            assertThat(webhookBuckets).isBetween(10L, 12L);
        }
    }
}

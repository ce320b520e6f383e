package io.remediator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Meters that only the leader measures, without a cluster. */
class RemediatorMetricsTest {
    @Test
    void aReplicaThatStoppedLeadingNoLongerReportsTheLastDiagnosis() {
        RemediatorMetrics metrics = new RemediatorMetrics();
        metrics.outdatedVmisFound(42, Map.of("STOP", 2, "LIVE_MIGRATE", 40));
        metrics.remediationPass(3, 7);
        assertThat(metrics.scrape()).contains("remediator_outdated_vmis 42.0")
                .contains("remediator_outdated_vmis_by_action{action=\"STOP\"} 2.0")
                .contains("remediator_migrations_in_flight 3.0").contains("remediator_deferred_actions 7.0");

        metrics.stoppedLeading();

        assertThat(metrics.scrape()).contains("remediator_outdated_vmis 0.0")
                .contains("remediator_outdated_vmis_by_action{action=\"STOP\"} 0.0")
                .contains("remediator_outdated_vmis_by_action{action=\"LIVE_MIGRATE\"} 0.0")
                .contains("remediator_migrations_in_flight 0.0").contains("remediator_deferred_actions 0.0")
                // Counters keep counting what happened.
                .contains("remediator_outdated_vmis_found_total 42.0");
    }
}

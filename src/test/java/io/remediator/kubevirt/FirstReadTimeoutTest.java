package io.remediator.kubevirt;

import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A first read slower than diagnosis.syncTimeoutSeconds must still finish in the end: every try
 * starts its LISTs over, so with a fixed limit a large cluster on a slow API server (seen at 50,000
 * VMIs in scripts/bench-rollout) would never be read. Here the limit (1 ms) is shorter than any
 * LIST of the real API server.
 */
@ExtendWith(RealCluster.class)
class FirstReadTimeoutTest {

    @Test
    void eachTimeoutInARowDoublesTheNextLimitUntilTheFirstReadAndTheOptionalWatchesFinish(TestCluster cluster) {
        cluster.reset();
        cluster.create(vmi("slow-read", "a").build());
        cluster.create(vmi("slow-read", "b").build());

        List<String> refusals = new ArrayList<>();
        Set<String> outdated = null;
        List<String> optionalProblems = new ArrayList<>();
        List<String> lastProblems = null;
        try (KubeVirtInformers informers = new KubeVirtInformers(cluster.client(), 0, null, Duration.ofMillis(1))) {
            for (int attempt = 0; attempt < 20 && outdated == null; attempt++) {
                try {
                    outdated = informers.outdatedVmiKeys();
                } catch (KubernetesClientException e) {
                    refusals.add(e.getMessage());
                }
            }
            // The watches a diagnosis can do without (Events, PodDisruptionBudgets, MigrationPolicies)
            // have the same 1 ms limit: each is read in the end too, and its problem line says so.
            for (int attempt = 0; attempt < 25 && (lastProblems == null || !lastProblems.isEmpty()); attempt++) {
                lastProblems = informers.snapshot().readProblems();
                optionalProblems.addAll(lastProblems);
            }
        }
        assertThat(lastProblems).as("after %s", optionalProblems).isEmpty();
        assertThat(optionalProblems).isNotEmpty()
                .allSatisfy(p -> assertThat(p).contains("did not finish within").contains("; the next try waits up to"))
                // e.g. "PodDisruptionBudgets (which ones refuse KubeVirt's evictions): listing them did not finish ..."
                .anySatisfy(p -> assertThat(p).matches("[A-Za-z].*\\): listing them did not finish within PT0\\.001S;"
                        + " the next try waits up to PT0\\.002S \\(diagnosis\\.syncTimeoutSeconds, .*"));

        assertThat(refusals).isNotEmpty();
        assertThat(refusals.get(0)).isEqualTo("listing KubeVirt objects did not finish within PT0.001S; the next try"
                + " waits up to PT0.002S (diagnosis.syncTimeoutSeconds, doubled after each timeout in a row up to PT1H4M)");
        if (refusals.size() > 1) {
            assertThat(refusals.get(1)).startsWith("listing KubeVirt objects did not finish within PT0.002S; the next"
                    + " try waits up to PT0.004S");
        }
        assertThat(outdated).as("read after %s timeouts", refusals.size()).containsExactlyInAnyOrder("slow-read/a", "slow-read/b");
    }
}

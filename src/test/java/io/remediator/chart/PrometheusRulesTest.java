package io.remediator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The chart's alerts on the service's own health, checked and unit-tested by Prometheus' own promtool. */
class PrometheusRulesTest {
    static final Path RULES = Path.of("charts/kubevirt-remediator/files/prometheus-rules.yaml");
    private static final Path TESTS = Path.of("src/test/resources/prometheus/remediator-rules.test.yaml");

    static Path promtool() {
        Path promtool = Path.of(System.getenv().getOrDefault("PROMTOOL_BIN", "/usr/bin/promtool"));
        if (!Files.isExecutable(promtool)) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("promtool missing: scripts/test installs Debian's prometheus");
            }
            Assumptions.abort("promtool missing: apt-get install prometheus");
        }
        return promtool;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theRulesPassPromtoolCheckRules() throws Exception {
        String out = run(promtool().toString(), "check", "rules", RULES.toString());
        assertThat(out).contains("SUCCESS: 11 rules found");
    }

    @Test
    void everyAlertFiresOnWhatItIsAboutAndNotOnHealthySeries() throws Exception {
        String out = run(promtool().toString(), "test", "rules", TESTS.toString());
        assertThat(out).contains("SUCCESS");
        // Every alert of the file has a test that expects it to fire.
        String tests = Files.readString(TESTS);
        for (String line : Files.readAllLines(RULES)) {
            if (line.strip().startsWith("- alert: ")) {
                String alert = line.strip().substring("- alert: ".length());
                assertThat(tests).as(alert).containsPattern("alertname: " + alert + "\\n    exp_alerts:\\n    - exp_labels");
            }
        }
    }
}

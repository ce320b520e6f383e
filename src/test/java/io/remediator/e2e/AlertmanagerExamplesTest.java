package io.remediator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Alertmanager config we tell operators to copy must be one Alertmanager itself accepts. */
class AlertmanagerExamplesTest {
    @Test
    void exampleConfigPassesAmtoolCheckConfig() throws IOException, InterruptedException {
        Path amtool = Path.of("/usr/bin/amtool");
        if (!Files.isExecutable(amtool)) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("amtool missing: scripts/test installs prometheus-alertmanager");
            }
            Assumptions.abort("amtool missing: apt-get install prometheus-alertmanager");
        }
        Process p = new ProcessBuilder(amtool.toString(), "check-config", "alertmanager-examples/alertmanager.yml")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS").contains("2 receivers");
    }
}

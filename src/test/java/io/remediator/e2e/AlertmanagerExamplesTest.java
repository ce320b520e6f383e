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

        // The alert reaches the service and still the humans' receiver (continue: true).
        Process routes = new ProcessBuilder(amtool.toString(), "config", "routes", "test",
                "--config.file=alertmanager-examples/alertmanager.yml", "alertname=OutdatedVirtualMachineInstanceWorkloads")
                .redirectErrorStream(true).start();
        String matched = lastLine(new String(routes.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertThat(routes.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(matched).isEqualTo("kubevirt-remediator,default");
        Process other = new ProcessBuilder(amtool.toString(), "config", "routes", "test",
                "--config.file=alertmanager-examples/alertmanager.yml", "alertname=SomethingElse")
                .redirectErrorStream(true).start();
        assertThat(lastLine(new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8))).isEqualTo("default");
    }

    /** amtool prints a warning about --alertmanager.url first; the receivers are the last line. */
    private static String lastLine(String out) {
        String[] lines = out.trim().split("\n");
        return lines[lines.length - 1].trim();
    }
}

package io.remediator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What README tells operators to copy is the example file itself, to the character. */
class ReadmeSnippetsTest {
    @Test
    void theAlertmanagerExamplesInTheReadmeAreTheFiles() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (String file : new String[] {"alertmanager-examples/alertmanager.yml",
                "alertmanager-examples/alertmanagerconfig.yaml"}) {
            String content = Files.readString(Path.of(file));
            assertThat(readme).as(file + " in README.md").contains("```yaml\n" + content + "```\n");
        }
    }
}

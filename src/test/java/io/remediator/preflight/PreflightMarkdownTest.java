package io.remediator.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** `preflight -o markdown`: what goes into a change request (pure). */
class PreflightMarkdownTest {
    @Test
    void gatesThenATablePerNamespaceWithEachVmsOutcomeFlagsAndWhyAndPipesEscaped() {
        Preflight.Report r = new Preflight.Report(Instant.parse("2026-12-07T14:00:00Z"), Map.of(),
                List.of(new Preflight.Gate("PDB_BLOCKERS", Preflight.Result.WARN, "budget prod/db-pdb | 0 disruptions allowed")),
                List.of(new Preflight.Namespace("prod", Map.of(Preflight.Outcome.NEVER_UPDATED, 1),
                        List.of(new Preflight.Vm("gpu-1", Preflight.Outcome.NEVER_UPDATED,
                                Set.of(Preflight.Flag.BLOCKS_DRAINS, Preflight.Flag.PAUSED),
                                "it cannot live-migrate and Evict is not on", "gpu-1", "node-1", "Always", "LiveMigrate")))),
                2, "Cross-version migration failures cannot be predicted.");
        String md = PreflightCommand.markdown(r);
        assertThat(md).startsWith("## KubeVirt update pre-flight\n\nExit 2: ready with warnings (2026-12-07T14:00:00Z)\n")
                .contains("| gate | result | evidence |\n|---|---|---|\n"
                        + "| PDB_BLOCKERS | **WARN** | budget prod/db-pdb \\| 0 disruptions allowed |\n")
                .contains("### Namespace `prod`: 1 NEVER_UPDATED\n\n| VM | outcome | flags | why |\n|---|---|---|---|\n"
                        + "| `gpu-1` | NEVER_UPDATED | BLOCKS_DRAINS, PAUSED | it cannot live-migrate and Evict is not on |\n")
                .endsWith("\n> Cross-version migration failures cannot be predicted.\n");
    }
}

package io.remediator.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.remediator.remediation.PlannedAction;
import io.remediator.report.Report;
import io.remediator.report.ReportSpec;
import io.remediator.report.StoredReport;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.RecommendedAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The message a report becomes, without Slack or a cluster. */
class SlackMessageTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final String URL = "https://remediator.example.com/reports/r-1";

    private static Report report(List<OutdatedVmi> vmis, List<PlannedAction> actions) {
        ReportSpec spec = io.remediator.report.ReportStoreTestAccess.delivery();
        return new StoredReport("1", spec, io.remediator.report.ReportStoreTestAccess.status(vmis, actions)).report();
    }

    private static OutdatedVmi vmi(int i, RecommendedAction action) {
        return io.remediator.report.ReportStoreTestAccess.vmi(i, action);
    }

    private static void withinSlackLimits(SlackMessage m) throws Exception {
        JsonNode blocks = new ObjectMapper().readTree(m.blocksJson());
        assertThat(blocks.size()).isLessThanOrEqualTo(8).isLessThanOrEqualTo(SlackMessage.MAX_BLOCKS);
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("text").asText().length()).isLessThanOrEqualTo(150);
        for (JsonNode b : blocks) {
            if (b.has("text")) {
                assertThat(b.get("text").get("text").asText().length()).isLessThanOrEqualTo(3_000);
            }
            for (JsonNode f : b.path("fields")) {
                assertThat(f.get("text").asText().length()).isLessThanOrEqualTo(2_000);
            }
            assertThat(b.path("fields").size()).isLessThanOrEqualTo(10);
        }
        assertThat(m.text().length()).isLessThanOrEqualTo(3_000);
        // Far below what Slack refuses as msg_blocks_too_long (about 13k characters).
        assertThat(m.blocksJson().length()).isLessThan(10_000);
    }

    @Test
    void aTenThousandVmiReportIsOneSmallMessageListingTheTenMostDisruptive() throws Exception {
        List<OutdatedVmi> vmis = new ArrayList<>();
        IntStream.range(0, 9_990).forEach(i -> vmis.add(vmi(i, RecommendedAction.LIVE_MIGRATE)));
        IntStream.range(9_990, 10_000).forEach(i -> vmis.add(vmi(i, RecommendedAction.STOP)));
        List<PlannedAction> actions = new ArrayList<>();
        IntStream.range(0, 500).forEach(i -> actions.add(io.remediator.report.ReportStoreTestAccess.action(i)));

        SlackMessage m = SlackMessage.of(report(vmis, actions), URL, T0);

        withinSlackLimits(m);
        String shown = new ObjectMapper().readTree(m.blocksJson()).toString();
        assertThat(shown).contains("top 10 of 10000").contains("STOP `ns-").doesNotContain("LIVE_MIGRATE `ns-");
        assertThat(shown).contains("<" + URL + "|Open report>");
        assertThat(m.text()).contains(URL).contains("10000 outdated VMIs");
    }

    @Test
    void clusterDataCannotPingOrLinkAnyone() throws Exception {
        OutdatedVmi v = vmi(1, RecommendedAction.STOP);
        OutdatedVmi hostile = new OutdatedVmi("<!channel>", "<https://evil.example|click> & co", v.uid(), "<@U123>",
                v.phase(), v.liveMigratable(), v.reason(), v.message(), v.evictionStrategy(), v.effectiveEvictionStrategy(),
                v.vm(), v.runStrategy(), v.vmRecreatesVmi(), v.vmRestartable(), v.optedOut(), v.launcherPods(), v.migrations(),
                v.outdatedSince(), v.branch(), v.recommendedAction(), v.explanation(), v.mitigation());

        SlackMessage m = SlackMessage.of(report(List.of(hostile), List.of()), URL, T0);

        String shown = new ObjectMapper().readTree(m.blocksJson()).toString();
        assertThat(shown).contains("&lt;!channel&gt;/&lt;https://evil.example|click&gt; &amp; co")
                .contains("&lt;@U123&gt;").doesNotContain("<!channel>").doesNotContain("<@U123>")
                .doesNotContain("<https://evil.example");
    }

    @Test
    void theSameReportRendersTheSameDigestAtAnotherTime() {
        Report r = report(List.of(vmi(1, RecommendedAction.STOP)), List.of());
        assertThat(SlackMessage.of(r, URL, T0).digest()).isEqualTo(SlackMessage.of(r, URL, T0.plusSeconds(60)).digest());
        assertThat(SlackMessage.of(r, URL, T0).digest())
                .isNotEqualTo(SlackMessage.of(report(List.of(vmi(2, RecommendedAction.STOP)), List.of()), URL, T0).digest());
    }
}

package io.remediator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.remediator.report.ReportStore;
import io.remediator.report.ReportStoreTestAccess;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** `/reports` and `/api/reports` past 100 stored reports: pages, filters, and links that lead on. */
@ExtendWith(RealCluster.class)
class ReportIndexTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void theIndexPagesAndFiltersPastAHundredReports(TestCluster cluster) {
        cluster.reset();
        var config = RunningService.defaultConfig();
        String ns = config.reports().namespace();
        cluster.namespace(ns);
        // Another replica leads: this one only serves, so retention and passes leave the 250 reports be.
        cluster.someoneElseLeads(ns);
        ReportStore store = new ReportStore(cluster.client(), ns, 1_000_000);
        for (int i = 0; i < 250; i++) {
            // Every fifth resolved; newest = highest i.
            store.recordDelivery(ReportStoreTestAccess.delivery("{}:{group=\"" + i + "\"}", i % 5 == 0 ? "resolved" : "firing",
                    T0.plusSeconds(i)));
        }
        try (RunningService s = RunningService.start(cluster.newClient(), config).awaitReady()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> total(s.get("/api/reports")) == 250);

            HttpResponse<String> first = s.get("/api/reports");
            JsonNode page1 = s.parse(first.body());
            assertThat(page1.size()).isEqualTo(100);
            assertThat(first.headers().firstValue("Link")).hasValue("</api/reports?page=2>; rel=\"next\"");
            assertThat(page1.get(0).get("receivedAt").asText()).isEqualTo(T0.plusSeconds(249).toString());

            Set<String> seen = new HashSet<>();
            String next = "/api/reports";
            int pages = 0;
            while (next != null) {
                HttpResponse<String> r = s.get(next);
                s.parse(r.body()).forEach(summary -> assertThat(seen.add(summary.get("id").asText())).isTrue());
                pages++;
                next = r.headers().firstValue("Link").map(ReportIndexTest::nextLink).orElse(null);
            }
            assertThat(pages).isEqualTo(3);
            assertThat(seen).hasSize(250);

            HttpResponse<String> resolved = s.get("/api/reports?status=resolved&pageSize=20&page=2");
            assertThat(total(resolved)).isEqualTo(50);
            List<String> statuses = StreamSupport.stream(s.parse(resolved.body()).spliterator(), false)
                    .map(r -> r.get("status").asText()).toList();
            assertThat(statuses).hasSize(20).containsOnly("resolved");
            assertThat(resolved.headers().firstValue("Link").orElseThrow())
                    .contains("</api/reports?status=resolved&pageSize=20&page=3>; rel=\"next\"")
                    .contains("</api/reports?status=resolved&pageSize=20&page=1>; rel=\"prev\"");
            assertThat(total(s.get("/api/reports?phase=Received&alert=OutdatedVirtualMachineInstanceWorkloads"))).isEqualTo(250);
            assertThat(total(s.get("/api/reports?alert=SomethingElse"))).isZero();

            HttpResponse<String> badPhase = s.get("/api/reports?phase=Sleeping");
            assertThat(badPhase.statusCode()).isEqualTo(400);
            assertThat(badPhase.body()).contains("phase must be one of");
            assertThat(s.get("/api/reports?pageSize=100000").statusCode()).isEqualTo(400);

            // Attribute values as a browser reads them (Mustache escapes '=' and '&' in them).
            String html = s.get("/reports?page=3").body().replace("&#61;", "=").replace("&amp;", "&");
            assertThat(html).contains("250 report(s); page 3 of 3").contains("href=\"/reports?page=2\" rel=\"prev\"")
                    .doesNotContain("rel=\"next\"");
            assertThat(html.split("<a href=\"/reports/", -1)).hasSize(51);
            assertThat(s.get("/reports?status=firing").body()).contains("200 report(s) match; page 1 of 2");
        }
    }

    private static long total(HttpResponse<String> r) {
        return Long.parseLong(r.headers().firstValue("X-Total-Count").orElse("-1"));
    }

    private static String nextLink(String header) {
        for (String part : header.split(",")) {
            if (part.contains("rel=\"next\"")) {
                return part.substring(part.indexOf('<') + 1, part.indexOf('>'));
            }
        }
        return null;
    }
}

package io.remediator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.report.Report;
import io.remediator.report.ReportStoreTestAccess;
import io.remediator.report.StoredReport;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.RecommendedAction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A 10,000-VMI report page sends one page of its VMI table, with links to the others. */
class ReportPagesTest {
    private static Report tenThousandVmis() {
        List<OutdatedVmi> vmis = new ArrayList<>();
        IntStream.range(0, 9_990).forEach(i -> vmis.add(ReportStoreTestAccess.vmi(i, RecommendedAction.LIVE_MIGRATE)));
        IntStream.range(9_990, 10_000).forEach(i -> vmis.add(ReportStoreTestAccess.vmi(i, RecommendedAction.STOP)));
        return new StoredReport("1", ReportStoreTestAccess.delivery(), ReportStoreTestAccess.status(vmis, List.of()))
                .report();
    }

    private static int rows(String html) {
        return html.split("<tr id=\"vmi-", -1).length - 1;
    }

    @Test
    void theVmiTableIsPagedMostDisruptiveFirst() {
        Report r = tenThousandVmis();
        ReportPages pages = new ReportPages();

        String first = pages.report(r, null, 1);
        assertThat(rows(first)).isEqualTo(ReportPages.MAX_ROWS);
        assertThat(first).contains("VMIs 1–200 of 10000").contains("page 1 of 50")
                .contains("rel=\"next\"").doesNotContain("rel=\"prev\"");
        // STOP is the most disruptive recommendation: its ten VMIs lead the first page.
        assertThat(first.indexOf("vmi-9990")).isLessThan(first.indexOf("vmi-0<"));

        String last = pages.report(r, null, 50);
        assertThat(rows(last)).isEqualTo(200);
        assertThat(last).contains("VMIs 9801–10000 of 10000").contains("rel=\"prev\"").doesNotContain("rel=\"next\"");
        // Past the end: the last page, not an empty table.
        assertThat(rows(pages.report(r, null, 99))).isEqualTo(200);

        String stops = pages.report(r, RecommendedAction.STOP, 1);
        assertThat(rows(stops)).isEqualTo(10);
        assertThat(stops).doesNotContain("id=\"vmi-pages\"");
        String migrateSecond = pages.report(r, RecommendedAction.LIVE_MIGRATE, 2);
        assertThat(migrateSecond).contains("VMIs 201–400 of 9990");
    }
}

package io.remediator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.runbook.OutdatedVmi;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportStoreTest {
    private static Report report(String id, int vmis, int second) {
        List<OutdatedVmi> list = Collections.nCopies(vmis, null);
        return new Report(id, "A", "firing", Instant.ofEpochSecond(second), null, null, "g", "r", null, 1, 0,
                true, null, null, null, List.of(), 0, list, null);
    }

    @Test
    void theOldestReportsGoWhenTheCountOrTheVmisInMemoryExceedTheirLimit() {
        ReportStore store = new ReportStore(3, 25);
        store.save(report("a", 10, 1));
        store.save(report("b", 10, 2));
        store.save(report("c", 1, 3));
        assertThat(store.newestFirst()).extracting(Report::id).containsExactly("c", "b", "a");

        store.save(report("d", 10, 4));   // 31 VMIs: a goes
        assertThat(store.newestFirst()).extracting(Report::id).containsExactly("d", "c", "b");

        store.save(report("e", 100, 5));  // alone over the limit: still kept, everything older goes
        assertThat(store.newestFirst()).extracting(Report::id).containsExactly("e");
        assertThat(store.find("b")).isEmpty();
    }
}

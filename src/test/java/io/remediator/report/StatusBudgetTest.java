package io.remediator.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.remediator.remediation.PlannedAction;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.RecommendedAction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Fitting a status into its share of the object, without a cluster. */
class StatusBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
    private static final ToIntFunction<Object> SIZE = v -> {
        try {
            return JSON.writeValueAsBytes(v).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    };

    private static ReportStatus status(int vmis, int actions) {
        List<OutdatedVmi> all = new ArrayList<>();
        IntStream.range(0, vmis).forEach(i -> all.add(ReportStoreTest.vmi(i, i % 10 == 9 ? RecommendedAction.STOP
                : RecommendedAction.LIVE_MIGRATE)));
        List<PlannedAction> planned = new ArrayList<>();
        IntStream.range(0, actions).forEach(i -> planned.add(ReportStoreTest.action(i, i % 100 == 0)));
        return ReportStoreTest.status(all, planned);
    }

    @Test
    void aStatusWithinItsBudgetIsStoredAsItIs() {
        ReportStatus small = status(10, 5);
        assertThat(StatusBudget.fit(small, SIZE.applyAsInt(small), SIZE)).isSameAs(small);
    }

    @Test
    void aLargeStatusKeepsMostOfItsBudgetTheMostDisruptiveVmisAndEveryExecutedActionFirst() {
        ReportStatus large = status(5_000, 1_000);
        int budget = 300_000;

        ReportStatus fitted = StatusBudget.fit(large, budget, SIZE);

        int size = SIZE.applyAsInt(fitted);
        assertThat(size).isLessThanOrEqualTo(budget).isGreaterThan(budget * 9 / 10);
        List<OutdatedVmi> kept = ((io.remediator.runbook.OutdatedWorkloadsDiagnosis) fitted.diagnosis()).outdatedVmis();
        assertThat(kept.size() + fitted.omittedVmis()).isEqualTo(5_000);
        assertThat(kept.subList(0, Math.min(500, kept.size()))).allMatch(v -> v.recommendedAction() == RecommendedAction.STOP);
        assertThat(fitted.outdatedVmiCount()).isEqualTo(5_000);
        List<PlannedAction> actions = fitted.remediation().actions();
        assertThat(actions.size() + fitted.omittedActions()).isEqualTo(1_000);
        assertThat(actions).filteredOn(a -> a.result() != null).hasSize(10);
        assertThat(kept).isNotEmpty();
        assertThat(actions).isNotEmpty();
    }
}

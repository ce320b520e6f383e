package io.remediator.report;

import io.remediator.remediation.PassResult;
import io.remediator.remediation.PlannedAction;
import io.remediator.runbook.VmiFinding;
import io.remediator.runbook.RecommendedAction;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A status too large for one object keeps its summary, the most disruptive VMIs and the executed
 * actions first, and says how many it left out: storing must never fail for size. Pure.
 */
final class StatusBudget {
    private StatusBudget() {}

    /** @param sizeOf bytes of a value as it is sent to the API server */
    static ReportStatus fit(ReportStatus status, int maxBytes, ToIntFunction<Object> sizeOf) {
        int size = sizeOf.applyAsInt(status);
        if (size <= maxBytes) {
            return status;
        }
        List<VmiFinding> vmis = status.found().vmis().stream().map(VmiFinding.class::cast)
                .sorted(Comparator.comparing((VmiFinding v) -> RecommendedAction.BY_SEVERITY.indexOf(v.recommendedAction())))
                .toList();
        PassResult r = status.remediation();
        List<PlannedAction> actions = r == null ? List.of() : r.actions().stream()
                .sorted(Comparator.comparing((PlannedAction a) -> a.result() == null ? 1 : 0)).toList();
        int keepVmis = vmis.size();
        int keepActions = actions.size();
        ReportStatus candidate = status;
        while (size > maxBytes && (keepVmis > 0 || keepActions > 0)) {
            // Both lists shrink in proportion to what is too much (plus 2%), not by half: a status
            // just over the limit keeps nearly all of its rows, and neither list crowds out the other.
            double scale = (double) maxBytes / size * 0.98;
            keepVmis = Math.max(0, Math.min(keepVmis - 1, (int) (keepVmis * scale)));
            keepActions = Math.max(0, Math.min(keepActions - 1, (int) (keepActions * scale)));
            candidate = status.bounded(vmis.subList(0, keepVmis), vmis.size() - keepVmis,
                    r == null ? null : r.withActions(actions.subList(0, keepActions)), actions.size() - keepActions);
            size = sizeOf.applyAsInt(candidate);
        }
        return candidate;
    }
}

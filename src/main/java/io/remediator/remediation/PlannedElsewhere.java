package io.remediator.remediation;

import java.util.List;
import java.util.Map;

/**
 * The VMIs another open report plans, so this one does not (one planner per VMI): today the
 * drain-blocker watch's reports, each for the node a VMI holds up. Pure: applied to a pass's plan
 * before anything is proven, so nothing of them is dry-run either.
 *
 * @param reports `namespace/name` of a VMI → the report that plans it
 */
public record PlannedElsewhere(Map<String, String> reports) {
    public static final PlannedElsewhere NONE = new PlannedElsewhere(Map.of());

    public PlannedElsewhere {
        reports = Map.copyOf(reports);
    }

    List<PlannedAction> apply(List<PlannedAction> planned) {
        if (reports.isEmpty()) {
            return planned;
        }
        return planned.stream().map(a -> {
            String owner = a.vmi() == null ? null : reports.get(a.namespace() + "/" + a.vmi());
            if (owner == null || a.decision() == Decision.NEVER) {
                return a;
            }
            return a.decided(Decision.OWNED_BY_DRAIN_REPORT, "the drain-blocker report " + owner
                    + " plans this VMI (it holds up a drain on its node and was found before this alert): one planner per VMI");
        }).toList();
    }
}

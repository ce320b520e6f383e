package io.remediator.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The checks that decide between 400 and acceptance; each problem names the field. */
final class PayloadValidation {
    private static final Set<String> STATUSES = Set.of("firing", "resolved");

    private PayloadValidation() {}

    static List<String> problems(AlertmanagerPayload p) {
        List<String> problems = new ArrayList<>();
        if (p.version() == null) {
            problems.add("version: required (Alertmanager sends \"4\")");
        } else if (!"4".equals(p.version())) {
            problems.add("version: only \"4\" is supported, got \"" + p.version() + "\"");
        }
        if (blank(p.groupKey())) {
            problems.add("groupKey: required");
        }
        if (blank(p.receiver())) {
            problems.add("receiver: required");
        }
        if (!STATUSES.contains(String.valueOf(p.status()))) {
            problems.add("status: must be \"firing\" or \"resolved\", got " + quote(p.status()));
        }
        if (p.truncatedAlerts() != null && p.truncatedAlerts() < 0) {
            problems.add("truncatedAlerts: must not be negative");
        }
        if (p.alerts() == null) {
            problems.add("alerts: required");
            return problems;
        }
        if (p.alerts().isEmpty()) {
            problems.add("alerts: must hold at least one alert");
        }
        for (int i = 0; i < p.alerts().size(); i++) {
            AlertmanagerPayload.Alert a = p.alerts().get(i);
            String at = "alerts[" + i + "].";
            if (a == null) {
                problems.add("alerts[" + i + "]: must be an object");
                continue;
            }
            if (!STATUSES.contains(String.valueOf(a.status()))) {
                problems.add(at + "status: must be \"firing\" or \"resolved\", got " + quote(a.status()));
            }
            if (a.labels() == null || blank(a.alertname())) {
                problems.add(at + "labels.alertname: required");
            }
            if (a.startsAt() == null) {
                problems.add(at + "startsAt: required");
            }
        }
        return problems;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }
}

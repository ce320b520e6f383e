package io.remediator.config;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks of `policy` and `api`: what the service may do, and who may approve. Each problem starts with its key. */
final class PolicyValidation {
    private PolicyValidation() {}

    private static final Set<String> MODES = Set.of("report", "approve", "auto");
    private static final Set<String> ACTION_SETTINGS = Set.of("auto", "approve", "report", "never");
    private static final Set<String> METHODS = Set.of("LiveMigrate", "Evict");
    private static final Pattern LABEL_KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    static void check(RemediatorConfig.Policy policy, RemediatorConfig.Api api, List<String> problems) {
        if (policy.mode() == null || !MODES.contains(policy.mode())) {
            problems.add("policy.mode: must be report, approve or auto, got \"" + policy.mode() + "\"");
        }
        RemediatorConfig.Actions a = policy.actions();
        Map<String, String> actions = new LinkedHashMap<>();
        actions.put("liveMigrate", a.liveMigrate());
        actions.put("evict", a.evict());
        actions.put("restart", a.restart());
        actions.put("stop", a.stop());
        actions.put("enableWorkloadUpdates", a.enableWorkloadUpdates());
        actions.put("pauseWorkloadUpdates", a.pauseWorkloadUpdates());
        actions.put("cancelUpdaterMigrations", a.cancelUpdaterMigrations());
        actions.put("resumeWorkloadUpdates", a.resumeWorkloadUpdates());
        actions.put("patchEvictionStrategy", a.patchEvictionStrategy());
        actions.put("evacuateCancel", a.evacuateCancel());
        actions.forEach((name, value) -> {
            if (value != null && !ACTION_SETTINGS.contains(value)) {
                problems.add("policy.actions." + name + ": must be auto, approve, report or never, got \"" + value + "\"");
            }
        });
        // A resume is approval-only: auto reads as approve.
        boolean approvals = "approve".equals(policy.mode()) || actions.containsValue("approve")
                || "auto".equals(a.resumeWorkloadUpdates());
        if (approvals && ConfigValidation.blank(api.adminToken()) && ConfigValidation.blank(api.adminTokenFile())) {
            problems.add("api.adminToken: required when policy.mode or a policy.actions entry is approve"
                    + " (it guards POST /api/reports/{id}/approve; or give api.adminTokenFile)");
        }
        if (!ConfigValidation.blank(api.readToken()) && api.readToken().trim().length() < ConfigValidation.MIN_TOKEN_LENGTH) {
            problems.add("api.readToken: must be at least " + ConfigValidation.MIN_TOKEN_LENGTH + " characters");
        }
        if (!ConfigValidation.blank(api.adminToken()) && api.adminToken().trim().length() < ConfigValidation.MIN_TOKEN_LENGTH) {
            problems.add("api.adminToken: must be at least " + ConfigValidation.MIN_TOKEN_LENGTH + " characters");
        }

        if (policy.enableWorkloadUpdatesMethods() == null || policy.enableWorkloadUpdatesMethods().isEmpty()
                || policy.enableWorkloadUpdatesMethods().stream().anyMatch(m -> m == null || !METHODS.contains(m))) {
            problems.add("policy.enableWorkloadUpdatesMethods: must list LiveMigrate and/or Evict, got "
                    + policy.enableWorkloadUpdatesMethods());
        }
        ConfigValidation.checkNamespaceNames("policy.namespaces.include", policy.namespaces().include(), problems);
        ConfigValidation.checkNamespaceNames("policy.namespaces.exclude", policy.namespaces().exclude(), problems);
        String selectorProblem = LabelSelectorSyntax.problem(policy.namespaces().selector());
        if (selectorProblem != null) {
            problems.add("policy.namespaces.selector: " + selectorProblem);
        }
        if (ConfigValidation.blank(policy.optOutKey()) || !LABEL_KEY.matcher(policy.optOutKey()).matches()) {
            problems.add("policy.optOutKey: \"" + policy.optOutKey() + "\" is not a label or annotation key");
        }
        for (String w : policy.windows() == null ? List.<String>of() : policy.windows()) {
            try {
                TimeWindow.parse(w);
            } catch (IllegalArgumentException e) {
                problems.add("policy.windows: " + e.getMessage());
            }
        }
        try {
            ZoneId.of(policy.timeZone());
        } catch (RuntimeException e) {
            problems.add("policy.timeZone: \"" + policy.timeZone() + "\" is not a time zone (e.g. UTC, Europe/Berlin)");
        }
        RemediatorConfig.Limits limits = policy.limits();
        if (limits.maxActionsPerHour() < 1) {
            problems.add("policy.limits.maxActionsPerHour: must be at least 1, got " + limits.maxActionsPerHour());
        }
        if (limits.maxMigrationsInFlight() < 0) {
            problems.add("policy.limits.maxMigrationsInFlight: must be 0 (KubeVirt's limit) or more, got "
                    + limits.maxMigrationsInFlight());
        }
        if (limits.batchSize() < 0) {
            problems.add("policy.limits.batchSize: must be 0 (KubeVirt's batchEvictionSize) or more, got " + limits.batchSize());
        }
        if (limits.batchInterval() != null && (limits.batchInterval().isZero() || limits.batchInterval().isNegative())) {
            problems.add("policy.limits.batchInterval: must be longer than 0, or empty for KubeVirt's batchEvictionInterval");
        }
        // Attempt maxRetries+1 must still see every earlier failure: KubeVirt keeps 5 finished
        // migrations per VMI (migration.go:91, 2251-2301), so more retries would never give up.
        if (policy.maxRetries() < 0 || policy.maxRetries() > 4) {
            problems.add("policy.maxRetries: must be between 0 and 4 (KubeVirt keeps only the newest 5 finished"
                    + " migrations of a VMI), got " + policy.maxRetries());
        }
    }
}

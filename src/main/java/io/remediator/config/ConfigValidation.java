package io.remediator.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Value checks that types alone cannot express; each problem starts with its key. */
final class ConfigValidation {
    private final RemediatorConfig config;

    ConfigValidation(RemediatorConfig config) {
        this.config = config;
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        int port = config.server().port();
        if (port < 0 || port > 65535) {
            problems.add("server.port: must be between 0 and 65535, got " + port);
        }
        if (blank(config.server().host())) {
            problems.add("server.host: must not be empty");
        }
        RemediatorConfig.Webhook webhook = config.webhook();
        boolean hasToken = !blank(webhook.bearerToken());
        boolean hasFile = !blank(webhook.bearerTokenFile());
        if (hasToken && hasFile) {
            problems.add("webhook.bearerToken and webhook.bearerTokenFile: set only one of them");
        } else if (!hasToken && !hasFile) {
            problems.add("webhook.bearerToken or webhook.bearerTokenFile: one must be set; the webhook never runs unauthenticated");
        } else if (hasFile) {
            Path file = Path.of(webhook.bearerTokenFile());
            if (!Files.isReadable(file)) {
                problems.add("webhook.bearerTokenFile: cannot read " + file);
            }
        }
        if (webhook.maxBodyBytes() < 1024) {
            problems.add("webhook.maxBodyBytes: must be at least 1024, got " + webhook.maxBodyBytes());
        }
        if (webhook.queueCapacity() < 1) {
            problems.add("webhook.queueCapacity: must be at least 1, got " + webhook.queueCapacity());
        }
        int pageSize = config.diagnosis().pageSize();
        if (pageSize < 1 || pageSize > 10_000) {
            problems.add("diagnosis.pageSize: must be between 1 and 10000, got " + pageSize);
        }
        RemediatorConfig.Diagnosis diagnosis = config.diagnosis();
        if (diagnosis.failedMigrationsBeforeRestart() < 1) {
            problems.add("diagnosis.failedMigrationsBeforeRestart: must be at least 1, got "
                    + diagnosis.failedMigrationsBeforeRestart());
        }
        if (diagnosis.syncTimeoutSeconds() < 1) {
            problems.add("diagnosis.syncTimeoutSeconds: must be at least 1, got " + diagnosis.syncTimeoutSeconds());
        }
        RemediatorConfig.Namespaces namespaces = diagnosis.namespaces();
        checkNamespaceNames("diagnosis.namespaces.include", namespaces.include(), problems);
        checkNamespaceNames("diagnosis.namespaces.exclude", namespaces.exclude(), problems);
        if (namespaces.include() != null && namespaces.exclude() != null) {
            namespaces.include().stream().filter(namespaces.exclude()::contains).forEach(ns -> problems.add(
                    "diagnosis.namespaces.exclude: " + ns + " is also in diagnosis.namespaces.include"));
        }
        String selectorProblem = LabelSelectorSyntax.problem(namespaces.selector());
        if (selectorProblem != null) {
            problems.add("diagnosis.namespaces.selector: " + selectorProblem);
        }
        if (config.reports().maxReports() < 1) {
            problems.add("reports.maxReports: must be at least 1, got " + config.reports().maxReports());
        }
        return problems;
    }

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private static void checkNamespaceNames(String key, List<String> names, List<String> problems) {
        if (names == null) {
            problems.add(key + ": must be a list (empty for none)");
            return;
        }
        for (String name : names) {
            if (name == null || !DNS_LABEL.matcher(name).matches()) {
                problems.add(key + ": \"" + name + "\" is not a namespace name (lower-case letters, digits and '-')");
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

package io.remediator.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        if (config.reports().maxReports() < 1) {
            problems.add("reports.maxReports: must be at least 1, got " + config.reports().maxReports());
        }
        return problems;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

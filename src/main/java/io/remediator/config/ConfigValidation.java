package io.remediator.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        RemediatorConfig.Tls tls = config.server().tls();
        if (tls != null && (!blank(tls.certFile()) || !blank(tls.keyFile()))) {
            if (blank(tls.certFile()) || blank(tls.keyFile())) {
                problems.add("server.tls: set both certFile and keyFile, or neither");
            } else {
                try {
                    PemKeyStore.load(Path.of(tls.certFile()), Path.of(tls.keyFile()));
                } catch (IllegalArgumentException e) {
                    problems.add("server.tls: " + e.getMessage());
                }
            }
        }
        RemediatorConfig.Webhook webhook = config.webhook();
        boolean hasToken = !blank(webhook.bearerToken());
        boolean hasFile = !blank(webhook.bearerTokenFile());
        boolean hasBasic = webhook.basicAuth() != null && webhook.basicAuth().enabled();
        String basicPassword = null;
        if (hasBasic) {
            // RFC 7617: the user-id cannot hold a colon (the first one ends it).
            if (webhook.basicAuth().username().contains(":") || webhook.basicAuth().username().chars()
                    .anyMatch(Character::isISOControl)) {
                problems.add("webhook.basicAuth.username: must not contain ':' or control characters");
            }
            if (hasToken || hasFile) {
                problems.add("webhook.basicAuth: set it or a bearer token (webhook.bearerToken, webhook.bearerTokenFile),"
                        + " not both");
            }
            if (blank(webhook.basicAuth().passwordFile())) {
                problems.add("webhook.basicAuth.passwordFile: required with webhook.basicAuth.username");
            } else if (!Files.isReadable(Path.of(webhook.basicAuth().passwordFile()))) {
                problems.add("webhook.basicAuth.passwordFile: cannot read " + webhook.basicAuth().passwordFile());
            } else if (tokenIn(Path.of(webhook.basicAuth().passwordFile())).length() < MIN_TOKEN_LENGTH) {
                problems.add("webhook.basicAuth.passwordFile: the password must be at least " + MIN_TOKEN_LENGTH
                        + " characters");
            } else {
                basicPassword = tokenIn(Path.of(webhook.basicAuth().passwordFile()));
            }
        } else if (hasToken && hasFile) {
            problems.add("webhook.bearerToken and webhook.bearerTokenFile: set only one of them");
        } else if (!hasToken && !hasFile) {
            problems.add("webhook.bearerToken or webhook.bearerTokenFile: one must be set; the webhook never runs unauthenticated");
        } else if (hasFile) {
            Path file = Path.of(webhook.bearerTokenFile());
            if (!Files.isReadable(file)) {
                problems.add("webhook.bearerTokenFile: cannot read " + file);
            } else if (tokenIn(file).length() < MIN_TOKEN_LENGTH) {
                problems.add("webhook.bearerTokenFile: " + file + " holds " + (tokenIn(file).isEmpty() ? "no token"
                        : "a token shorter than " + MIN_TOKEN_LENGTH + " characters"));
            }
        } else if (webhook.bearerToken().trim().length() < MIN_TOKEN_LENGTH) {
            problems.add("webhook.bearerToken: must be at least " + MIN_TOKEN_LENGTH + " characters");
        }
        // Alertmanager holds the webhook token: with the same value it could approve disruptive actions.
        String admin = adminToken(config.api(), problems);
        // With basic auth, Alertmanager holds the password instead (redteam-2 N10).
        String webhookToken = basicPassword != null ? basicPassword
                : hasFile && !hasToken && Files.isReadable(Path.of(webhook.bearerTokenFile()))
                ? tokenIn(Path.of(webhook.bearerTokenFile())) : webhook.bearerToken();
        if (!blank(admin) && webhookToken != null && admin.trim().equals(webhookToken.trim())) {
            problems.add("api.adminToken: must differ from the webhook token or basic-auth password (Alertmanager"
                    + " holds that one)");
        }
        String read = config.api().readToken();
        if (!blank(read) && (read.trim().equals(String.valueOf(webhookToken).trim())
                || (!blank(admin) && read.trim().equals(admin.trim())))) {
            problems.add("api.readToken: must differ from the webhook token (or basic-auth password) and the admin"
                    + " token");
        }
        // Bounded above (redteam-2 N10): a body is read whole, and a report stores at most half
        // of reports.maxObjectBytes anyway.
        if (webhook.maxBodyBytes() < 1024 || webhook.maxBodyBytes() > MAX_BODY_BYTES) {
            problems.add("webhook.maxBodyBytes: must be between 1024 and " + MAX_BODY_BYTES + ", got "
                    + webhook.maxBodyBytes());
        }
        int pageSize = config.diagnosis().pageSize();
        if (pageSize < 0 || pageSize > 10_000) {
            problems.add("diagnosis.pageSize: must be between 0 (one LIST from the API server's watch cache) and"
                    + " 10000, got " + pageSize);
        }
        RemediatorConfig.Diagnosis diagnosis = config.diagnosis();
        // KubeVirt keeps the newest 5 finished migrations per VMI and deletes older ones
        // (migration.go:91, 2251-2301): a larger threshold could never be reached.
        if (diagnosis.failedMigrationsBeforeRestart() < 1 || diagnosis.failedMigrationsBeforeRestart() > 5) {
            problems.add("diagnosis.failedMigrationsBeforeRestart: must be between 1 and 5 (KubeVirt keeps only the"
                    + " newest 5 finished migrations of a VMI), got " + diagnosis.failedMigrationsBeforeRestart());
        }
        if (diagnosis.repeatPassInterval() == null || diagnosis.repeatPassInterval().isNegative()) {
            problems.add("diagnosis.repeatPassInterval: must be a duration of 0s or more, got "
                    + diagnosis.repeatPassInterval());
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
        PolicyValidation.check(config.policy(), config.api(), problems);
        checkReports(config.reports(), problems);
        checkLeaderElection(config.leaderElection(), problems);
        if (config.rollout() == null) {
            problems.add("rollout: must be a mapping of keys");
        } else {
            atLeast("rollout.slackMinInterval", config.rollout().slackMinInterval(), Duration.ofSeconds(1), problems);
            atLeast("rollout.noImpactGrace", config.rollout().noImpactGrace(), Duration.ofSeconds(1), problems);
            atLeast("rollout.stallAfter", config.rollout().stallAfter(), Duration.ofSeconds(1), problems);
            atLeast("rollout.actAfter", config.rollout().actAfter(), Duration.ofSeconds(1), problems);
        }
        if (config.systemic() == null) {
            problems.add("systemic: must be a mapping of keys");
        } else {
            RemediatorConfig.Systemic sy = config.systemic();
            if (sy.minFailures() < 1) {
                problems.add("systemic.minFailures: must be at least 1, got " + sy.minFailures());
            }
            if (sy.minVmis() < 1) {
                problems.add("systemic.minVmis: must be at least 1, got " + sy.minVmis());
            }
            if (!(sy.minShare() > 0 && sy.minShare() <= 1)) {
                problems.add("systemic.minShare: must be above 0 and at most 1, got " + sy.minShare());
            }
            if (sy.window() == null || sy.window().compareTo(java.time.Duration.ofHours(1)) < 0) {
                problems.add("systemic.window: must be at least 1h (Events, the other source of reasons, last an hour), got "
                        + (sy.window() == null ? "nothing" : GoDuration.format(sy.window())));
            }
        }
        if (config.vce() == null) {
            problems.add("vce: must be a mapping of keys");
        } else if (!List.of("LiveMigrateIfPossible", "None").contains(config.vce().targetStrategy())) {
            // LiveMigrate is the strategy that blocks drains; External hands the VM to another controller.
            problems.add("vce.targetStrategy: must be LiveMigrateIfPossible or None, got \"" + config.vce().targetStrategy()
                    + "\" (\"shutdown\" is no eviction strategy KubeVirt knows)");
        }
        if (config.dualLauncher() == null) {
            problems.add("dualLauncher: must be a mapping of keys");
        } else {
            atLeast("dualLauncher.grace", config.dualLauncher().grace(), Duration.ofSeconds(1), problems);
        }
        if (config.notices() == null) {
            problems.add("notify: must be a mapping of keys");
        } else {
            atLeast("notify.leadTime", config.notices().leadTime(), Duration.ofSeconds(1), problems);
        }
        SlackValidation.check(config.publicUrl(), config.slack(), problems);
        return problems;
    }

    /** The API server's default request limit is 1.5 MiB; the rest of the object needs some room. */
    static final int MAX_REPORTS = 10_000;
    static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    /**
     * Leader election works in seconds (client-go's defaults are 15s/10s/2s): shorter timings only
     * make the Lease churn and the API server answer renewals many times a second.
     */
    private static final Duration MIN_LEASE_TIMING = Duration.ofSeconds(1);
    private static final Duration MIN_RETRY_PERIOD = Duration.ofMillis(200);
    private static final int MAX_OBJECT_BYTES = 1_400_000;

    private static void checkReports(RemediatorConfig.Reports reports, List<String> problems) {
        if (!blank(reports.namespace()) && !DNS_LABEL.matcher(reports.namespace()).matches()) {
            problems.add("reports.namespace: not a valid namespace name: \"" + reports.namespace() + "\"");
        }
        // Bounded above (redteam-2 N10): every replica watches every report, so the count is memory.
        if (reports.maxReports() < 1 || reports.maxReports() > MAX_REPORTS) {
            problems.add("reports.maxReports: must be between 1 and " + MAX_REPORTS + ", got " + reports.maxReports());
        }
        if (reports.newPerMinute() < 1 || reports.newPerMinute() > MAX_REPORTS) {
            problems.add("reports.newPerMinute: must be between 1 and " + MAX_REPORTS + ", got "
                    + reports.newPerMinute());
        }
        positiveDuration("reports.maxAge", reports.maxAge(), problems);
        if (reports.maxObjectBytes() < 64 * 1024 || reports.maxObjectBytes() > MAX_OBJECT_BYTES) {
            problems.add("reports.maxObjectBytes: must be between 65536 and " + MAX_OBJECT_BYTES + ", got "
                    + reports.maxObjectBytes());
        }
    }

    private static void checkLeaderElection(RemediatorConfig.LeaderElection le, List<String> problems) {
        if (blank(le.leaseName()) || !DNS_LABEL.matcher(le.leaseName()).matches()) {
            problems.add("leaderElection.leaseName: not a valid object name: \"" + le.leaseName() + "\"");
        }
        if (le.identity() != null && (le.identity().length() > 128 || le.identity().chars()
                .anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c)))) {
            problems.add("leaderElection.identity: at most 128 characters, without spaces or control characters");
        }
        Duration lease = atLeast("leaderElection.leaseDuration", le.leaseDuration(), MIN_LEASE_TIMING, problems);
        Duration renew = atLeast("leaderElection.renewDeadline", le.renewDeadline(), MIN_LEASE_TIMING, problems);
        Duration retry = atLeast("leaderElection.retryPeriod", le.retryPeriod(), MIN_RETRY_PERIOD, problems);
        // The same rules as client-go's: otherwise two replicas could both believe they lead.
        if (lease != null && renew != null && !renew.minus(lease).isNegative()) {
            problems.add("leaderElection.renewDeadline: must be shorter than leaderElection.leaseDuration ("
                    + GoDuration.format(renew) + " >= " + GoDuration.format(lease) + ")");
        }
        if (renew != null && retry != null && !retry.minus(renew).isNegative()) {
            problems.add("leaderElection.retryPeriod: must be shorter than leaderElection.renewDeadline ("
                    + GoDuration.format(retry) + " >= " + GoDuration.format(renew) + ")");
        }
    }

    private static Duration atLeast(String key, Duration d, Duration min, List<String> problems) {
        Duration positive = positiveDuration(key, d, problems);
        if (positive != null && positive.compareTo(min) < 0) {
            problems.add(key + ": must be at least " + GoDuration.format(min) + ", got \"" + GoDuration.format(positive)
                    + "\"");
            return null;
        }
        return positive;
    }

    private static Duration positiveDuration(String key, Duration d, List<String> problems) {
        if (d == null) {
            problems.add(key + ": must be set, e.g. 15s");
            return null;
        }
        if (d.isZero() || d.isNegative()) {
            problems.add(key + ": must be longer than 0, got \"" + GoDuration.format(d) + "\"");
            return null;
        }
        return d;
    }

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    static void checkNamespaceNames(String key, List<String> names, List<String> problems) {
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

    static final int MIN_TOKEN_LENGTH = 16;

    private static String tokenIn(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The admin token as the service will use it: the value, or the file's content (checked here). */
    static String adminToken(RemediatorConfig.Api api, List<String> problems) {
        if (blank(api.adminTokenFile())) {
            return api.adminToken();
        }
        if (!blank(api.adminToken())) {
            problems.add("api: set adminToken or adminTokenFile, not both");
        }
        Path file = Path.of(api.adminTokenFile());
        if (!Files.isReadable(file)) {
            problems.add("api.adminTokenFile: cannot read " + file);
            return null;
        }
        String token = tokenIn(file);
        if (token.length() < MIN_TOKEN_LENGTH) {
            problems.add("api.adminTokenFile: " + file + " holds " + (token.isEmpty() ? "no token"
                    : "a token shorter than " + MIN_TOKEN_LENGTH + " characters"));
        }
        return token;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

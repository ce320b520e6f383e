package io.remediator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("config.yaml"), yaml);
    }

    private static RemediatorConfig load(Path file, Map<String, String> env) {
        return new ConfigLoader(env).load(file);
    }

    @Test
    void fileValuesOverrideDefaults() throws IOException {
        RemediatorConfig c = load(file("""
                server:
                  port: 9090
                webhook:
                  bearerToken: s3cret-0123456789abcdef
                """), Map.of());
        assertThat(c.server().port()).isEqualTo(9090);
        assertThat(c.server().host()).isEqualTo("0.0.0.0");
        assertThat(c.webhook().bearerToken()).isEqualTo("s3cret-0123456789abcdef");
        assertThat(c.webhook().maxBodyBytes()).isEqualTo(1024 * 1024);
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        RemediatorConfig c = load(file("server: {port: 9090}\nwebhook: {bearerToken: aaaaaaaaaaaaaaaa}\n"), Map.of(
                "REMEDIATOR_SERVER_PORT", "7070",
                "REMEDIATOR_WEBHOOK_MAX_BODY_BYTES", "2048",
                "HOME", "/root"));
        assertThat(c.server().port()).isEqualTo(7070);
        assertThat(c.webhook().maxBodyBytes()).isEqualTo(2048);
    }

    @Test
    void worksWithoutAFileFromTheEnvironmentAlone() {
        RemediatorConfig c = load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "from-env-0123456789"));
        assertThat(c.webhook().bearerToken()).isEqualTo("from-env-0123456789");
    }

    @Test
    void envNamesAreTheKeyPathInUpperSnakeCase() {
        assertThat(ConfigLoader.envName("server.port")).isEqualTo("REMEDIATOR_SERVER_PORT");
        assertThat(ConfigLoader.envName("webhook.bearerTokenFile")).isEqualTo("REMEDIATOR_WEBHOOK_BEARER_TOKEN_FILE");
    }

    @Test
    void unknownKeyStopsStartUpNamingTheKey() throws IOException {
        Path f = file("webhook:\n  bearerToken: aaaaaaaaaaaaaaaa\n  bearerTokn: typo\n");
        assertThatThrownBy(() -> load(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("webhook.bearerTokn: unknown key");
    }

    @Test
    void unknownEnvironmentVariableStopsStartUp() {
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "aaaaaaaaaaaaaaaa",
                "REMEDIATOR_SERVER_PROT", "1")))
                .hasMessageContaining("environment variable REMEDIATOR_SERVER_PROT: not a known setting");
    }

    @Test
    void durationsAreBoundOnceFromWhatGoPrints() throws IOException {
        RemediatorConfig c = load(file("""
                webhook: {bearerToken: aaaaaaaaaaaaaaaa}
                reports: {maxAge: 1h0m0s}
                leaderElection: {leaseDuration: 1.5s, renewDeadline: 1.2s, retryPeriod: 300ms}
                policy: {limits: {batchInterval: 2m0s}}
                """), Map.of("REMEDIATOR_LEADER_ELECTION_LEASE_DURATION", "20s"));

        assertThat(c.reports().maxAge()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(c.leaderElection().leaseDuration()).isEqualTo(java.time.Duration.ofSeconds(20));
        assertThat(c.leaderElection().renewDeadline()).isEqualTo(java.time.Duration.ofMillis(1200));
        assertThat(c.leaderElection().retryPeriod()).isEqualTo(java.time.Duration.ofMillis(300));
        assertThat(c.policy().limits().batchInterval()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\nleaderElection: {leaseDuration: 1.5s, renewDeadline:"
                + " 1s, retryPeriod: 250ms}\n"), Map.of()).leaderElection().leaseDuration()).isEqualTo(java.time.Duration.ofMillis(1500));
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\nreports: {maxAge: 3 days}\n"), Map.of()))
                .hasMessageContaining("reports.maxAge: \"3 days\" is not a duration");
    }

    @Test
    void ownerNoticesAreConfiguredUnderNotifyAndABadLeadTimeStopsStartUpWithItsKey() throws IOException {
        RemediatorConfig d = load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\n"), Map.of());
        assertThat(d.notices().leadTime()).isEqualTo(java.time.Duration.ofMinutes(60));
        assertThat(d.slack().ownerChannels()).isEqualTo(50);
        RemediatorConfig c = load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\nnotify: {leadTime: 30m}\n"),
                Map.of("REMEDIATOR_SLACK_MAX_OWNER_CHANNELS_PER_REPORT", "7"));
        assertThat(c.notices().leadTime()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(c.slack().ownerChannels()).isEqualTo(7);
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\nnotify: {leadTime: 0s}\n"), Map.of()))
                .hasMessageContaining("notify.leadTime");
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\nnotify: {leadtime: 5m}\n"), Map.of()))
                .hasMessageContaining("notify.leadtime");
    }

    @Test
    void slackIsOffUntilAFileIsSetAndAFileThatCannotBeReadStopsStartUpWithItsKey() throws IOException {
        RemediatorConfig off = load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\n"), Map.of());
        assertThat(off.slack().enabled()).isFalse();

        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\n"), Map.of(
                "REMEDIATOR_SLACK_BOT_TOKEN_FILE", "/nonexistent/bot-token", "REMEDIATOR_SLACK_CHANNEL", "C0123ABCD",
                "REMEDIATOR_PUBLIC_URL", "https://remediator.example.com")))
                .hasMessageContaining("slack.botTokenFile: cannot read /nonexistent/bot-token");

        Path token = Files.writeString(dir.resolve("token"), "xoxb-1234567890-abcdef");
        Path hook = Files.writeString(dir.resolve("hook"), "https://evil.example/collect");
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\nslack: {botTokenFile: " + token
                + ", channel: general}\n"), Map.of()))
                .hasMessageContaining("publicUrl: required with Slack")
                .hasMessageContaining("slack.channel: the channel ID the bot posts to (e.g. C0123ABCD), got \"general\"");
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\npublicUrl: https://r.example\n"
                + "slack: {webhookUrlFile: " + hook + "}\n"), Map.of()))
                .hasMessageContaining("slack.webhookUrlFile: the file must hold a Slack incoming-webhook URL")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("evil.example"));

        RemediatorConfig on = load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\npublicUrl: https://r.example\n"
                + "slack: {botTokenFile: " + token + ", channel: C0123ABCD}\n"), Map.of());
        assertThat(on.slack().enabled()).isTrue();
        assertThat(on.slack().apiUrl()).isEqualTo("https://slack.com/api/");
    }

    @Test
    void theAdminTokenCanComeFromAFileThatIsCheckedLikeTheValue() throws IOException {
        Path admin = Files.writeString(dir.resolve("admin"), "admin-token-0123456789\n");
        RemediatorConfig c = load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\npolicy: {mode: approve}\napi: {adminTokenFile: "
                + admin + "}\n"), Map.of());
        assertThat(c.api().adminTokenFile()).isEqualTo(admin.toString());

        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\napi: {adminTokenFile: /nonexistent/admin}\n"),
                Map.of())).hasMessageContaining("api.adminTokenFile: cannot read /nonexistent/admin");
        Path same = Files.writeString(dir.resolve("same"), "aaaaaaaaaaaaaaaa");
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\napi: {adminTokenFile: " + same
                + ", adminToken: bbbbbbbbbbbbbbbbbb}\n"), Map.of()))
                .hasMessageContaining("api: set adminToken or adminTokenFile, not both")
                .hasMessageContaining("api.adminToken: must differ from the webhook token");
    }

    @Test
    void badValueNamesTheKey() throws IOException {
        Path f = file("server: {port: eighty}\nwebhook: {bearerToken: aaaaaaaaaaaaaaaa}\n");
        assertThatThrownBy(() -> load(f, Map.of()))
                .hasMessageContaining("server.port: must be a whole number");
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "aaaaaaaaaaaaaaaa",
                "REMEDIATOR_SERVER_PORT", "70000")))
                .hasMessageContaining("server.port: must be between 0 and 65535, got 70000");
    }

    @Test
    void aSectionGivenAsAValueIsRefused() throws IOException {
        Path f = file("server: 8080\nwebhook: {bearerToken: aaaaaaaaaaaaaaaa}\n");
        assertThatThrownBy(() -> load(f, Map.of())).hasMessageContaining("server: must be a mapping");
    }

    @Test
    void theWebhookNeverRunsWithoutAToken() {
        assertThatThrownBy(() -> load(null, Map.of()))
                .hasMessageContaining("webhook.bearerToken or webhook.bearerTokenFile: one must be set");
    }

    @Test
    void tokenFileMustBeReadableAndExclusiveWithAToken() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "abc-0123456789abcdef\n");
        assertThat(load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN_FILE", token.toString()))
                .webhook().bearerTokenFile()).isEqualTo(token.toString());
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN_FILE", dir + "/missing")))
                .hasMessageContaining("webhook.bearerTokenFile: cannot read");
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN_FILE", token.toString(),
                "REMEDIATOR_WEBHOOK_BEARER_TOKEN", "x")))
                .hasMessageContaining("set only one of them");
    }

    @Test
    void tokensAreLongAnEmptyTokenFileIsRefusedAndTheAdminTokenIsNotAlertmanagers() throws IOException {
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "short")))
                .hasMessageContaining("webhook.bearerToken: must be at least 16 characters");
        Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN_FILE", empty.toString())))
                .hasMessageContaining("webhook.bearerTokenFile: " + empty + " holds no token");
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "same-token-0123456789",
                "REMEDIATOR_API_ADMIN_TOKEN", "same-token-0123456789")))
                .hasMessageContaining("api.adminToken: must differ from the webhook token");
    }

    @Test
    void basicAuthAndTlsAreCheckedAtStartUp() throws IOException {
        Path password = Files.writeString(dir.resolve("password"), "short\n");
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BASIC_AUTH_USERNAME", "am",
                "REMEDIATOR_WEBHOOK_BASIC_AUTH_PASSWORD_FILE", password.toString(),
                "REMEDIATOR_WEBHOOK_BEARER_TOKEN", "aaaaaaaaaaaaaaaa")))
                .hasMessageContaining("webhook.basicAuth: set it or a bearer token")
                .hasMessageContaining("webhook.basicAuth.passwordFile: the password must be at least 16 characters");
        Path notPem = Files.writeString(dir.resolve("tls.crt"), "hello");
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "aaaaaaaaaaaaaaaa",
                "REMEDIATOR_SERVER_TLS_CERT_FILE", notPem.toString())))
                .hasMessageContaining("server.tls: set both certFile and keyFile, or neither");
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "aaaaaaaaaaaaaaaa",
                "REMEDIATOR_SERVER_TLS_CERT_FILE", notPem.toString(), "REMEDIATOR_SERVER_TLS_KEY_FILE", notPem.toString())))
                .hasMessageContaining("server.tls: certFile " + notPem);
    }

    @Test
    void theConfigsRedTeamTwoFoundAcceptedStopStartUpNamingTheKey() throws IOException {
        // redteam-2 N10, case by case.
        Path password = Files.writeString(dir.resolve("password"), "basic-password-0123456789\n");
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BASIC_AUTH_USERNAME", "am",
                "REMEDIATOR_WEBHOOK_BASIC_AUTH_PASSWORD_FILE", password.toString(),
                "REMEDIATOR_API_ADMIN_TOKEN", "basic-password-0123456789",
                "REMEDIATOR_API_READ_TOKEN", "basic-password-0123456789")))
                .hasMessageContaining("api.adminToken: must differ from the webhook token or basic-auth password")
                .hasMessageContaining("api.readToken: must differ from the webhook token (or basic-auth password)");
        assertThatThrownBy(() -> load(null, Map.of("REMEDIATOR_WEBHOOK_BASIC_AUTH_USERNAME", "am:x",
                "REMEDIATOR_WEBHOOK_BASIC_AUTH_PASSWORD_FILE", password.toString())))
                .hasMessageContaining("webhook.basicAuth.username: must not contain ':'");
        // A second `policy:` block would have won silently.
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\npolicy: {mode: report}\n"
                + "policy: {mode: auto}\n"), Map.of()))
                .hasMessageContaining("policy is given twice (line 3); give each key once");
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa, maxBodyBytes: 1000000000000}\n"
                + "reports: {maxReports: 2000000000}\n"), Map.of()))
                .hasMessageContaining("webhook.maxBodyBytes: must be between 1024 and 16777216, got 1000000000000")
                .hasMessageContaining("reports.maxReports: must be between 1 and 10000, got 2000000000");
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\n"
                + "leaderElection: {leaseDuration: 15ms, renewDeadline: 10ms, retryPeriod: 2ms, identity: \"a\\nb\"}\n"),
                Map.of()))
                .hasMessageContaining("leaderElection.leaseDuration: must be at least 1s, got \"15ms\"")
                .hasMessageContaining("leaderElection.renewDeadline: must be at least 1s, got \"10ms\"")
                .hasMessageContaining("leaderElection.retryPeriod: must be at least 200ms, got \"2ms\"")
                .hasMessageContaining("leaderElection.identity: at most 128 characters, without spaces or control");
        Path keys = Files.writeString(dir.resolve("link-keys"), "approval-link-key-0123456789abcdef\nshort\n");
        Path secret = Files.writeString(dir.resolve("signing-secret"), "x\n");
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\npublicUrl: https://r.example\n"
                + "api: {adminToken: admin-token-0123456789}\n"
                + "slack: {webhookUrlFile: " + Files.writeString(dir.resolve("hook"),
                "https://hooks.slack.com/services/T0/B0/x") + ", approval: {mode: link, linkKeyFile: " + keys
                + ", identityHeader: \"X Forwarded: Email\"}}\n"), Map.of()))
                .hasMessageContaining("slack.approval.linkKeyFile: the key on line 2 must be at least 32 characters")
                .hasMessageContaining("slack.approval.identityHeader: not a header name: \"X Forwarded: Email\"");
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\npublicUrl: https://r.example\n"
                + "api: {adminToken: admin-token-0123456789}\n"
                + "slack: {botTokenFile: " + Files.writeString(dir.resolve("bot"), "xoxb-1234567890-abcdef")
                + ", channel: C0123ABCD, approval: {mode: interactive, signingSecretFile: " + secret
                + ", allowedUserIds: [U012345]}}\n"), Map.of()))
                .hasMessageContaining("slack.approval.signingSecretFile: the secret must be at least 16 characters");
    }

    @Test
    void aKeyWithoutAValueIsNamedNotRunWithNull() throws IOException {
        // Found by ConfigFuzzTest: `mode:` with no value used to end start-up with a NullPointerException.
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\npolicy: {mode: }\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("policy.mode: has no value; give one, or leave the key out for the default (report)");
        assertThatThrownBy(() -> load(file("webhook: {bearerToken: aaaaaaaaaaaaaaaa}\n"
                + "policy: {enableWorkloadUpdatesMethods: [LiveMigrate, null]}\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("policy.enableWorkloadUpdatesMethods: must be a list of values");
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        Path f = file("webhook: {maxBodyBytes: 10}\nreports: {maxReports: 0}\n");
        assertThatThrownBy(() -> load(f, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3));
    }

    @Test
    void emptyFileMeansDefaults() throws IOException {
        assertThat(load(file(""), Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "aaaaaaaaaaaaaaaa")).server().port()).isEqualTo(8080);
    }

    @Test
    void namespaceScopeIsReadFromListsInTheFileAndCommaSeparatedFromTheEnvironment() throws IOException {
        RemediatorConfig fromFile = load(file("""
                webhook: {bearerToken: tttttttttttttttt}
                diagnosis:
                  failedMigrationsBeforeRestart: 5
                  namespaces:
                    include: [prod, staging]
                    exclude: [kube-system]
                    selector: "env in (prod,staging), !legacy"
                """), Map.of());
        assertThat(fromFile.diagnosis().namespaces().include()).containsExactly("prod", "staging");
        assertThat(fromFile.diagnosis().namespaces().exclude()).containsExactly("kube-system");
        assertThat(fromFile.diagnosis().namespaces().selector()).isEqualTo("env in (prod,staging), !legacy");
        assertThat(fromFile.diagnosis().failedMigrationsBeforeRestart()).isEqualTo(5);

        RemediatorConfig fromEnv = load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "tttttttttttttttt",
                "REMEDIATOR_DIAGNOSIS_NAMESPACES_EXCLUDE", "dev, lab ,"));
        assertThat(fromEnv.diagnosis().namespaces().exclude()).containsExactly("dev", "lab");
        assertThat(fromEnv.diagnosis().namespaces().include()).isEmpty();
    }

    @Test
    void thresholdsKubeVirtsMigrationGarbageCollectionMakesUnreachableStopStartUp() throws IOException {
        // KubeVirt keeps the newest 5 finished migrations per VMI: a 6th failure is never seen.
        assertThatThrownBy(() -> load(file("""
                webhook: {bearerToken: tttttttttttttttt}
                diagnosis:
                  failedMigrationsBeforeRestart: 6
                policy:
                  maxRetries: 5
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("diagnosis.failedMigrationsBeforeRestart: must be between 1 and 5 (KubeVirt keeps only"
                        + " the newest 5 finished migrations of a VMI), got 6")
                .hasMessageContaining("policy.maxRetries: must be between 0 and 4 (KubeVirt keeps only the newest 5 finished"
                        + " migrations of a VMI), got 5");
        assertThat(load(file("""
                webhook: {bearerToken: tttttttttttttttt}
                diagnosis:
                  failedMigrationsBeforeRestart: 5
                policy:
                  maxRetries: 4
                """), Map.of()).policy().maxRetries()).isEqualTo(4);
    }

    @Test
    void aBadNamespaceScopeStopsStartUpNamingEachField() throws IOException {
        assertThatThrownBy(() -> load(file("""
                webhook: {bearerToken: tttttttttttttttt}
                diagnosis:
                  failedMigrationsBeforeRestart: 0
                  namespaces:
                    include: [prod, Bad_Name]
                    exclude: [prod]
                    selector: "env in prod"
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("diagnosis.failedMigrationsBeforeRestart: must be between 1 and 5 (KubeVirt keeps only"
                        + " the newest 5 finished migrations of a VMI), got 0")
                .hasMessageContaining("diagnosis.namespaces.include: \"Bad_Name\" is not a namespace name")
                .hasMessageContaining("diagnosis.namespaces.exclude: prod is also in diagnosis.namespaces.include")
                .hasMessageContaining("diagnosis.namespaces.selector: \"env in prod\" is not a label selector");
        assertThatThrownBy(() -> load(file("""
                webhook: {bearerToken: tttttttttttttttt}
                diagnosis: {namespaces: {include: prod}}
                """), Map.of()))
                .hasMessageContaining("diagnosis.namespaces.include: must be a list of values");
    }

    @Test
    void aBadPolicyStopsStartUpNamingEachField() throws IOException {
        assertThatThrownBy(() -> load(file("""
                webhook: {bearerToken: tttttttttttttttt}
                policy:
                  mode: yolo
                  actions: {restart: sometimes, liveMigrate: approve}
                  enableWorkloadUpdatesMethods: [LiveMigrate, Reboot]
                  optOutKey: "not a key"
                  windows: ["Mon-Fri 22:00-06:00", "Sun-Mox 01:00-02:00"]
                  timeZone: Mars/Olympus
                  limits: {maxActionsPerHour: 0, batchInterval: soon}
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("policy.mode: must be report, approve or auto, got \"yolo\"")
                .hasMessageContaining("policy.actions.restart: must be auto, approve, report or never")
                .hasMessageContaining("api.adminToken: required when policy.mode or a policy.actions entry is approve")
                .hasMessageContaining("policy.enableWorkloadUpdatesMethods: must list LiveMigrate and/or Evict")
                .hasMessageContaining("policy.optOutKey: \"not a key\"")
                .hasMessageContaining("policy.windows: \"Mox\" is not a day")
                .hasMessageContaining("policy.timeZone: \"Mars/Olympus\" is not a time zone")
                .hasMessageContaining("policy.limits.maxActionsPerHour: must be at least 1")
                .hasMessageContaining("policy.limits.batchInterval: \"soon\" is not a duration");
    }

    @Test
    void theDefaultPolicyIsReportModeWithNothingDisruptive() {
        RemediatorConfig c = load(null, Map.of("REMEDIATOR_WEBHOOK_BEARER_TOKEN", "tttttttttttttttt"));
        assertThat(c.policy().mode()).isEqualTo("report");
        assertThat(c.policy().actions()).isEqualTo(new RemediatorConfig.Actions(null, null, null, null, null));
        assertThat(c.api().adminToken()).isNull();
    }
}

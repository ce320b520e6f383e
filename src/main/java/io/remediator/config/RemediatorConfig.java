package io.remediator.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.List;

/**
 * Everything the operator can set, in one tree, bound once when the config is read: durations are
 * {@link Duration}s here (written as Go durations, `1m30s`), never re-parsed where they are used.
 * The field names are the config keys (`server.port`) and, in upper snake case, the environment overrides (`REMEDIATOR_SERVER_PORT`);
 * scripts and docs depend on them, so renaming one is a breaking change.
 */
public record RemediatorConfig(Server server, Webhook webhook, Diagnosis diagnosis, Reports reports, Policy policy,
                               Api api, LeaderElection leaderElection, String publicUrl, Slack slack, Rollout rollout,
                               Systemic systemic, DualLauncher dualLauncher, Vce vce,
                               // `notify` in the file; the name is Object's in Java
                               @com.fasterxml.jackson.annotation.JsonProperty("notify") Notify notices) {

    /** The same with the owner notices' defaults. */
    public RemediatorConfig(Server server, Webhook webhook, Diagnosis diagnosis, Reports reports, Policy policy,
                            Api api, LeaderElection leaderElection, String publicUrl, Slack slack, Rollout rollout,
                            Systemic systemic, DualLauncher dualLauncher, Vce vce) {
        this(server, webhook, diagnosis, reports, policy, api, leaderElection, publicUrl, slack, rollout, systemic,
                dualLauncher, vce, Notify.DEFAULT);
    }

    /**
     * Notices to namespace owners (docs/owners.md).
     *
     * @param leadTime how long before a window opens in which disruptive actions are planned its owner
     *                 channel gets the heads-up
     */
    public record Notify(@JsonDeserialize(using = GoDuration.Deserializer.class)
                         @JsonSerialize(using = GoDuration.Serializer.class) Duration leadTime) {
        public static final Notify DEFAULT = new Notify(Duration.ofMinutes(60));
    }

    /** The same with the VMCannotBeEvicted runbook's defaults. */
    public RemediatorConfig(Server server, Webhook webhook, Diagnosis diagnosis, Reports reports, Policy policy,
                            Api api, LeaderElection leaderElection, String publicUrl, Slack slack, Rollout rollout,
                            Systemic systemic, DualLauncher dualLauncher) {
        this(server, webhook, diagnosis, reports, policy, api, leaderElection, publicUrl, slack, rollout, systemic,
                dualLauncher, Vce.DEFAULT);
    }

    /**
     * The VMCannotBeEvicted runbook (docs/runbooks/vm-cannot-be-evicted.md).
     *
     * @param targetStrategy      what PATCH_EVICTION_STRATEGY writes into a VM's template:
     *                            LiveMigrateIfPossible (prefer a migration, never block a drain) or None
     * @param autoRestartOnDrain  a RESTART of a VMI that blocks a drain now runs in `auto` without a
     *                            person (default false: it waits for approval whatever the policy says)
     * @param watchNodes          a cordoned node with such a VMI makes a DrainBlocked report at once,
     *                            before any alert
     */
    public record Vce(String targetStrategy, boolean autoRestartOnDrain, boolean watchNodes) {
        public static final Vce DEFAULT = new Vce("LiveMigrateIfPossible", false, true);
    }

    /** The same with the dual-launcher check's default. */
    public RemediatorConfig(Server server, Webhook webhook, Diagnosis diagnosis, Reports reports, Policy policy,
                            Api api, LeaderElection leaderElection, String publicUrl, Slack slack, Rollout rollout,
                            Systemic systemic) {
        this(server, webhook, diagnosis, reports, policy, api, leaderElection, publicUrl, slack, rollout, systemic,
                DualLauncher.DEFAULT);
    }

    /**
     * VMIs in two active launchers outside a migration (docs/migration-failures.md).
     *
     * @param grace how long after the newest pod's creation and the last migration's end two active
     *              launchers are still a hand-off
     */
    public record DualLauncher(@JsonDeserialize(using = GoDuration.Deserializer.class)
                               @JsonSerialize(using = GoDuration.Serializer.class) Duration grace) {
        public static final DualLauncher DEFAULT = new DualLauncher(Duration.ofSeconds(120));
    }

    /** The same with the systemic rule's defaults. */
    public RemediatorConfig(Server server, Webhook webhook, Diagnosis diagnosis, Reports reports, Policy policy,
                            Api api, LeaderElection leaderElection, String publicUrl, Slack slack, Rollout rollout) {
        this(server, webhook, diagnosis, reports, policy, api, leaderElection, publicUrl, slack, rollout, Systemic.DEFAULT,
                DualLauncher.DEFAULT);
    }

    /**
     * When migrations fail the same way cluster-wide (docs/migration-failures.md).
     *
     * @param minFailures a signature is systemic with at least this many failures since T0 ...
     * @param minVmis     ... on at least this many VMIs ...
     * @param minShare    ... and this share of all finished, non-canceled migrations since T0 (or no success at all)
     * @param requireApprovalForRestarts a restart or stop of a VMI whose last migration failed with a
     *                    systemic signature needs approval whatever the policy says
     * @param window      with no rollout to count from (the service came after the update, or the
     *                    update is older than the alert's 24 h), failures are counted in windows of
     *                    this length: the current one and the one before
     */
    public record Systemic(int minFailures, int minVmis, double minShare, boolean requireApprovalForRestarts,
                           @JsonDeserialize(using = GoDuration.Deserializer.class)
                           @JsonSerialize(using = GoDuration.Serializer.class) Duration window) {
        public static final Systemic DEFAULT = new Systemic(5, 3, 0.5, true, Duration.ofHours(24));

        public Systemic(int minFailures, int minVmis, double minShare, boolean requireApprovalForRestarts) {
            this(minFailures, minVmis, minShare, requireApprovalForRestarts, Duration.ofHours(24));
        }
    }

    /** The same with the rollout watch's defaults. */
    public RemediatorConfig(Server server, Webhook webhook, Diagnosis diagnosis, Reports reports, Policy policy,
                            Api api, LeaderElection leaderElection, String publicUrl, Slack slack) {
        this(server, webhook, diagnosis, reports, policy, api, leaderElection, publicUrl, slack, Rollout.DEFAULT);
    }

    /**
     * The rollout watch (docs/rollouts.md).
     *
     * @param slackMinInterval the rollout's Slack message is updated at most this often (Slack's
     *                         chat.update is Tier 3: 50 a minute for the whole workspace)
     * @param noImpactGrace    a deployment-ID change that outdated no VMI in this long after T0 is
     *                         closed as NoWorkloadImpact
     * @param stallAfter       no outdated VMI left the set in this long while KubeVirt still handles
     *                         some: Stalled
     * @param act              false (default): the rollout only observes; true: the rollout's own
     *                         report plans the outdated VMIs under the policy, and an alert's report
     *                         for the same rollout plans nothing (OWNED_BY_ROLLOUT)
     * @param actAfter         the rollout's disruptive actions wait this long after T0
     */
    public record Rollout(@JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration slackMinInterval,
                          @JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration noImpactGrace,
                          @JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration stallAfter,
                          boolean act,
                          @JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration actAfter) {
        public static final Rollout DEFAULT = new Rollout(Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofMinutes(15),
                false, Duration.ofHours(1));

        /** Observing only. */
        public Rollout(Duration slackMinInterval, Duration noImpactGrace, Duration stallAfter) {
            this(slackMinInterval, noImpactGrace, stallAfter, false, Duration.ofHours(1));
        }
    }

    /**
     * Slack (docs/slack.md). Off while neither file is set; a file that is set but cannot be read
     * stops start-up.
     *
     * @param botTokenFile   a file holding the bot token (`xoxb-…`): one message per report, updated in place
     * @param webhookUrlFile a file holding an incoming-webhook URL instead: one message per report, never updated
     * @param channel        the channel ID (`C0123ABCD`) the bot posts to
     * @param apiUrl         Slack's Web API base; tests point it at a local server
     */
    public record Slack(String botTokenFile, String webhookUrlFile, String channel, String apiUrl, Approval approval,
                        Integer maxOwnerChannelsPerReport) {
        /** Owner channel messages per report when unset (docs/owners.md). */
        public static final int MAX_OWNER_CHANNELS = 50;

        public Slack(String botTokenFile, String webhookUrlFile, String channel, String apiUrl, Approval approval) {
            this(botTokenFile, webhookUrlFile, channel, apiUrl, approval, null);
        }

        /** `slack.maxOwnerChannelsPerReport`: at most this many owner channel messages per report; 0 for none. */
        public int ownerChannels() {
            return maxOwnerChannelsPerReport == null ? MAX_OWNER_CHANNELS : maxOwnerChannelsPerReport;
        }

        public boolean enabled() {
            return botTokenFile != null && !botTokenFile.isBlank() || webhookUrlFile != null && !webhookUrlFile.isBlank();
        }
    }

    /**
     * Approving from a Slack message (docs/slack.md).
     *
     * @param mode           none (default: the message links to the report page); link: a signed,
     *                       expiring, single-use link to a page that shows the plan and asks to confirm;
     *                       interactive: an approve button in the message, for allowed Slack users only
     * @param linkKeyFile    the key that signs approval links (at least 32 bytes); one key per line,
     *                       the first signs, all verify (rotation)
     * @param ttl            how long a link is good for, from the plan it approves
     * @param identityHeader the header an SSO proxy in front of the page sets to the user's identity
     *                       (e.g. X-Forwarded-Email); "" = record "link holder"
     * @param maxAction      the most disruptive action a link or button approves: EVICT (default) leaves
     *                       RESTART and STOP to the report page with the admin token
     * @param signingSecretFile Slack's signing secret (interactive: Slack buttons post to /slack/interactions)
     * @param allowedUserIds Slack user IDs that may approve with the button (interactive)
     * @param allowedUsergroup a Slack user group ID (S…) whose members may approve (interactive; scope usergroups:read)
     */
    public record Approval(String mode, String linkKeyFile,
                           @JsonDeserialize(using = GoDuration.Deserializer.class)
                           @JsonSerialize(using = GoDuration.Serializer.class) Duration ttl,
                           String identityHeader, String maxAction, String signingSecretFile,
                           List<String> allowedUserIds, String allowedUsergroup) {}


    /** @param tls serve HTTPS with this certificate; both files empty = plain HTTP */
    public record Server(String host, int port, Tls tls) {}

    /**
     * PEM files, as a Kubernetes TLS Secret mounts them; re-read when they change (cert-manager renewal).
     *
     * @param certFile the certificate chain (`tls.crt`)
     * @param keyFile  its PKCS#8 private key, RSA or EC (`tls.key`)
     */
    public record Tls(String certFile, String keyFile) {
        public boolean enabled() {
            return certFile != null && !certFile.isBlank();
        }
    }

    /**
     * @param bearerToken     the token Alertmanager sends (`authorization.credentials`)
     * @param bearerTokenFile a file holding the token instead; re-read when it changes (Secret rotation)
     * @param maxBodyBytes    larger webhook bodies are refused with 413
     * @param basicAuth       HTTP basic authentication instead of a bearer token (Alertmanager's
     *                        `basic_auth`); the password from a file, re-read when it changes
     */
    public record Webhook(String bearerToken, String bearerTokenFile, long maxBodyBytes, BasicAuth basicAuth) {}

    /** @param passwordFile a file holding the password (Alertmanager's `basic_auth.password_file`) */
    public record BasicAuth(String username, String passwordFile) {
        public boolean enabled() {
            return username != null && !username.isBlank();
        }
    }

    /**
     * @param pageSize                      0: one LIST per kind from the API server's watch cache;
     *                                      otherwise items per LIST page, read from etcd
     * @param failedMigrationsBeforeRestart from this many failed migrations since it became outdated,
     *                                      a migratable VMI is recommended a restart (or stop)
     * @param syncTimeoutSeconds            how long the first read of the cluster may take
     * @param namespaces                    which namespaces the diagnosis covers
     * @param repeatPassInterval            a repeat delivery of an unchanged alert set starts a pass only
     *                                      when the last pass is at least this old (a changed alert set,
     *                                      an approval or a due follow-up start one at once)
     */
    public record Diagnosis(int pageSize, int failedMigrationsBeforeRestart, int syncTimeoutSeconds,
                            Namespaces namespaces,
                            @JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration repeatPassInterval) {}

    /**
     * @param include  namespaces to diagnose; empty means all
     * @param exclude  namespaces never to diagnose
     * @param selector a label selector namespaces must match (e.g. `env in (prod,staging)`), or empty
     */
    public record Namespaces(List<String> include, List<String> exclude, String selector) {}

    /**
     * Reports are RemediationReport objects in the Kubernetes API: the durable record of each alert
     * episode, shared by every replica.
     *
     * @param namespace      where they (and the leader Lease) live; empty = the client's namespace
     *                       (the pod's own in a cluster), else `default`
     * @param maxReports     finished reports kept; beyond it the oldest are deleted
     * @param maxAge         finished reports older than this (since their last delivery) are deleted
     * @param maxObjectBytes a stored report larger than this keeps its summary and a bounded VMI and
     *                       action list (the API server refuses objects above about 1.5 MiB)
     * @param newPerMinute   the most new reports all replicas together create in a minute (past it,
     *                       and past maxReports + newPerMinute stored, a new episode gets 503 +
     *                       Retry-After; a repeat of a stored one always passes)
     */
    public record Reports(String namespace, int maxReports,
                          @JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration maxAge, int maxObjectBytes,
                          int newPerMinute) {}

    /**
     * Replicas elect one leader with a `coordination.k8s.io` Lease: only it diagnoses and acts.
     *
     * @param leaseName     the Lease's name, in `reports.namespace`
     * @param identity      this replica's name in the Lease; empty = host name plus a random suffix
     * @param leaseDuration how long a dead leader's lease blocks the others, e.g. `15s`
     * @param renewDeadline the leader stops acting when it could not renew for this long
     * @param retryPeriod   how often candidates try, and the leader renews
     */
    public record LeaderElection(String leaseName, String identity,
                                 @JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration leaseDuration,
                                 @JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration renewDeadline,
                                 @JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration retryPeriod) {}

    /**
     * What the service may do about what it diagnosed (docs/remediation.md).
     *
     * @param mode                         report (default: plan, dry-run, touch nothing), approve, auto
     * @param actions                      per action: auto, approve, report or never; null derives it
     *                                     from the mode (liveMigrate follows it, the rest stay report)
     * @param enableWorkloadUpdatesMethods methods set on the KubeVirt CR by enableWorkloadUpdates
     * @param optOutKey                    a VM or VMI with this label or annotation set to "true" is never touched
     * @param windows                      when disruptive actions may run, e.g. `Mon-Fri 22:00-06:00`;
     *                                     empty means at any time
     * @param timeZone                     the windows' time zone
     */
    public record Policy(String mode, Actions actions, List<String> enableWorkloadUpdatesMethods,
                         Namespaces namespaces, String optOutKey, List<String> windows, String timeZone,
                         Limits limits, int maxRetries) {}

    /**
     * Per action: auto, approve, report or never; unset, live migration follows the mode and every
     * other action is report. `resumeWorkloadUpdates` is approval-only: auto reads as approve.
     */
    public record Actions(String liveMigrate, String evict, String restart, String stop, String enableWorkloadUpdates,
                          String pauseWorkloadUpdates, String cancelUpdaterMigrations, String resumeWorkloadUpdates,
                          String patchEvictionStrategy, String evacuateCancel) {
        public Actions(String liveMigrate, String evict, String restart, String stop, String enableWorkloadUpdates) {
            this(liveMigrate, evict, restart, stop, enableWorkloadUpdates, null, null, null, null, null);
        }

        public Actions(String liveMigrate, String evict, String restart, String stop, String enableWorkloadUpdates,
                       String pauseWorkloadUpdates, String cancelUpdaterMigrations, String resumeWorkloadUpdates,
                       String patchEvictionStrategy) {
            this(liveMigrate, evict, restart, stop, enableWorkloadUpdates, pauseWorkloadUpdates, cancelUpdaterMigrations,
                    resumeWorkloadUpdates, patchEvictionStrategy, null);
        }

        public Actions(String liveMigrate, String evict, String restart, String stop, String enableWorkloadUpdates,
                       String pauseWorkloadUpdates, String cancelUpdaterMigrations, String resumeWorkloadUpdates) {
            this(liveMigrate, evict, restart, stop, enableWorkloadUpdates, pauseWorkloadUpdates, cancelUpdaterMigrations,
                    resumeWorkloadUpdates, null, null);
        }
    }

    /**
     * @param maxActionsPerHour     circuit breaker: actions of one kind per hour, cluster-wide
     * @param maxMigrationsInFlight 0 = KubeVirt's parallelMigrationsPerCluster; never above it
     * @param batchSize             disruptive actions per batch; 0 = KubeVirt's batchEvictionSize
     * @param batchInterval         between batches, e.g. `1m`; empty = KubeVirt's batchEvictionInterval
     */
    public record Limits(int maxActionsPerHour, int maxMigrationsInFlight, int batchSize,
                         @JsonDeserialize(using = GoDuration.Deserializer.class) @JsonSerialize(using = GoDuration.Serializer.class) Duration batchInterval) {}

    /**
     * @param adminToken guards `POST /api/reports/{id}/approve`; required (or adminTokenFile) when anything is `approve`
     * @param adminTokenFile a file holding the admin token instead (a mounted Secret); re-read when it changes
     * @param readToken  when set, the report pages and JSON (`/reports`, `/api/reports`) ask for it
     *                   (or the admin token) as a bearer token; unset, they are open to whoever reaches
     *                   the Service (README: "What is open, and to whom")
     */
    public record Api(String adminToken, String readToken, String adminTokenFile) {}

    public static RemediatorConfig defaults() {
        return new RemediatorConfig(
                new Server("0.0.0.0", 8080, new Tls("", "")),
                new Webhook(null, null, 1024 * 1024, new BasicAuth("", "")),
                new Diagnosis(0, 3, 120, new Namespaces(List.of(), List.of(), ""), Duration.ofMinutes(5)),
                new Reports("", 100, Duration.ofHours(720), 1_000_000, 100),
                new Policy("report", new Actions(null, null, null, null, null), List.of("LiveMigrate"),
                        new Namespaces(List.of(), List.of(), ""), "kubevirt-remediator/skip", List.of(), "UTC",
                        new Limits(20, 0, 0, null), 2),
                new Api(null, null, null),
                new LeaderElection("kubevirt-remediator", "", Duration.ofSeconds(15), Duration.ofSeconds(10),
                        Duration.ofSeconds(2)),
                "",
                new Slack("", "", "", "https://slack.com/api/",
                        new Approval("none", "", Duration.ofMinutes(30), "", "EVICT", "", List.of(), "")), Rollout.DEFAULT,
                Systemic.DEFAULT, DualLauncher.DEFAULT, Vce.DEFAULT, Notify.DEFAULT);
    }
}

package io.remediator.config;

import java.util.List;

/**
 * Everything the operator can set, in one tree. The field names are the config keys
 * (`server.port`) and, in upper snake case, the environment overrides (`REMEDIATOR_SERVER_PORT`);
 * scripts and docs depend on them, so renaming one is a breaking change.
 */
public record RemediatorConfig(Server server, Webhook webhook, Diagnosis diagnosis, Reports reports, Policy policy,
                               Api api) {

    public record Server(String host, int port) {}

    /**
     * @param bearerToken     the token Alertmanager sends (`authorization.credentials`)
     * @param bearerTokenFile a file holding the token instead; re-read when it changes (Secret rotation)
     * @param maxBodyBytes    larger webhook bodies are refused with 413
     * @param queueCapacity   alert groups waiting for diagnosis; when full the webhook answers 503
     */
    public record Webhook(String bearerToken, String bearerTokenFile, long maxBodyBytes, int queueCapacity) {}

    /**
     * @param pageSize                      items per LIST page when reading from the API server
     * @param failedMigrationsBeforeRestart from this many failed migrations since it became outdated,
     *                                      a migratable VMI is recommended a restart (or stop)
     * @param syncTimeoutSeconds            how long the first read of the cluster may take
     * @param namespaces                    which namespaces the diagnosis covers
     */
    public record Diagnosis(int pageSize, int failedMigrationsBeforeRestart, int syncTimeoutSeconds,
                            Namespaces namespaces) {}

    /**
     * @param include  namespaces to diagnose; empty means all
     * @param exclude  namespaces never to diagnose
     * @param selector a label selector namespaces must match (e.g. `env in (prod,staging)`), or empty
     */
    public record Namespaces(List<String> include, List<String> exclude, String selector) {}

    /**
     * @param maxReports      reports kept in memory; the oldest are dropped first
     * @param maxVmisInMemory outdated VMIs summed over the kept reports; beyond it the oldest
     *                        reports are dropped too (the newest is always kept)
     */
    public record Reports(int maxReports, long maxVmisInMemory) {}

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

    public record Actions(String liveMigrate, String evict, String restart, String stop, String enableWorkloadUpdates) {}

    /**
     * @param maxActionsPerHour     circuit breaker: actions of one kind per hour, cluster-wide
     * @param maxMigrationsInFlight 0 = KubeVirt's parallelMigrationsPerCluster; never above it
     * @param batchSize             disruptive actions per batch; 0 = KubeVirt's batchEvictSize
     * @param batchInterval         between batches, e.g. `1m`; empty = KubeVirt's batchEvictInterval
     */
    public record Limits(int maxActionsPerHour, int maxMigrationsInFlight, int batchSize, String batchInterval) {}

    /** @param adminToken guards `POST /api/reports/{id}/approve`; required when anything is `approve` */
    public record Api(String adminToken) {}

    public static RemediatorConfig defaults() {
        return new RemediatorConfig(
                new Server("0.0.0.0", 8080),
                new Webhook(null, null, 1024 * 1024, 1000),
                new Diagnosis(500, 3, 120, new Namespaces(List.of(), List.of(), "")),
                new Reports(500, 50_000),
                new Policy("report", new Actions(null, null, null, null, null), List.of("LiveMigrate"),
                        new Namespaces(List.of(), List.of(), ""), "kubevirt-remediator/skip", List.of(), "UTC",
                        new Limits(20, 0, 0, ""), 2),
                new Api(null));
    }
}

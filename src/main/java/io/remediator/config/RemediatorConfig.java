package io.remediator.config;

import java.util.List;

/**
 * Everything the operator can set, in one tree. The field names are the config keys
 * (`server.port`) and, in upper snake case, the environment overrides (`REMEDIATOR_SERVER_PORT`);
 * scripts and docs depend on them, so renaming one is a breaking change.
 */
public record RemediatorConfig(Server server, Webhook webhook, Diagnosis diagnosis, Reports reports) {

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

    /** @param maxReports reports kept in memory; the oldest are dropped first */
    public record Reports(int maxReports) {}

    public static RemediatorConfig defaults() {
        return new RemediatorConfig(
                new Server("0.0.0.0", 8080),
                new Webhook(null, null, 1024 * 1024, 1000),
                new Diagnosis(500, 3, 120, new Namespaces(List.of(), List.of(), "")),
                new Reports(500));
    }
}

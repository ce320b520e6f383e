package io.remediator.testing;

import io.remediator.config.RemediatorConfig;
import java.util.List;

/** Remediation policies for tests, starting from the shipped defaults. */
public final class Policies {
    private String mode;
    private String liveMigrate;
    private String restart;
    private String stop;
    private String enableWorkloadUpdates;
    private String pauseWorkloadUpdates;
    private String cancelUpdaterMigrations;
    private String resumeWorkloadUpdates;
    private String patchEvictionStrategy;
    private String evacuateCancel;

    public Policies evacuateCancel(String s) {
        evacuateCancel = s;
        return this;
    }

    public Policies patchEvictionStrategy(String s) {
        patchEvictionStrategy = s;
        return this;
    }

    /** pause, cancel and resume of KubeVirt's updater, all set alike */
    public Policies updaterControl(String s) {
        pauseWorkloadUpdates = s;
        cancelUpdaterMigrations = s;
        resumeWorkloadUpdates = s;
        return this;
    }
    private List<String> windows = List.of();
    private int maxMigrationsInFlight;
    private int batchSize;
    private java.time.Duration batchInterval;
    private int maxRetries = 2;
    private List<String> exclude = List.of();

    private Policies(String mode) {
        this.mode = mode;
    }

    public static Policies mode(String mode) {
        return new Policies(mode);
    }

    public Policies liveMigrate(String s) {
        liveMigrate = s;
        return this;
    }

    public Policies restart(String s) {
        restart = s;
        return this;
    }

    public Policies stop(String s) {
        stop = s;
        return this;
    }

    public Policies enableWorkloadUpdates(String s) {
        enableWorkloadUpdates = s;
        return this;
    }

    public Policies windows(String... w) {
        windows = List.of(w);
        return this;
    }

    public Policies maxMigrationsInFlight(int n) {
        maxMigrationsInFlight = n;
        return this;
    }

    public Policies batch(int size, String interval) {
        batchSize = size;
        batchInterval = interval == null || interval.isBlank() ? null : io.remediator.config.GoDuration.parse(interval);
        return this;
    }

    public Policies maxRetries(int n) {
        maxRetries = n;
        return this;
    }

    public Policies excludeNamespaces(String... ns) {
        exclude = List.of(ns);
        return this;
    }

    public RemediatorConfig.Policy build() {
        RemediatorConfig.Policy d = RemediatorConfig.defaults().policy();
        return new RemediatorConfig.Policy(mode,
                new RemediatorConfig.Actions(liveMigrate, null, restart, stop, enableWorkloadUpdates, pauseWorkloadUpdates,
                        cancelUpdaterMigrations, resumeWorkloadUpdates, patchEvictionStrategy, evacuateCancel),
                d.enableWorkloadUpdatesMethods(),
                new RemediatorConfig.Namespaces(List.of(), exclude, ""),
                d.optOutKey(), windows, "UTC",
                new RemediatorConfig.Limits(d.limits().maxActionsPerHour(), maxMigrationsInFlight, batchSize, batchInterval),
                maxRetries);
    }
}

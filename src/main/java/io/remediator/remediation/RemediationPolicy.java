package io.remediator.remediation;

import io.remediator.config.GoDuration;
import io.remediator.config.RemediatorConfig;
import io.remediator.config.TimeWindow;
import io.remediator.runbook.NamespaceScope;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's policy, parsed once from `policy.*` (already validated at start-up).
 *
 * @param batchSize     0 = the KubeVirt CR's batchEvictionSize
 * @param batchInterval null = the KubeVirt CR's batchEvictionInterval
 */
public record RemediationPolicy(
        Setting mode,
        Map<Action, Setting> explicit,
        List<String> enableWorkloadUpdatesMethods,
        NamespaceScope scope,
        String optOutKey,
        List<TimeWindow> windows,
        ZoneId timeZone,
        int maxActionsPerHour,
        int maxMigrationsInFlight,
        int batchSize,
        Duration batchInterval,
        int maxRetries) {

    public static RemediationPolicy from(RemediatorConfig.Policy p) {
        Map<Action, Setting> explicit = new EnumMap<>(Action.class);
        put(explicit, Action.LIVE_MIGRATE, p.actions().liveMigrate());
        put(explicit, Action.EVICT, p.actions().evict());
        put(explicit, Action.RESTART, p.actions().restart());
        put(explicit, Action.STOP, p.actions().stop());
        put(explicit, Action.ENABLE_WORKLOAD_UPDATES, p.actions().enableWorkloadUpdates());
        put(explicit, Action.PAUSE_WORKLOAD_UPDATES, p.actions().pauseWorkloadUpdates());
        put(explicit, Action.CANCEL_UPDATER_MIGRATIONS, p.actions().cancelUpdaterMigrations());
        put(explicit, Action.RESUME_WORKLOAD_UPDATES, p.actions().resumeWorkloadUpdates());
        put(explicit, Action.PATCH_EVICTION_STRATEGY, p.actions().patchEvictionStrategy());
        put(explicit, Action.EVACUATE_CANCEL, p.actions().evacuateCancel());
        return new RemediationPolicy(
                Setting.parse(p.mode()),
                Map.copyOf(explicit),
                List.copyOf(p.enableWorkloadUpdatesMethods()),
                new NamespaceScope(Set.copyOf(p.namespaces().include()), Set.copyOf(p.namespaces().exclude()),
                        !p.namespaces().selector().isBlank()),
                p.optOutKey(),
                p.windows().stream().map(TimeWindow::parse).toList(),
                ZoneId.of(p.timeZone()),
                p.limits().maxActionsPerHour(),
                p.limits().maxMigrationsInFlight(),
                p.limits().batchSize(),
                p.limits().batchInterval(),
                p.maxRetries());
    }

    private static void put(Map<Action, Setting> map, Action action, String value) {
        if (value != null) {
            map.put(action, Setting.parse(value));
        }
    }

    /**
     * The weaker of the mode and the action's own setting. Unset, live migration follows the mode
     * and every other action is report: nothing disruptive is ever implied by a default.
     */
    public Setting effective(Action action) {
        Setting own = explicit.getOrDefault(action, action == Action.LIVE_MIGRATE ? Setting.AUTO : Setting.REPORT);
        Setting effective = mode.weaker(own);
        // Resuming restores what a person paused: a person approves it, whatever the policy says.
        return action == Action.RESUME_WORKLOAD_UPDATES ? effective.weaker(Setting.APPROVE) : effective;
    }

    /** The config that decided it, e.g. `policy.mode=report` or `policy.actions.restart=auto`. */
    public String rule(Action action) {
        Setting own = explicit.get(action);
        if (own == null) {
            return action == Action.LIVE_MIGRATE ? "policy.mode=" + mode.configValue()
                    : "policy.actions." + action.configKey() + " unset (report)" + (mode == Setting.REPORT ? ", policy.mode=report" : "");
        }
        return own.compareTo(mode) <= 0 ? "policy.actions." + action.configKey() + "=" + own.configValue()
                : "policy.mode=" + mode.configValue();
    }

    /** KubeVirt's own default batchEvictionInterval (workload-updater.go:60-61). */
    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

    /**
     * Between passes: the policy's batch interval, else the KubeVirt CR's batchEvictionInterval. A
     * zero interval (`batchEvictionInterval: 0s`, which KubeVirt accepts and reads as "every sync")
     * reads as KubeVirt's default: passes never run back to back and a batch always has a length.
     */
    public Duration passInterval(String kubeVirtBatchEvictInterval) {
        Duration d;
        if (batchInterval != null) {
            d = batchInterval;
        } else {
            try {
                d = GoDuration.parse(kubeVirtBatchEvictInterval);
            } catch (IllegalArgumentException e) {
                d = DEFAULT_INTERVAL;
            }
        }
        return d.isZero() || d.isNegative() ? DEFAULT_INTERVAL : d;
    }

    public boolean windowOpen(Instant now) {
        return windows.isEmpty() || windows.stream().anyMatch(w -> w.contains(now.atZone(timeZone)));
    }
}

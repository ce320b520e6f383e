package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches of KubeVirt's Warning Events that say why something failed: `FailedMigration` on a
 * migration (often the only place KubeVirt says why, migration.go:561-645) and `FailedEvict` on a
 * VMI (the workload updater's eviction was refused, workload-updater.go:623-626: a
 * PodDisruptionBudget, every batch, forever). Both are nice-to-have: a refusal is reported.
 */
final class FailedMigrationEvents {
    private final OptionalWatch failedMigrations;
    private final OptionalWatch failedEvictions;
    /**
     * `migrationTargetPodUnschedulable` on a migration (migration.go:1733-1740): before hand-off the
     * VMI has no migrationState, so a target pod that never scheduled is told only here.
     */
    private final OptionalWatch unschedulableTargets;
    /**
     * `Migrated` Warnings on a VMI, "VirtualMachineInstance migration uid %s failed. reason:%s"
     * (virt-handler's migration-source.go:208-216, migration-target.go:229-230): libvirt's own words
     * when the migration itself says only that the source node reported a failure.
     */
    private final OptionalWatch migratedWarnings;
    /** The scheduler's `FailedScheduling` on launcher pods: a migration target's names the migration by its pod's label. */
    private final OptionalWatch launcherScheduling;
    private static final java.util.regex.Pattern MIGRATED_FAILED = java.util.regex.Pattern.compile(
            "migration uid (\\S+) failed\\. reason: ?(.+)", java.util.regex.Pattern.DOTALL);

    FailedMigrationEvents(KubernetesClient client, long pageSize, Duration syncTimeout) {
        this.failedMigrations = new OptionalWatch(() -> events(client, pageSize, "FailedMigration",
                "VirtualMachineInstanceMigration"), "FailedMigration events (why a migration failed, where the migration"
                + " does not say)", syncTimeout);
        this.failedEvictions = new OptionalWatch(() -> events(client, pageSize, "FailedEvict", "VirtualMachineInstance"),
                "FailedEvict events (KubeVirt's evictions that keep failing)", syncTimeout);
        this.unschedulableTargets = new OptionalWatch(() -> events(client, pageSize, "migrationTargetPodUnschedulable",
                "VirtualMachineInstanceMigration"), "migrationTargetPodUnschedulable events (a migration whose target"
                + " pod never scheduled)", syncTimeout);
        this.migratedWarnings = new OptionalWatch(() -> events(client, pageSize, "Migrated", "VirtualMachineInstance"),
                "Migrated events on VMIs (the failure virt-handler reports, naming the migration by UID)", syncTimeout);
        this.launcherScheduling = new OptionalWatch(() -> events(client, pageSize, "FailedScheduling", "Pod",
                name -> name != null && name.startsWith("virt-launcher-")), "FailedScheduling events of virt-launcher pods"
                + " (why a migration's target pod did not schedule)", syncTimeout);
    }

    private static io.fabric8.kubernetes.client.informers.SharedIndexInformer<GenericKubernetesResource> events(
            KubernetesClient client, long pageSize, String reason, String kind) {
        return events(client, pageSize, reason, kind, name -> true);
    }

    /** @param named which involved objects' Events are kept (every pod's FailedScheduling would be too many) */
    private static io.fabric8.kubernetes.client.informers.SharedIndexInformer<GenericKubernetesResource> events(
            KubernetesClient client, long pageSize, String reason, String kind, java.util.function.Predicate<String> named) {
        var events = client.genericKubernetesResources("v1", "Event")
                .inAnyNamespace().withField("reason", reason).withLimit(pageSize == 0 ? null : pageSize)
                .runnableInformer(0);
        events.itemStore(new PrunedItemStore(new KeptFields(List.of("involvedObject.kind", "involvedObject.name",
                "message", "count", "lastTimestamp", "eventTime"), Set.of(), Set.of()),
                e -> kind.equals(e.get("involvedObject", "kind"))
                        && named.test(e.get("involvedObject", "name") == null ? null : String.valueOf((Object) e.get("involvedObject", "name")))));
        return events;
    }

    void startIfNeeded(List<String> problems) {
        failedMigrations.startIfNeeded(problems);
        failedEvictions.startIfNeeded(problems);
        unschedulableTargets.startIfNeeded(problems);
        migratedWarnings.startIfNeeded(problems);
        launcherScheduling.startIfNeeded(problems);
    }

    void stop() {
        failedMigrations.stop();
        failedEvictions.stop();
        unschedulableTargets.stop();
        migratedWarnings.stop();
        launcherScheduling.stop();
    }

    /**
     * The newest failure message per migration (`ns/name`): its `FailedMigration` Event's, or, when
     * its target pod never scheduled, that Event's (the cause; the failure after it only says the
     * target pod went away).
     */
    Map<String, String> latestMessages() {
        Map<String, String> latest = new HashMap<>();
        latest(failedMigrations).forEach((k, v) -> latest.put(k, v.message()));
        latest(unschedulableTargets).forEach((k, v) -> latest.put(k, v.message()));
        return latest;
    }

    /** Per migration UID, the failure a VMI's newest `Migrated` Warning gives for it ("…failed. reason:…"). */
    Map<String, String> failuresByMigrationUid() {
        Map<String, String> out = new HashMap<>();
        for (GenericKubernetesResource e : migratedWarnings.items()) {
            Object message = e.get("message");
            java.util.regex.Matcher m = message == null ? null : MIGRATED_FAILED.matcher(String.valueOf(message));
            if (m != null && m.find()) {
                out.put(m.group(1), m.group(2).trim());
            }
        }
        return out;
    }

    /** The scheduler's newest `FailedScheduling` message per launcher pod (`ns/pod`). */
    Map<String, String> schedulingFailures() {
        Map<String, String> out = new HashMap<>();
        latest(launcherScheduling).forEach((k, v) -> out.put(k, v.message()));
        return out;
    }

    /** The newest `FailedEvict` per VMI (`ns/name`), with how often KubeVirt has logged it. */
    Map<String, EvictionFailure> evictionFailures() {
        return latest(failedEvictions);
    }

    private static Map<String, EvictionFailure> latest(OptionalWatch watch) {
        Map<String, EvictionFailure> latest = new HashMap<>();
        for (GenericKubernetesResource e : watch.items()) {
            Object name = e.get("involvedObject", "name");
            Object message = e.get("message");
            if (name == null || message == null) {
                continue;
            }
            String key = e.getMetadata().getNamespace() + "/" + name;
            Instant when = KubeVirtRecords.time(String.valueOf(e.get("lastTimestamp") != null ? e.get("lastTimestamp")
                    : e.get("eventTime") != null ? e.get("eventTime") : e.getMetadata().getCreationTimestamp()));
            int count = e.get("count") instanceof Number n ? Math.max(1, n.intValue()) : 1;
            EvictionFailure seen = latest.get(key);
            if (seen == null) {
                latest.put(key, new EvictionFailure(String.valueOf(message), when, count));
            } else {
                boolean newer = when != null && (seen.lastAt() == null || when.isAfter(seen.lastAt()));
                latest.put(key, new EvictionFailure(newer ? String.valueOf(message) : seen.message(),
                        newer ? when : seen.lastAt(), seen.count() + count));
            }
        }
        return latest;
    }
}

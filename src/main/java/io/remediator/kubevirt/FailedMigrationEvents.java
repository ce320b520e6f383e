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
 * PodDisruptionBudget, every batch, forever), and the others next-capabilities §2.2 names (each
 * below). All are nice-to-have: a refusal is reported.
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
    /**
     * `NoSuitableNodesForHostModelMigration`: no node offers a host-model VMI's CPU model and
     * features, so its migration's target pod cannot schedule. On the VMI from KubeVirt 1.1 ("…
     * required features: map[…]"), on the migration before.
     */
    private final OptionalWatch hostModel;
    /**
     * `MigrationBackoff` on a VMI, "backoff migrating vmi ns/name" (migration.go:1787-1796): KubeVirt
     * holds the updater's next attempt back, doubling per failure without a cap.
     */
    private final OptionalWatch backoff;
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
        this.hostModel = new OptionalWatch(() -> events(client, pageSize, "NoSuitableNodesForHostModelMigration",
                Set.of("VirtualMachineInstance", "VirtualMachineInstanceMigration"), name -> true),
                "NoSuitableNodesForHostModelMigration events (no node offers a host-model VMI's CPU)", syncTimeout);
        this.backoff = new OptionalWatch(() -> events(client, pageSize, "MigrationBackoff", "VirtualMachineInstance"),
                "MigrationBackoff events (VMIs whose next migration KubeVirt holds back)", syncTimeout);
        this.migratedWarnings = new OptionalWatch(() -> events(client, pageSize, "Migrated", "VirtualMachineInstance"),
                "Migrated events on VMIs (the failure virt-handler reports, naming the migration by UID)", syncTimeout);
        this.launcherScheduling = new OptionalWatch(() -> events(client, pageSize, "FailedScheduling", "Pod",
                name -> name != null && name.startsWith("virt-launcher-")), "FailedScheduling events of virt-launcher pods"
                + " (why a migration's target pod did not schedule)", syncTimeout);
    }

    private static io.fabric8.kubernetes.client.informers.SharedIndexInformer<GenericKubernetesResource> events(
            KubernetesClient client, long pageSize, String reason, String kind) {
        return events(client, pageSize, reason, Set.of(kind), name -> true);
    }

    private static io.fabric8.kubernetes.client.informers.SharedIndexInformer<GenericKubernetesResource> events(
            KubernetesClient client, long pageSize, String reason, String kind, java.util.function.Predicate<String> named) {
        return events(client, pageSize, reason, Set.of(kind), named);
    }

    /** @param named which involved objects' Events are kept (every pod's FailedScheduling would be too many) */
    private static io.fabric8.kubernetes.client.informers.SharedIndexInformer<GenericKubernetesResource> events(
            KubernetesClient client, long pageSize, String reason, Set<String> kinds, java.util.function.Predicate<String> named) {
        var events = client.genericKubernetesResources("v1", "Event")
                .inAnyNamespace().withField("reason", reason).withLimit(pageSize == 0 ? null : pageSize)
                .runnableInformer(0);
        events.itemStore(new PrunedItemStore(new KeptFields(List.of("involvedObject.kind", "involvedObject.name",
                "message", "count", "firstTimestamp", "lastTimestamp", "eventTime"), Set.of(), Set.of()),
                e -> kinds.contains(String.valueOf((Object) e.get("involvedObject", "kind")))
                        && named.test(e.get("involvedObject", "name") == null ? null : String.valueOf((Object) e.get("involvedObject", "name")))));
        return events;
    }

    void startIfNeeded(List<String> problems) {
        failedMigrations.startIfNeeded(problems);
        failedEvictions.startIfNeeded(problems);
        unschedulableTargets.startIfNeeded(problems);
        migratedWarnings.startIfNeeded(problems);
        launcherScheduling.startIfNeeded(problems);
        hostModel.startIfNeeded(problems);
        backoff.startIfNeeded(problems);
    }

    void stop() {
        failedMigrations.stop();
        failedEvictions.stop();
        unschedulableTargets.stop();
        migratedWarnings.stop();
        launcherScheduling.stop();
        hostModel.stop();
        backoff.stop();
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

    /** One Event as kept: what it names, its text, and when it was first and last seen. */
    record Seen(String kind, String namespace, String name, String message, Instant firstAt, Instant lastAt) {}

    /** Every `NoSuitableNodesForHostModelMigration` Event kept (on VMIs, or on migrations before KubeVirt 1.1). */
    List<Seen> hostModelEvents() {
        List<Seen> out = new java.util.ArrayList<>();
        for (GenericKubernetesResource e : hostModel.items()) {
            Object name = e.get("involvedObject", "name");
            Object message = e.get("message");
            if (name == null || message == null) {
                continue;
            }
            Instant last = at(e);
            Instant first = KubeVirtRecords.time(e.get("firstTimestamp") == null ? null : String.valueOf((Object) e.get("firstTimestamp")));
            out.add(new Seen(String.valueOf((Object) e.get("involvedObject", "kind")), e.getMetadata().getNamespace(),
                    String.valueOf(name), String.valueOf(message), first == null ? last : first, last));
        }
        return out;
    }

    /** The VMIs (`ns/name`) with a `MigrationBackoff` Event kept (the API server keeps Events an hour by default). */
    Set<String> backoffVmis() {
        Set<String> out = new java.util.TreeSet<>();
        for (GenericKubernetesResource e : backoff.items()) {
            Object name = e.get("involvedObject", "name");
            if (name != null) {
                out.add(e.getMetadata().getNamespace() + "/" + name);
            }
        }
        return out;
    }

    private static Instant at(GenericKubernetesResource e) {
        return KubeVirtRecords.time(String.valueOf(e.get("lastTimestamp") != null ? e.get("lastTimestamp")
                : e.get("eventTime") != null ? e.get("eventTime") : e.getMetadata().getCreationTimestamp()));
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
            Instant when = at(e);
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

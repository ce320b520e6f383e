package io.remediator.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A rollout record's `status.rollout`: where it stands, the burn-down, the ETA and its history.
 *
 * @param groups         the six groups' counts, by their labels
 * @param everOutdated   some VMI was outdated since the rollout started (else, past the grace, it had no workload impact)
 * @param lastProgressAt when an outdated VMI last left the set (or T0)
 * @param history        one sample per change of the counts (at most {@link #MAX_HISTORY}, oldest dropped)
 * @param needsAction    the VMIs KubeVirt will never update, by namespace and name (at most
 *                       {@link #MAX_LISTED}; the alert's report lists every one)
 * @param completed      how many outdated VMIs left the set, by {@link CompletedHow} label: every one
 *                       the leaders saw leave (kept across failovers)
 * @param vmis           per group label, its first {@link #MAX_LISTED} VMIs by namespace and name
 * @param kvmNodes       nodes that could take a migrating VM at the last look (0: unknown)
 * @param concurrency    the migrations KubeVirt runs at once, as the ETA counts them
 * @param migrationFailures the migrations finished since T0 by failure signature (null before T0)
 * @param failedLauncherPods launcher pods in phase Failed at the last look (KubeVirt's
 *                       VirtLauncherPodsStuckFailed fires at 200)
 * @param namespaces     the share of the namespaces routed to an owner channel (docs/owners.md): their
 *                       own counts and the VMIs needing a person, for their teams' messages
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutStatus(RolloutStage stage, Map<String, Integer> groups, int outdated, Long etaSeconds,
                            String etaMethod, String etaReason, int samples, Long medianMigrationSeconds,
                            boolean everOutdated, Instant lastProgressAt, Instant updatedAt, List<Sample> history,
                            List<Vmi> needsAction, Map<String, Integer> completed, Map<String, List<Vmi>> vmis,
                            int kvmNodes, int concurrency, MigrationFailures migrationFailures,
                            int failedLauncherPods, Map<String, NamespaceShare> namespaces) {
    public static final int MAX_HISTORY = 500;
    /** An owner message lists at most this many of its namespaces' VMIs needing a person. */
    public static final int MAX_LISTED_PER_NAMESPACE = 20;

    /**
     * One owner namespace's part of the rollout.
     *
     * @param groups the six groups' counts in this namespace
     * @param vmis   its VMIs in {@code failing} and {@code needs_action} (at most {@link #MAX_LISTED_PER_NAMESPACE})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NamespaceShare(Map<String, Integer> groups, List<Vmi> vmis) {
        public NamespaceShare {
            groups = groups == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
            vmis = vmis == null ? List.of() : List.copyOf(vmis);
        }

        /** Outdated VMIs left in the namespace (every group but the pending live updates). */
        public int outdated() {
            return groups.entrySet().stream().filter(e -> !RolloutGroup.PENDING_LIVE_UPDATE.label().equals(e.getKey()))
                    .mapToInt(Map.Entry::getValue).sum();
        }
    }
    public static final int MAX_LISTED = 50;

    /** A VMI that needs a person: where it is, its branch, what the runbook says of it and would do. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Vmi(String namespace, String name, String branch, String recommendedAction, String explanation) {}

    /** One point of the burn-down chart. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sample(Instant at, Map<String, Integer> groups) {}

    public RolloutStatus {
        groups = groups == null ? Map.of() : Map.copyOf(groups);
        history = history == null ? List.of() : List.copyOf(history);
        needsAction = needsAction == null ? List.of() : List.copyOf(needsAction);
        Map<String, Integer> done = new java.util.LinkedHashMap<>();
        for (CompletedHow how : CompletedHow.values()) {
            done.put(how.label(), completed == null ? 0 : completed.getOrDefault(how.label(), 0));
        }
        completed = java.util.Collections.unmodifiableMap(done);
        Map<String, List<Vmi>> listed = new java.util.LinkedHashMap<>();
        for (RolloutGroup g : RolloutGroup.values()) {
            listed.put(g.label(), vmis == null || vmis.get(g.label()) == null ? List.of() : List.copyOf(vmis.get(g.label())));
        }
        vmis = java.util.Collections.unmodifiableMap(listed);
        namespaces = namespaces == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(namespaces));
    }

    /** Every VMI that left the set, however it left. */
    public int completedTotal() {
        return completed.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The status after looking at the cluster now.
     *
     * @param before the stored status, or null for a new record
     */
    public static RolloutStatus next(RolloutStatus before, RolloutStage stage, BurnDown now, RolloutEta eta,
                                     Instant t0, Instant at) {
        return next(before, stage, now, eta, t0, at, Map.of(), Map.of());
    }

    /**
     * @param listed the VMIs of each group (the first {@link #MAX_LISTED} of each are kept)
     * @param left   how many VMIs left the set since the last look, by how
     */
    public static RolloutStatus next(RolloutStatus before, RolloutStage stage, BurnDown now, RolloutEta eta,
                                     Instant t0, Instant at, Map<RolloutGroup, List<Vmi>> listed,
                                     Map<CompletedHow, Integer> left) {
        List<Vmi> needsAction = listed.getOrDefault(RolloutGroup.NEEDS_ACTION, List.of());
        Map<String, Integer> completed = new java.util.LinkedHashMap<>(before == null ? Map.of() : before.completed());
        left.forEach((how, n) -> completed.merge(how.label(), n, Integer::sum));
        Map<String, List<Vmi>> vmis = new java.util.LinkedHashMap<>();
        listed.forEach((g, l) -> vmis.put(g.label(), l.stream().limit(MAX_LISTED).toList()));
        Map<String, Integer> groups = new java.util.LinkedHashMap<>();
        now.groups().forEach((g, n) -> groups.put(g.label(), n));
        int outdated = now.outdated();
        boolean ever = (before != null && before.everOutdated()) || outdated > 0;
        Instant progress = before == null || before.lastProgressAt() == null ? t0 : before.lastProgressAt();
        if (before != null && outdated < before.outdated()) {
            progress = at;
        }
        List<Sample> history = new ArrayList<>(before == null ? List.of() : before.history());
        if (history.isEmpty() || !history.get(history.size() - 1).groups().equals(groups)) {
            history.add(new Sample(at, groups));
        }
        while (history.size() > MAX_HISTORY) {
            history.remove(0);
        }
        return new RolloutStatus(stage, groups, outdated, eta.seconds(), eta.method(), eta.reason(), eta.samples(),
                eta.medianMigrationSeconds(), ever, progress, at, history,
                needsAction.stream().limit(MAX_LISTED).toList(), completed, vmis, eta.kvmNodes(), eta.concurrency(),
                before == null ? null : before.migrationFailures(), before == null ? 0 : before.failedLauncherPods(),
                before == null ? Map.of() : before.namespaces());
    }

    /**
     * The same status with the counts of a look between full looks ({@link BurnDownBasis}): the
     * groups, the progress and the history follow; the stage, the ETA and the lists wait for the
     * next full look.
     */
    public RolloutStatus withCounts(BurnDown now, Instant at) {
        Map<String, Integer> g = new java.util.LinkedHashMap<>();
        now.groups().forEach((k, n) -> g.put(k.label(), n));
        int left = now.outdated();
        List<Sample> h = new ArrayList<>(history);
        if (h.isEmpty() || !h.get(h.size() - 1).groups().equals(g)) {
            h.add(new Sample(at, g));
        }
        while (h.size() > MAX_HISTORY) {
            h.remove(0);
        }
        return new RolloutStatus(stage, g, left, etaSeconds, etaMethod, etaReason, samples, medianMigrationSeconds,
                everOutdated || left > 0, left < outdated ? at : lastProgressAt, at, h, needsAction, completed, vmis,
                kvmNodes, concurrency, migrationFailures, failedLauncherPods, namespaces);
    }

    /** The same status, terminal. */
    public RolloutStatus withStage(RolloutStage s) {
        return new RolloutStatus(s, groups, outdated, etaSeconds, etaMethod, etaReason, samples, medianMigrationSeconds,
                everOutdated, lastProgressAt, updatedAt, history, needsAction, completed, vmis, kvmNodes, concurrency,
                migrationFailures, failedLauncherPods, namespaces);
    }

    /** The same status with these owner namespaces' shares. */
    public RolloutStatus withNamespaces(Map<String, NamespaceShare> shares) {
        return new RolloutStatus(stage, groups, outdated, etaSeconds, etaMethod, etaReason, samples, medianMigrationSeconds,
                everOutdated, lastProgressAt, updatedAt, history, needsAction, completed, vmis, kvmNodes, concurrency,
                migrationFailures, failedLauncherPods, shares);
    }

    /** The same status with these failure counts. */
    public RolloutStatus withMigrationFailures(MigrationFailures failures, int failedPods) {
        return new RolloutStatus(stage, groups, outdated, etaSeconds, etaMethod, etaReason, samples, medianMigrationSeconds,
                everOutdated, lastProgressAt, updatedAt, history, needsAction, completed, vmis, kvmNodes, concurrency,
                failures, failedPods, namespaces);
    }

    /** One sentence per systemic signature (the finding the alert's report and Slack show too). */
    public List<String> systemicFindings() {
        return migrationFailures == null ? List.of() : migrationFailures.signatures().stream()
                .filter(MigrationFailures.Signature::systemic)
                .map(sig -> migrationFailures.finding(sig, failedLauncherPods)).toList();
    }
}

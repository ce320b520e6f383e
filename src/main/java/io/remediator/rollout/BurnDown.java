package io.remediator.rollout;

import io.remediator.runbook.Branch;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many VMIs are in each {@link RolloutGroup} now, and how many of those KubeVirt will move by
 * migration or by eviction (what the ETA counts).
 *
 * @param willMigrate in {@code kubevirt_will_update} by a migration (KUBEVIRT_WILL_MIGRATE)
 * @param willEvict   in {@code kubevirt_will_update} by an eviction (KUBEVIRT_WILL_EVICT)
 */
public record BurnDown(Map<RolloutGroup, Integer> groups, int willMigrate, int willEvict) {
    public BurnDown {
        Map<RolloutGroup, Integer> all = new EnumMap<>(RolloutGroup.class);
        for (RolloutGroup g : RolloutGroup.values()) {
            all.put(g, groups == null ? 0 : groups.getOrDefault(g, 0));
        }
        groups = java.util.Collections.unmodifiableMap(all);
    }

    public static BurnDown of(OutdatedWorkloadsDiagnosis d) {
        Map<RolloutGroup, Integer> groups = new EnumMap<>(RolloutGroup.class);
        int migrate = 0;
        int evict = 0;
        for (OutdatedVmi v : d.outdatedVmis()) {
            groups.merge(RolloutGroup.of(v.branch()), 1, Integer::sum);
            migrate += v.branch() == Branch.KUBEVIRT_WILL_MIGRATE ? 1 : 0;
            evict += v.branch() == Branch.KUBEVIRT_WILL_EVICT ? 1 : 0;
        }
        groups.merge(RolloutGroup.PENDING_LIVE_UPDATE, d.pendingLiveUpdateVmis().size(), Integer::sum);
        return new BurnDown(groups, migrate, evict);
    }

    /**
     * The VMIs of this diagnosis by group, by namespace and name. Why (the explanation) is kept for
     * the groups a person reads it for (failing, needs_action): the record holds six lists.
     */
    public static java.util.Map<RolloutGroup, java.util.List<RolloutStatus.Vmi>> listed(OutdatedWorkloadsDiagnosis d,
                                                                                          int perGroup) {
        java.util.Map<RolloutGroup, java.util.List<RolloutStatus.Vmi>> out = new EnumMap<>(RolloutGroup.class);
        for (RolloutGroup g : RolloutGroup.values()) {
            out.put(g, new java.util.ArrayList<>());
        }
        d.outdatedVmis().stream()
                .sorted(java.util.Comparator.comparing(OutdatedVmi::namespace).thenComparing(OutdatedVmi::name))
                .forEach(v -> {
                    RolloutGroup g = RolloutGroup.of(v.branch());
                    java.util.List<RolloutStatus.Vmi> l = out.get(g);
                    if (l.size() < perGroup) {
                        boolean why = g == RolloutGroup.NEEDS_ACTION || g == RolloutGroup.FAILING;
                        l.add(new RolloutStatus.Vmi(v.namespace(), v.name(), v.branch().name(),
                                v.recommendedAction() == null ? null : v.recommendedAction().name(),
                                why ? v.explanation() : null));
                    }
                });
        d.pendingLiveUpdateVmis().stream()
                .sorted(java.util.Comparator.comparing(OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi::namespace)
                        .thenComparing(OutdatedWorkloadsDiagnosis.PendingLiveUpdateVmi::name))
                .limit(perGroup)
                .forEach(v -> out.get(RolloutGroup.PENDING_LIVE_UPDATE).add(new RolloutStatus.Vmi(v.namespace(), v.name(),
                        v.condition(), null, null)));
        return out;
    }

    /**
     * The shares of these namespaces (the ones routed to an owner channel): their counts per group
     * and their VMIs in {@code failing} and {@code needs_action}. Namespaces with nothing outdated
     * and nothing pending are left out, so a team is told only of a rollout that concerns it.
     */
    public static java.util.Map<String, RolloutStatus.NamespaceShare> shares(OutdatedWorkloadsDiagnosis d,
                                                                               java.util.Set<String> namespaces) {
        java.util.Map<String, java.util.Map<String, Integer>> counts = new java.util.TreeMap<>();
        java.util.Map<String, java.util.List<RolloutStatus.Vmi>> people = new java.util.TreeMap<>();
        if (namespaces.isEmpty()) {
            return java.util.Map.of();
        }
        d.outdatedVmis().stream().filter(v -> namespaces.contains(v.namespace()))
                .sorted(java.util.Comparator.comparing(OutdatedVmi::namespace).thenComparing(OutdatedVmi::name))
                .forEach(v -> {
                    RolloutGroup g = RolloutGroup.of(v.branch());
                    counts.computeIfAbsent(v.namespace(), k -> zeroes()).merge(g.label(), 1, Integer::sum);
                    if (g == RolloutGroup.NEEDS_ACTION || g == RolloutGroup.FAILING) {
                        java.util.List<RolloutStatus.Vmi> l = people.computeIfAbsent(v.namespace(), k -> new java.util.ArrayList<>());
                        if (l.size() < RolloutStatus.MAX_LISTED_PER_NAMESPACE) {
                            l.add(new RolloutStatus.Vmi(v.namespace(), v.name(), v.branch().name(),
                                    v.recommendedAction() == null ? null : v.recommendedAction().name(), v.explanation()));
                        }
                    }
                });
        d.pendingLiveUpdateVmis().stream().filter(v -> namespaces.contains(v.namespace()))
                .forEach(v -> counts.computeIfAbsent(v.namespace(), k -> zeroes())
                        .merge(RolloutGroup.PENDING_LIVE_UPDATE.label(), 1, Integer::sum));
        java.util.Map<String, RolloutStatus.NamespaceShare> out = new java.util.TreeMap<>();
        counts.forEach((ns, c) -> out.put(ns, new RolloutStatus.NamespaceShare(c, people.getOrDefault(ns, java.util.List.of()))));
        return out;
    }

    private static java.util.Map<String, Integer> zeroes() {
        java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (RolloutGroup g : RolloutGroup.values()) {
            m.put(g.label(), 0);
        }
        return m;
    }

    public int count(RolloutGroup g) {
        return groups.get(g);
    }

    /** Outdated VMIs left (every group but the pending live updates). */
    public int outdated() {
        return groups.entrySet().stream().filter(e -> e.getKey() != RolloutGroup.PENDING_LIVE_UPDATE)
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** Nothing outdated and nothing waiting for a live update. */
    public boolean empty() {
        return outdated() == 0 && count(RolloutGroup.PENDING_LIVE_UPDATE) == 0;
    }

    /** Some VMI is one KubeVirt handles (moving, about to, or retrying). */
    public boolean kubeVirtHandlesSome() {
        return count(RolloutGroup.IN_FLIGHT) + count(RolloutGroup.KUBEVIRT_WILL_UPDATE) + count(RolloutGroup.FAILING) > 0;
    }

    /** Only VMIs KubeVirt will never update are left. */
    public boolean onlyNeedsAction() {
        return count(RolloutGroup.NEEDS_ACTION) > 0 && outdated() == count(RolloutGroup.NEEDS_ACTION)
                && count(RolloutGroup.PENDING_LIVE_UPDATE) == 0;
    }
}

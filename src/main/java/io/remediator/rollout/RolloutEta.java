package io.remediator.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * When KubeVirt will be done with the VMIs it moves, by a fixed formula (so a test can check it),
 * from object timestamps only (never this service's clock):
 * <ul>
 * <li>samples: each updater migration that succeeded after T0, its duration from Scheduling (else
 *     its creation) to Succeeded, from the migration's own {@code phaseTransitionTimestamps};</li>
 * <li>effective concurrency {@code c = min(parallelMigrationsPerCluster, kvmNodes ×
 *     parallelOutboundMigrationsPerNode)}, from the KubeVirt CR;</li>
 * <li>with at least 3 samples, {@code ceil(R / c) × median}, R the VMIs in flight or that KubeVirt
 *     will migrate ("model"); with at least 10 completions in the last 10 minutes, also
 *     {@code R / rate} ("rate"): the larger is shown, with its method;</li>
 * <li>evictions: {@code ceil(E / batchEvictionSize) × batchEvictionInterval}, E the VMIs KubeVirt
 *     will evict; the larger of the two ETAs is the rollout's;</li>
 * <li>VMIs KubeVirt will never update get no ETA.</li>
 * </ul>
 *
 * @param seconds     null while unknown, with {@code reason} saying why
 * @param method      model, rate or evictions; null while unknown
 * @param kvmNodes    the nodes that could take a migrating VM (0: unknown)
 * @param concurrency the effective concurrency {@code c} the model divides by
 */
public record RolloutEta(Long seconds, String method, String reason, int samples, Long medianMigrationSeconds,
                         int kvmNodes, int concurrency) {
    public RolloutEta(Long seconds, String method, String reason, int samples, Long medianMigrationSeconds) {
        this(seconds, method, reason, samples, medianMigrationSeconds, 0, 0);
    }

    /** {@code min(parallelMigrationsPerCluster, kvmNodes × parallelOutboundMigrationsPerNode)}; the cluster limit when the nodes are unknown. */
    public static int concurrency(int parallelMigrationsPerCluster, int parallelOutboundMigrationsPerNode, int kvmNodes) {
        return Math.max(1, kvmNodes > 0 ? Math.min(parallelMigrationsPerCluster,
                kvmNodes * parallelOutboundMigrationsPerNode) : parallelMigrationsPerCluster);
    }

    /** One updater migration that succeeded. */
    public record Completed(Instant scheduling, Instant created, Instant succeeded) {
        Duration took() {
            return Duration.between(scheduling != null ? scheduling : created, succeeded);
        }
    }

    static final int MIN_SAMPLES = 3;
    static final int MIN_RATE_COMPLETIONS = 10;
    static final Duration RATE_WINDOW = Duration.ofMinutes(10);

    /**
     * @param completed    the updater's succeeded migrations (any time; only those after T0 count)
     * @param t0           the control plane's completion
     * @param newest       the newest object timestamp seen (the rate window ends there)
     * @param kvmNodes     schedulable nodes with `devices.kubevirt.io/kvm`; 0 when unknown (then c is the cluster limit)
     */
    public static RolloutEta estimate(BurnDown now, List<Completed> completed, Instant t0, Instant newest,
                                      int parallelMigrationsPerCluster, int parallelOutboundMigrationsPerNode,
                                      int kvmNodes, int batchEvictionSize, Duration batchEvictionInterval) {
        RolloutEta e = estimateSeconds(now, completed, t0, newest, parallelMigrationsPerCluster,
                parallelOutboundMigrationsPerNode, kvmNodes, batchEvictionSize, batchEvictionInterval);
        return new RolloutEta(e.seconds(), e.method(), e.reason(), e.samples(), e.medianMigrationSeconds(), kvmNodes,
                concurrency(parallelMigrationsPerCluster, parallelOutboundMigrationsPerNode, kvmNodes));
    }

    private static RolloutEta estimateSeconds(BurnDown now, List<Completed> completed, Instant t0, Instant newest,
                                              int parallelMigrationsPerCluster, int parallelOutboundMigrationsPerNode,
                                              int kvmNodes, int batchEvictionSize, Duration batchEvictionInterval) {
        List<Completed> since = completed.stream().filter(c -> c.succeeded() != null && t0 != null
                && c.succeeded().isAfter(t0)).toList();
        List<Duration> durations = new ArrayList<>(since.stream().map(Completed::took).filter(d -> !d.isNegative()).toList());
        Collections.sort(durations);
        Long median = durations.isEmpty() ? null : median(durations).toSeconds();
        int r = now.count(RolloutGroup.IN_FLIGHT) + now.willMigrate();
        int e = now.willEvict();
        if (r == 0 && e == 0) {
            int left = now.count(RolloutGroup.NEEDS_ACTION);
            return left > 0 ? new RolloutEta(null, null, "KubeVirt will not update these: " + left, durations.size(), median)
                    : new RolloutEta(0L, "model", null, durations.size(), median);
        }
        Long migrate = null;
        String method = null;
        if (r > 0) {
            if (durations.size() < MIN_SAMPLES) {
                return new RolloutEta(null, null, MIN_SAMPLES + " completed migrations needed, " + durations.size()
                        + " so far", durations.size(), median);
            }
            int c = concurrency(parallelMigrationsPerCluster, parallelOutboundMigrationsPerNode, kvmNodes);
            migrate = ((r + c - 1L) / c) * median;
            method = "model";
            Instant windowStart = newest == null ? null : newest.minus(RATE_WINDOW);
            long recent = windowStart == null ? 0 : since.stream().filter(x -> !x.succeeded().isBefore(windowStart)).count();
            if (recent >= MIN_RATE_COMPLETIONS) {
                long byRate = (long) Math.ceil(r / (recent / (double) RATE_WINDOW.toSeconds()));
                if (byRate > migrate) {
                    migrate = byRate;
                    method = "rate";
                }
            }
        }
        Long evict = null;
        if (e > 0) {
            int size = Math.max(1, batchEvictionSize);
            evict = ((e + size - 1L) / size) * batchEvictionInterval.toSeconds();
        }
        if (evict != null && (migrate == null || evict > migrate)) {
            return new RolloutEta(evict, "evictions", null, durations.size(), median);
        }
        return new RolloutEta(migrate, method, null, durations.size(), median);
    }

    private static Duration median(List<Duration> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
    }
}

package io.remediator.kubevirt;

import java.time.Instant;

/**
 * KubeVirt's Warning Events `FailedEvict` on one VMI: its workload updater's eviction was refused
 * (workload-updater.go:623-626), typically by a PodDisruptionBudget, and it tries again every batch.
 *
 * @param message the newest Event's message, in KubeVirt's words
 * @param lastAt  when it was last logged (the Event's own timestamp)
 * @param count   how often, summed over the Events still stored (the API server expires them after an hour)
 */
public record EvictionFailure(String message, Instant lastAt, int count) {}

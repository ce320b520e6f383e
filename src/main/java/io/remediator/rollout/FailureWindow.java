package io.remediator.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import io.remediator.runbook.KnownSignatures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Failure signatures counted with no rollout to count from (next-capabilities §2.2: "in
 * `systemic.window` when there is no rollout"): the service came after the update, or the update is
 * older than the alert's 24 h. Pure.
 *
 * <p>The counts start one window before the first look (what KubeVirt still keeps of that day) and
 * go on look by look, like a rollout's. When they are two windows old they start again one window
 * back, from what KubeVirt still keeps, and the old counts stay as {@code previous} for one more
 * round: a signature is systemic when it is systemic in either. So a cluster-wide failure stays
 * known for at least a window after its last failure, and a fixed one leaves within two.
 *
 * @param current            counted since {@code current.since()}
 * @param previous           the counts before the last restart, or null
 * @param failedLauncherPods launcher pods in phase Failed at the last look
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailureWindow(MigrationFailures current, MigrationFailures previous, int failedLauncherPods) {

    /** These counts after a look at the cache at {@code now}. */
    public static FailureWindow next(FailureWindow before, Instant now, Duration window,
                                     List<VirtualMachineInstanceMigration> migrations, Map<String, String> eventMessages,
                                     MigrationFailures.Rule rule, KnownSignatures known, int backoffVmis, int failedPods) {
        MigrationFailures current = before == null ? null : before.current();
        MigrationFailures previous = before == null ? null : before.previous();
        if (current == null) {
            current = MigrationFailures.empty(now.minus(window));
        } else if (!current.since().isAfter(now.minus(window.multipliedBy(2)))) {
            // Marks are not carried over: what finished in the last window is counted again from the
            // cache, into counts of their own; the old ones are the previous round's.
            previous = current;
            current = MigrationFailures.empty(now.minus(window));
        }
        current = current.with(migrations, eventMessages, rule, known).withBackoffVmis(backoffVmis);
        return new FailureWindow(current, previous, failedPods);
    }

    /** The keys systemic in the current counts or the previous round's. */
    public Set<String> systemicKeys() {
        Set<String> keys = new TreeSet<>(current == null ? Set.of() : current.systemicKeys());
        if (previous != null) {
            keys.addAll(previous.systemicKeys());
        }
        return keys;
    }

    /** One sentence per systemic signature, the current counts first; each says which migrations it counts. */
    public List<String> findings() {
        List<String> out = new ArrayList<>();
        if (current == null) {
            return out;
        }
        Set<String> said = new TreeSet<>();
        for (MigrationFailures.Signature s : current.signatures()) {
            if (s.systemic() && said.add(s.key())) {
                out.add(current.finding(s, failedLauncherPods, "since " + current.since() + " (no rollout to count from)"));
            }
        }
        if (previous != null) {
            for (MigrationFailures.Signature s : previous.signatures()) {
                if (s.systemic() && said.add(s.key())) {
                    out.add(previous.finding(s, failedLauncherPods, "from " + previous.since() + " to "
                            + current.since() + " (the previous round of counts)"));
                }
            }
        }
        return out;
    }
}

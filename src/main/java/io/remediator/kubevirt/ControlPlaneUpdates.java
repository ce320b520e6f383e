package io.remediator.kubevirt;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * When KubeVirt's control-plane update to the current target started and completed, as this
 * service's watch of the KubeVirt CR saw it, frozen per target deployment ID: the Progressing
 * condition flaps after an update whenever a component is briefly not ready (a virt-handler on a
 * rebooting node, virt-operator/util/readycheck.go:43-48) without any ID changing, so its
 * transition time is not a clock for the update.
 *
 * <p>A transition the watch saw happen is exact: the time is the condition's own stamp on the very
 * write that made the transition (virt-operator stamps it there), else the moment the event
 * arrived. A state found already in place (the first sight of the CR after a start) is
 * approximate: the condition's transition time, which a flap may have moved.
 */
public final class ControlPlaneUpdates {
    private final Clock clock;
    private final Map<String, Tracked> byCr = new HashMap<>();

    public ControlPlaneUpdates(Clock clock) {
        this.clock = clock;
    }

    private record Tracked(String target, boolean complete, KubeVirtInstallation.UpdateTimes times) {}

    /** A version of the CR as the watch delivers it (an add, an update, or the same again after a re-list). */
    public synchronized void observe(KubeVirtInstallation kv) {
        String key = kv.namespace() + "/" + kv.name();
        String target = kv.targetDeploymentID() == null ? "" : kv.targetDeploymentID();
        boolean complete = kv.controlPlaneUpdateComplete();
        Tracked before = byCr.get(key);
        if (before == null) {
            // Found in place: only the conditions say when, and a flap may have moved them.
            byCr.put(key, new Tracked(target, complete, new KubeVirtInstallation.UpdateTimes(
                    kv.updating() ? kv.updateStartedAt() : null, complete ? kv.updateCompletedAt() : null, true)));
            return;
        }
        if (!before.target().equals(target)) {
            // A new target while watching: the update to it starts with this write.
            Instant started = kv.updating() && kv.updateStartedAt() != null ? kv.updateStartedAt() : clock.instant();
            Instant completed = complete ? orNow(kv.updateCompletedAt()) : null;
            byCr.put(key, new Tracked(target, complete, new KubeVirtInstallation.UpdateTimes(started, completed, false)));
            return;
        }
        if (complete && !before.complete() && before.times().completedAt() == null) {
            // The first write where observed equals the new target: T0, stamped on this write, seen
            // happening (a start found in place is the UpdateInProgress stamp, which nothing moves
            // while the IDs differ: the times are no longer approximate).
            byCr.put(key, new Tracked(target, true, new KubeVirtInstallation.UpdateTimes(before.times().startedAt(),
                    orNow(kv.updateCompletedAt()), false)));
            return;
        }
        // Same target, a flap or any other write: the times stay as they were.
        byCr.put(key, new Tracked(target, complete || before.complete(), before.times()));
    }

    private Instant orNow(Instant t) {
        return t != null ? t : clock.instant();
    }

    public synchronized void forget(KubeVirtInstallation kv) {
        byCr.remove(kv.namespace() + "/" + kv.name());
    }

    /** The CR with the frozen times of its current target, or its conditions' times (approximate) if none is tracked. */
    public synchronized KubeVirtInstallation frozen(KubeVirtInstallation kv) {
        Tracked t = byCr.get(kv.namespace() + "/" + kv.name());
        String target = kv.targetDeploymentID() == null ? "" : kv.targetDeploymentID();
        if (t == null || !t.target().equals(target)) {
            return kv;
        }
        return kv.withTimes(t.times());
    }
}

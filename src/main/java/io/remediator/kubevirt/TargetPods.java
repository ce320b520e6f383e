package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which migration each migration target launcher pod (`ns/pod`) belonged to, by its
 * `kubevirt.io/migrationJobUID` label, remembered after the pod is gone: KubeVirt deletes a target
 * pod that stays unschedulable for 5 minutes (migration.go:1741) and only then fails the migration,
 * so by the time the failure is counted the scheduler's `FailedScheduling` Event names a pod the
 * cache no longer has. Bounded: the oldest names are forgotten first (Events last an hour).
 */
final class TargetPods implements ResourceEventHandler<GenericKubernetesResource> {
    static final int MAX = 20_000;
    private final Map<String, String> uidByPod = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX;
        }
    };

    private synchronized void seen(GenericKubernetesResource pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String uid = labels == null ? null : labels.get(KubeVirtRecords.MIGRATION_JOB_LABEL);
        if (uid != null) {
            uidByPod.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), uid);
        }
    }

    /** The migration UID of this pod (`ns/pod`), while it is remembered; null otherwise. */
    synchronized String migrationOf(String pod) {
        return uidByPod.get(pod);
    }

    @Override
    public void onAdd(GenericKubernetesResource pod) {
        seen(pod);
    }

    @Override
    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource pod) {
        seen(pod);
    }

    @Override
    public void onDelete(GenericKubernetesResource pod, boolean unknownFinalState) {
        // Kept: that is the point.
    }
}

package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Predicate;

/**
 * Watch handlers that tell the leader's loop an object it acted on changed, so open reports show
 * what became of their actions without waiting for the next pass. They only signal; the loop reads.
 */
final class ActedOnChanges {
    private ActedOnChanges() {}

    /** Any change of a matching object (a migration this service created). */
    static final class MatchingObject implements ResourceEventHandler<GenericKubernetesResource> {
        private final Predicate<GenericKubernetesResource> matches;
        private final Runnable changed;

        MatchingObject(Predicate<GenericKubernetesResource> matches, Runnable changed) {
            this.matches = matches;
            this.changed = changed;
        }

        @Override
        public void onAdd(GenericKubernetesResource r) {
            if (matches.test(r)) {
                changed.run();
            }
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            onAdd(after);
        }

        @Override
        public void onDelete(GenericKubernetesResource r, boolean finalStateUnknown) {
            onAdd(r);
        }
    }

    /** An outdated VMI leaving: it lost the label (updated), or it is gone. */
    static final class OutdatedVmiLeft implements ResourceEventHandler<GenericKubernetesResource> {
        private final Runnable changed;

        OutdatedVmiLeft(Runnable changed) {
            this.changed = changed;
        }

        @Override
        public void onAdd(GenericKubernetesResource r) {
        }

        @Override
        public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            if (KubeVirtResources.outdated(before) && !KubeVirtResources.outdated(after)) {
                changed.run();
            }
        }

        @Override
        public void onDelete(GenericKubernetesResource r, boolean finalStateUnknown) {
            if (KubeVirtResources.outdated(r)) {
                changed.run();
            }
        }
    }
}

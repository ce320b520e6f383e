package io.remediator.kubevirt;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What virt-api's aggregated API (`subresources.kubevirt.io/v1`) serves, from its discovery. Asked
 * at most once a minute, not per write: a pass proves up to a hundred actions, and the answer
 * changes only when KubeVirt is installed, removed or updated.
 */
public final class VirtApiDiscovery {
    /** KubeVirt 1.8 and later (api.go:616-621, 785). */
    public static final String EVACUATE_CANCEL = "virtualmachineinstances/evacuate/cancel";
    private static final Duration TTL = Duration.ofMinutes(1);

    private final KubernetesClient client;
    private final Clock clock;
    private Instant checkedAt;
    private boolean served;
    private Set<String> resources = Set.of();

    public VirtApiDiscovery(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Whether virt-api's group is registered at all (discovery lists it). */
    public synchronized boolean served() {
        refresh();
        return served;
    }

    /** Whether it lists this resource, e.g. {@link #EVACUATE_CANCEL}; false when it cannot say. */
    public synchronized boolean serves(String resource) {
        refresh();
        return resources.contains(resource);
    }

    private void refresh() {
        Instant now = clock.instant();
        if (checkedAt != null && !now.isAfter(checkedAt.plus(TTL))) {
            return;
        }
        served = client.getApiGroup(KubeVirtResources.SUBRESOURCES_GROUP) != null;
        Set<String> listed = Set.of();
        if (served) {
            try {
                var list = client.getApiResources(KubeVirtResources.SUBRESOURCES_GROUP + "/v1");
                listed = list == null ? Set.of() : list.getResources().stream().map(r -> r.getName())
                        .collect(java.util.stream.Collectors.toUnmodifiableSet());
            } catch (KubernetesClientException e) {
                listed = Set.of(); // fails closed: nothing is taken as served
            }
        }
        resources = listed;
        checkedAt = now;
    }
}

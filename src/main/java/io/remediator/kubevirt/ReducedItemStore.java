package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer store that keeps a reduced form of each object (what its readers need), or nothing
 * for an object its {@link #reduce} drops: the caches' memory then grows with what is read, not
 * with what the API server holds.
 */
public abstract class ReducedItemStore implements ItemStore<GenericKubernetesResource> {
    private final Map<String, GenericKubernetesResource> items = new ConcurrentHashMap<>();

    /** The form to keep, or null to keep nothing (and forget an earlier form). */
    protected abstract GenericKubernetesResource reduce(GenericKubernetesResource object);

    @Override
    public final String getKey(GenericKubernetesResource obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public final GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
        GenericKubernetesResource kept = reduce(obj);
        return kept == null ? items.remove(key) : items.put(key, kept);
    }

    @Override
    public final GenericKubernetesResource remove(String key) {
        return items.remove(key);
    }

    @Override
    public final Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public final Stream<GenericKubernetesResource> values() {
        return items.values().stream();
    }

    @Override
    public final int size() {
        return items.size();
    }

    @Override
    public final GenericKubernetesResource get(String key) {
        return items.get(key);
    }

    @Override
    public final boolean isFullState() {
        return false;
    }
}

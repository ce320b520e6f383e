package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.HasMetadata;
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
public abstract class ReducedItemStore<T extends HasMetadata> implements ItemStore<T> {
    private final Map<String, T> items = new ConcurrentHashMap<>();

    /** The form to keep, or null to keep nothing (and forget an earlier form). */
    protected abstract T reduce(T object);

    @Override
    public final String getKey(T obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public final T put(String key, T obj) {
        T kept = reduce(obj);
        return kept == null ? items.remove(key) : items.put(key, kept);
    }

    @Override
    public final T remove(String key) {
        return items.remove(key);
    }

    @Override
    public final Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public final Stream<T> values() {
        return items.values().stream();
    }

    @Override
    public final int size() {
        return items.size();
    }

    @Override
    public final T get(String key) {
        return items.get(key);
    }

    @Override
    public final boolean isFullState() {
        return false;
    }
}

package io.remediator.runbook;

import java.util.Set;

/**
 * Which namespaces the diagnosis covers: all by default; the config may name namespaces to
 * include, to exclude, and a label selector namespaces must match.
 *
 * @param include       empty means every namespace
 * @param selectorGiven whether a label selector applies (its matches are resolved by the API server)
 */
public record NamespaceScope(Set<String> include, Set<String> exclude, boolean selectorGiven) {
    public static final NamespaceScope ALL = new NamespaceScope(Set.of(), Set.of(), false);

    /** @param selected namespaces matching the label selector (ignored when none is given) */
    public boolean covers(String namespace, Set<String> selected) {
        return (include.isEmpty() || include.contains(namespace))
                && !exclude.contains(namespace)
                && (!selectorGiven || (selected != null && selected.contains(namespace)));
    }

    public boolean isEverything() {
        return include.isEmpty() && exclude.isEmpty() && !selectorGiven;
    }
}

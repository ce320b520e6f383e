package io.remediator.kubevirt;

import com.fasterxml.jackson.core.filter.TokenFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of an object a runbook reads: the identifying metadata every cache keeps, the labels
 * and annotations named here, and dotted paths outside `metadata`. {@link PrunedItemStore} keeps
 * only these of every object a watch brings; {@link #listFilter()} drops the rest of a LIST
 * response while it is being parsed, so a 65 MB list never becomes 65 MB of Java objects.
 *
 * @param paths       dotted paths outside `metadata`, e.g. `status.phase`
 * @param labels      label keys to keep ({@code *} keeps all)
 * @param annotations annotation keys to keep
 */
record KeptFields(List<String> paths, Set<String> labels, Set<String> annotations) {
    static final String ALL = "*";
    /** The metadata every cache keeps, besides the chosen labels and annotations. */
    static final List<String> IDENTITY = List.of("name", "namespace", "uid", "resourceVersion",
            "creationTimestamp", "deletionTimestamp", "ownerReferences");

    KeptFields {
        paths = List.copyOf(paths);
        labels = Set.copyOf(labels);
        annotations = Set.copyOf(annotations);
    }

    /**
     * A filter for a whole `…List` response: its kind, apiVersion and list metadata (the
     * resourceVersion a watch resumes from, the continue token) and, of every item, the kept fields.
     */
    TokenFilter listFilter() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("apiVersion", TokenFilter.INCLUDE_ALL);
        item.put("kind", TokenFilter.INCLUDE_ALL);
        Map<String, Object> metadata = new LinkedHashMap<>();
        IDENTITY.forEach(f -> metadata.put(f, TokenFilter.INCLUDE_ALL));
        keys(metadata, "labels", labels);
        keys(metadata, "annotations", annotations);
        item.put("metadata", metadata);
        paths.forEach(path -> mark(item, path, TokenFilter.INCLUDE_ALL));
        return list(new Paths(item, false));
    }

    /**
     * A filter for a whole `…List` response that passes everything but the subtrees at
     * {@code omitted} (dotted paths within each item), e.g. the VMI list of a stored report.
     */
    static TokenFilter omitting(List<String> omitted) {
        Map<String, Object> tree = new LinkedHashMap<>();
        omitted.forEach(path -> mark(tree, path, OMIT));
        return list(new Paths(tree, true));
    }

    /** One object (a GET's answer) without the subtrees at {@code omitted}. */
    static TokenFilter omittingInObject(List<String> omitted) {
        Map<String, Object> tree = new LinkedHashMap<>();
        omitted.forEach(path -> mark(tree, path, OMIT));
        return new Paths(tree, true);
    }

    /** The list's kind, apiVersion and metadata (resourceVersion, continue), and each item through {@code item}. */
    private static TokenFilter list(TokenFilter item) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("apiVersion", TokenFilter.INCLUDE_ALL);
        list.put("kind", TokenFilter.INCLUDE_ALL);
        list.put("metadata", TokenFilter.INCLUDE_ALL);
        list.put("items", new EveryElement(item));
        return new Paths(list, false);
    }

    /** Puts {@code leaf} at the dotted {@code path} of a tree of nested maps. */
    private static void mark(Map<String, Object> tree, String path, Object leaf) {
        Map<String, Object> parent = tree;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> child = (Map<String, Object>) parent.computeIfAbsent(parts[i],
                    k -> new LinkedHashMap<String, Object>());
            parent = child;
        }
        parent.put(parts[parts.length - 1], leaf);
    }

    private static final Object OMIT = new Object();

    private static void keys(Map<String, Object> metadata, String field, Set<String> keys) {
        if (keys.contains(ALL)) {
            metadata.put(field, TokenFilter.INCLUDE_ALL);
        } else if (!keys.isEmpty()) {
            Map<String, Object> named = new LinkedHashMap<>();
            keys.forEach(k -> named.put(k, TokenFilter.INCLUDE_ALL));
            metadata.put(field, named);
        }
    }

    /**
     * An object filtered by a tree of named paths: a named property passes whole (INCLUDE_ALL),
     * not at all ({@link #OMIT}) or through its own subtree; an unnamed one passes whole when
     * {@code keepOthers} (everything but the named parts) and not at all otherwise (only them).
     */
    private static final class Paths extends TokenFilter {
        private final Map<String, Object> named;
        private final boolean keepOthers;

        Paths(Map<String, Object> named, boolean keepOthers) {
            this.named = named;
            this.keepOthers = keepOthers;
        }

        @Override
        public TokenFilter includeProperty(String name) {
            Object child = named.get(name);
            if (child == null) {
                return keepOthers ? TokenFilter.INCLUDE_ALL : null;
            }
            if (child == OMIT) {
                return null;
            }
            if (child instanceof TokenFilter f) {
                return f;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> nested = (Map<String, Object>) child;
            return new Paths(nested, keepOthers);
        }

        @Override
        public TokenFilter includeElement(int index) {
            // A kept path never runs through an array except the list's `items`.
            return keepOthers ? TokenFilter.INCLUDE_ALL : null;
        }

        @Override
        protected boolean _includeScalar() {
            // Kept paths: a scalar where an object was expected is not what was asked for.
            return keepOthers;
        }

        @Override
        public boolean includeEmptyObject(boolean contentsFiltered) {
            return keepOthers; // an object whose only content was omitted is still there
        }
    }

    /** An array each of whose elements passes through the same filter: the list's items. */
    private static final class EveryElement extends TokenFilter {
        private final TokenFilter element;

        EveryElement(TokenFilter element) {
            this.element = element;
        }

        @Override
        public TokenFilter includeProperty(String name) {
            return null;
        }

        @Override
        public TokenFilter includeElement(int index) {
            return element;
        }

        @Override
        public boolean includeEmptyArray(boolean contentsFiltered) {
            return true; // an empty list is still a list
        }

        @Override
        protected boolean _includeScalar() {
            return false;
        }
    }
}

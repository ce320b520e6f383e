package io.remediator.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The labels and annotations every alert of a delivery shares, as Alertmanager's own
 * `commonLabels`/`commonAnnotations` define them: the pairs present, with the same value, in all
 * of them. A report stores them once and each alert with only its own: the alerts of one group
 * mostly differ in `pod`, `instance` and the fingerprint, so a 100-alert report shrinks about
 * fourfold, and with it every create, watch event and read of it.
 */
record CommonAlertFields(Map<String, String> labels, Map<String, String> annotations) {
    static final CommonAlertFields NONE = new CommonAlertFields(Map.of(), Map.of());

    CommonAlertFields {
        labels = labels == null ? Map.of() : labels;
        annotations = annotations == null ? Map.of() : annotations;
    }

    static CommonAlertFields of(List<Alert> alerts) {
        return alerts.isEmpty() ? NONE
                : new CommonAlertFields(shared(alerts, Alert::labels), shared(alerts, Alert::annotations));
    }

    private static Map<String, String> shared(List<Alert> alerts, Function<Alert, Map<String, String>> field) {
        Map<String, String> first = field.apply(alerts.get(0));
        if (first == null || first.isEmpty()) {
            return Map.of();
        }
        Map<String, String> common = new LinkedHashMap<>(first);
        for (int i = 1; i < alerts.size() && !common.isEmpty(); i++) {
            Map<String, String> other = field.apply(alerts.get(i));
            common.entrySet().removeIf(e -> other == null || !Objects.equals(other.get(e.getKey()), e.getValue()));
        }
        return common;
    }

    /** The alert as stored: without what all alerts share. */
    Alert strip(Alert alert) {
        return new Alert(alert.status(), without(alert.labels(), labels), without(alert.annotations(), annotations),
                alert.startsAt(), alert.endsAt(), alert.generatorURL(), alert.fingerprint());
    }

    /** The alert as delivered: what all alerts share, and its own. */
    Alert restore(Alert stored) {
        if (labels.isEmpty() && annotations.isEmpty()) {
            return stored;
        }
        return new Alert(stored.status(), with(stored.labels(), labels), with(stored.annotations(), annotations),
                stored.startsAt(), stored.endsAt(), stored.generatorURL(), stored.fingerprint());
    }

    private static Map<String, String> without(Map<String, String> own, Map<String, String> common) {
        if (own == null || common.isEmpty()) {
            return own;
        }
        Map<String, String> rest = new LinkedHashMap<>(own);
        rest.keySet().removeAll(common.keySet());
        return rest;
    }

    private static Map<String, String> with(Map<String, String> own, Map<String, String> common) {
        if (common.isEmpty()) {
            return own;
        }
        Map<String, String> all = new TreeMap<>(common);
        if (own != null) {
            all.putAll(own);
        }
        return all;
    }
}

package io.remediator.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What every alert of a delivery shares, in the shape of an alert: the labels and annotations
 * present with the same value in all of them (Alertmanager's own `commonLabels` and
 * `commonAnnotations`), and the status, start, end and generator URL when all have the same. A
 * report stores it once, as `spec.common`, and each alert with only what is its own: the alerts of
 * one group mostly differ in `pod`, `instance` and the fingerprint, so a 100-alert report shrinks
 * about sevenfold, and with it every create, watch event and read of it.
 */
final class CommonAlertFields {
    private CommonAlertFields() {}

    /** What all of {@code alerts} share, or null when there are none. */
    static Alert of(List<Alert> alerts) {
        if (alerts.isEmpty()) {
            return null;
        }
        return new Alert(same(alerts, Alert::status), shared(alerts, Alert::labels), shared(alerts, Alert::annotations),
                same(alerts, Alert::startsAt), same(alerts, Alert::endsAt), same(alerts, Alert::generatorURL), null);
    }

    private static <T> T same(List<Alert> alerts, Function<Alert, T> field) {
        T first = field.apply(alerts.get(0));
        for (int i = 1; i < alerts.size() && first != null; i++) {
            if (!first.equals(field.apply(alerts.get(i)))) {
                return null;
            }
        }
        return first;
    }

    private static Map<String, String> shared(List<Alert> alerts, Function<Alert, Map<String, String>> field) {
        Map<String, String> common = new LinkedHashMap<>(field.apply(alerts.get(0)));
        for (int i = 1; i < alerts.size() && !common.isEmpty(); i++) {
            Map<String, String> other = field.apply(alerts.get(i));
            common.entrySet().removeIf(e -> !Objects.equals(other.get(e.getKey()), e.getValue()));
        }
        return common;
    }

    /** The alert as stored: without what {@code common} says for all. */
    static Alert strip(Alert alert, Alert common) {
        return new Alert(unless(alert.status(), common.status()), without(alert.labels(), common.labels()),
                without(alert.annotations(), common.annotations()), unless(alert.startsAt(), common.startsAt()),
                unless(alert.endsAt(), common.endsAt()), unless(alert.generatorURL(), common.generatorURL()),
                alert.fingerprint());
    }

    /** The alert as delivered: what {@code common} (null: nothing) says for all, and its own. */
    static Alert restore(Alert stored, Alert common) {
        if (common == null) {
            return stored;
        }
        return new Alert(or(stored.status(), common.status()), with(stored.labels(), common.labels()),
                with(stored.annotations(), common.annotations()), or(stored.startsAt(), common.startsAt()),
                or(stored.endsAt(), common.endsAt()), or(stored.generatorURL(), common.generatorURL()),
                stored.fingerprint());
    }

    private static <T> T unless(T own, T common) {
        return common != null ? null : own;
    }

    private static <T> T or(T own, T common) {
        return own != null ? own : common;
    }

    private static Map<String, String> without(Map<String, String> own, Map<String, String> common) {
        if (common.isEmpty()) {
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
        all.putAll(own);
        return all;
    }
}

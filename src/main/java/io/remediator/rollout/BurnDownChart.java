package io.remediator.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The burn-down as an SVG chart's geometry, computed here and drawn by the page's template: the
 * pages' CSP forbids script, so the chart is server-side, one polyline per group over the
 * record's history (a step each time the counts changed, held until the next change).
 *
 * @param maxCount the y axis' top
 * @param from     the x axis' start (the first sample)
 * @param to       its end (the last sample)
 */
public record BurnDownChart(int width, int height, List<Series> series, int maxCount, Instant from, Instant to) {
    /** One group's line: its label, a fixed colour, and the points as SVG's `points` attribute wants them. */
    public record Series(String group, String colour, String points, int last) {}

    private static final String[] COLOURS = {"#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#7f7f7f", "#9467bd"};

    public static BurnDownChart of(List<RolloutStatus.Sample> history, int width, int height) {
        if (history.isEmpty()) {
            return new BurnDownChart(width, height, List.of(), 0, null, null);
        }
        Instant from = history.get(0).at();
        Instant to = history.get(history.size() - 1).at();
        long span = Math.max(1, Duration.between(from, to).toSeconds());
        int max = 1;
        for (RolloutStatus.Sample s : history) {
            for (int n : s.groups().values()) {
                max = Math.max(max, n);
            }
        }
        List<Series> series = new ArrayList<>();
        RolloutGroup[] groups = RolloutGroup.values();
        for (int g = 0; g < groups.length; g++) {
            String label = groups[g].label();
            StringBuilder points = new StringBuilder();
            Integer previous = null;
            for (RolloutStatus.Sample s : history) {
                int n = s.groups().getOrDefault(label, 0);
                double x = width * (double) Duration.between(from, s.at()).toSeconds() / span;
                if (previous != null) {
                    // A step: the count held until this sample.
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y(previous, max, height)));
                }
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y(n, max, height)));
                previous = n;
            }
            series.add(new Series(label, COLOURS[g], points.toString().trim(), previous == null ? 0 : previous));
        }
        return new BurnDownChart(width, height, series, max, from, to);
    }

    private static double y(int n, int max, int height) {
        return height - height * (double) n / max;
    }
}

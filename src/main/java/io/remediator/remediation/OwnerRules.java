package io.remediator.remediation;

import io.remediator.config.GoDuration;
import io.remediator.config.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the cluster's policy, a namespace's annotations and a VM's combine (docs/owners.md,
 * next-capabilities §5.3). Pure.
 * <ul>
 * <li>Window: the intersection of `policy.windows` (in `policy.timeZone`), the namespace's
 *     `maintenance-window` (in its `time-zone`, else the cluster's) and the VM's (in the
 *     namespace's zone); one that never opens is `NO_COMMON_WINDOW`.</li>
 * <li>Policy: the weakest of the cluster's, the namespace's and the VM's `policy`: they can only tighten.</li>
 * <li>Batch: per namespace, at most its `batch-size` per its `batch-interval` (else the cluster's),
 *     within the cluster's batch and circuit breaker.</li>
 * <li>An invalid value is ignored, said in a finding (and, for a Namespace's, in an Event on it).
 *     A VM cannot name approvers or a channel: such an annotation is ignored, and said so.</li>
 * </ul>
 */
public final class OwnerRules {
    static final Pattern CHANNEL_ID = Pattern.compile("^[CG][A-Z0-9]{8,}$");
    static final Pattern SLACK_IDS = Pattern.compile("^[US][A-Z0-9]{8,}(,[US][A-Z0-9]{8,})*$");
    /** How far ahead a common window is looked for: a week and a day covers every weekly window. */
    static final Duration HORIZON = Duration.ofDays(8);

    private final RemediationPolicy policy;
    private final OwnerAnnotations owners;
    private final Map<String, Namespaced> namespaces = new HashMap<>();
    private final Map<String, Effective> effective = new HashMap<>();
    private final Set<Invalid> invalid = new LinkedHashSet<>();

    /** One value ignored; {@code namespace} names where it was, {@code onNamespace} whether a Namespace carries it. */
    public record Invalid(String namespace, boolean onNamespace, String finding) {}

    /** One layer of windows: where it comes from, its windows as written and parsed, and their zone. */
    public record Layer(String source, String text, List<TimeWindow> windows, ZoneId zone) {
        boolean open(Instant t) {
            return windows.stream().anyMatch(w -> w.contains(t.atZone(zone)));
        }

        @Override
        public String toString() {
            return source + " " + text + " (" + zone + ")";
        }
    }

    /** The windows that all apply: open when every layer is. */
    public record Windows(List<Layer> layers) {
        public boolean restricted() {
            return !layers.isEmpty();
        }

        public boolean open(Instant t) {
            return layers.stream().allMatch(l -> l.open(t));
        }

        /** The first minute from {@code from} at which every layer is open; empty when none is within a week and a day. */
        public Optional<Instant> nextOpening(Instant from) {
            if (open(from)) {
                return Optional.of(from);
            }
            Instant t = from.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
            for (Instant end = from.plus(HORIZON); t.isBefore(end); t = t.plus(1, ChronoUnit.MINUTES)) {
                if (open(t)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return String.join(" ∩ ", layers.stream().map(Layer::toString).toList());
        }
    }

    /**
     * What applies to one VM's actions.
     *
     * @param ceiling       the strongest setting its namespace and VM allow (AUTO when they say nothing)
     * @param ceilingRule   which annotation set it, or null
     * @param windows       the layers that apply (none: any time)
     * @param zone          the namespace's zone, for saying when a window opens
     * @param batchSize     the namespace's batch size, 0 for none
     * @param batchInterval the namespace's batch interval, null for the cluster's
     * @param owner         the namespace's owner label, or null
     * @param skipUntil     the VM's `kubevirt-remediator/skip-until`: opted out until then, or null
     */
    public record Effective(Setting ceiling, String ceilingRule, Windows windows, ZoneId zone, int batchSize,
                            Duration batchInterval, String owner, Instant skipUntil) {}

    private record Namespaced(Setting ceiling, String ceilingRule, Layer window, ZoneId zone, int batchSize,
                              Duration batchInterval, String owner) {}

    public OwnerRules(RemediationPolicy policy, OwnerAnnotations owners) {
        this.policy = policy;
        this.owners = owners == null ? OwnerAnnotations.NONE : owners;
    }

    /** The values ignored so far, each once. */
    public List<Invalid> invalid() {
        return List.copyOf(invalid);
    }

    public Effective of(String namespace, String vm) {
        return effective.computeIfAbsent(namespace + "/" + vm, k -> compute(namespace, vm));
    }

    private Effective compute(String namespace, String vm) {
        Namespaced ns = namespaces.computeIfAbsent(namespace, this::namespace);
        Map<String, String> a = vm == null ? Map.of() : owners.vms().getOrDefault(namespace + "/" + vm, Map.of());
        String where = "VM " + namespace + "/" + vm;
        List<Layer> layers = new ArrayList<>();
        if (!policy.windows().isEmpty()) {
            layers.add(new Layer("policy.windows", String.join(",", policy.windows().stream().map(TimeWindow::toString)
                    .toList()), policy.windows(), policy.timeZone()));
        }
        if (ns.window() != null) {
            layers.add(ns.window());
        }
        Setting ceiling = ns.ceiling();
        String rule = ns.ceilingRule();
        if (a.containsKey(OwnerAnnotations.WINDOW)) {
            List<TimeWindow> w = windows(namespace, false, where, a.get(OwnerAnnotations.WINDOW));
            if (w != null) {
                layers.add(new Layer(where, a.get(OwnerAnnotations.WINDOW).trim(), w, ns.zone()));
            }
        }
        if (a.containsKey(OwnerAnnotations.POLICY)) {
            Setting s = setting(namespace, false, where, a.get(OwnerAnnotations.POLICY));
            if (s != null && s.compareTo(ceiling) < 0) {
                ceiling = s;
                rule = where + ": " + OwnerAnnotations.POLICY + "=" + s.configValue();
            }
        }
        for (String key : List.of(OwnerAnnotations.APPROVERS, OwnerAnnotations.SLACK_CHANNEL)) {
            if (a.containsKey(key)) {
                invalid.add(new Invalid(namespace, false, where + ": " + key + " is ignored: only a Namespace annotation"
                        + " (which only platform admins can write) names approvers or a channel"));
            }
        }
        Instant skipUntil = null;
        if (a.containsKey(OwnerAnnotations.SKIP_UNTIL)) {
            try {
                skipUntil = java.time.OffsetDateTime.parse(a.get(OwnerAnnotations.SKIP_UNTIL).trim()).toInstant();
            } catch (RuntimeException e) {
                invalid.add(new Invalid(namespace, false, where + ": " + OwnerAnnotations.SKIP_UNTIL + " '"
                        + a.get(OwnerAnnotations.SKIP_UNTIL) + "' is not an RFC 3339 time like 2026-12-31T23:00:00Z"
                        + " (ignored: not opted out)"));
            }
        }
        return new Effective(ceiling, rule, new Windows(List.copyOf(layers)), ns.zone(), ns.batchSize(),
                ns.batchInterval(), ns.owner(), skipUntil);
    }

    private Namespaced namespace(String namespace) {
        OwnerAnnotations.Meta meta = owners.namespaces().get(namespace);
        Map<String, String> a = meta == null ? Map.of() : meta.annotations();
        String where = "namespace " + namespace;
        ZoneId zone = policy.timeZone();
        if (a.containsKey(OwnerAnnotations.TIME_ZONE)) {
            try {
                zone = ZoneId.of(a.get(OwnerAnnotations.TIME_ZONE).trim());
            } catch (RuntimeException e) {
                invalid.add(new Invalid(namespace, true, where + ": " + OwnerAnnotations.TIME_ZONE + " '"
                        + a.get(OwnerAnnotations.TIME_ZONE) + "' is not an IANA zone (ignored; " + zone + " applies)"));
            }
        }
        Layer window = null;
        if (a.containsKey(OwnerAnnotations.WINDOW)) {
            List<TimeWindow> w = windows(namespace, true, where, a.get(OwnerAnnotations.WINDOW));
            window = w == null ? null : new Layer(where, a.get(OwnerAnnotations.WINDOW).trim(), w, zone);
        }
        Setting ceiling = Setting.AUTO;
        String rule = null;
        if (a.containsKey(OwnerAnnotations.POLICY)) {
            Setting s = setting(namespace, true, where, a.get(OwnerAnnotations.POLICY));
            if (s != null) {
                ceiling = s;
                rule = where + ": " + OwnerAnnotations.POLICY + "=" + s.configValue();
            }
        }
        int batchSize = 0;
        if (a.containsKey(OwnerAnnotations.BATCH_SIZE)) {
            try {
                batchSize = Integer.parseInt(a.get(OwnerAnnotations.BATCH_SIZE).trim());
                if (batchSize < 1) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                batchSize = 0;
                invalid.add(new Invalid(namespace, true, where + ": " + OwnerAnnotations.BATCH_SIZE + " '"
                        + a.get(OwnerAnnotations.BATCH_SIZE) + "' is not a whole number of at least 1 (ignored)"));
            }
        }
        Duration interval = null;
        if (a.containsKey(OwnerAnnotations.BATCH_INTERVAL)) {
            try {
                interval = GoDuration.parse(a.get(OwnerAnnotations.BATCH_INTERVAL).trim());
                if (interval.isZero() || interval.isNegative()) {
                    throw new IllegalArgumentException("not positive");
                }
            } catch (RuntimeException e) {
                interval = null;
                invalid.add(new Invalid(namespace, true, where + ": " + OwnerAnnotations.BATCH_INTERVAL + " '"
                        + a.get(OwnerAnnotations.BATCH_INTERVAL) + "' is not a positive duration like 30m (ignored)"));
            }
        }
        for (String key : List.of(OwnerAnnotations.SLACK_CHANNEL)) {
            if (a.containsKey(key) && !CHANNEL_ID.matcher(a.get(key).trim()).matches()) {
                invalid.add(new Invalid(namespace, true, where + ": " + key + " '" + a.get(key)
                        + "' is not a Slack channel ID like C0123456789 (ignored)"));
            }
        }
        for (String key : List.of(OwnerAnnotations.APPROVERS, OwnerAnnotations.SLACK_MENTION)) {
            if (a.containsKey(key) && !SLACK_IDS.matcher(a.get(key).replace(" ", "")).matches()) {
                invalid.add(new Invalid(namespace, true, where + ": " + key + " '" + a.get(key)
                        + "' is not a comma-separated list of Slack user (U…) or user group (S…) IDs (ignored)"));
            }
        }
        return new Namespaced(ceiling, rule, window, zone, batchSize, interval, meta == null ? null : meta.owner());
    }

    private List<TimeWindow> windows(String namespace, boolean onNamespace, String where, String value) {
        try {
            List<TimeWindow> out = new ArrayList<>();
            for (String part : value.split(",")) {
                out.add(TimeWindow.parse(part));
            }
            return List.copyOf(out);
        } catch (IllegalArgumentException e) {
            invalid.add(new Invalid(namespace, onNamespace, where + ": " + OwnerAnnotations.WINDOW + " '" + value
                    + "' is not a list of windows like `Sat 02:00-06:00,Sun 02:00-06:00`: " + e.getMessage() + " (ignored)"));
            return null;
        }
    }

    private Setting setting(String namespace, boolean onNamespace, String where, String value) {
        String v = value == null ? "" : value.trim();
        if (v.equals("report") || v.equals("approve") || v.equals("auto")) {
            return Setting.parse(v);
        }
        invalid.add(new Invalid(namespace, onNamespace, where + ": " + OwnerAnnotations.POLICY + " '" + value
                + "' is not report, approve or auto (ignored)"));
        return null;
    }
}

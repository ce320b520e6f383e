package io.remediator.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The reports no alert created that the drain-blocker watch keeps (vce.watchNodes): one per drain
 * of a node, named `drain-<node>-<when the drain began>`, holding one entry per VMI that holds the
 * drain up. They are stored as deliveries of the runbook's alert, so the runbook, passes, plan,
 * approvals and Slack treat them like the alert's own report; their receiver ({@link #RECEIVER})
 * and group key (`drain:<node>`, never Alertmanager's `{…}:{…}`) tell them apart. An entry's
 * labels are those the alert has (`namespace`, `name`, `node`), its `startsAt` is when the drain
 * began, from the node's own managedFields where they tell.
 */
public final class DrainBlockedReports {
    public static final String RECEIVER = "drain-watch";
    /** The label each entry carries: the node it holds up. */
    public static final String NODE_LABEL = "kubevirt-remediator.io/drain-blocked-node";
    private static final String GROUP_PREFIX = "drain:";

    private DrainBlockedReports() {}

    /** One VMI that holds the drain up. */
    public record Blocker(String namespace, String name, String uid) {}

    /**
     * @param since       when the drain began (the node's cordon or taint)
     * @param approximate true when no object time told, and {@code since} is when this service saw it
     */
    public static ReportSpec firing(String alertname, String node, String mark, Instant since, boolean approximate,
                                    List<Blocker> blockers, Instant now) {
        String groupKey = GROUP_PREFIX + node;
        String episode = groupKey + "@" + since.getEpochSecond();
        List<Alert> alerts = blockers.stream().map(b -> {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("alertname", alertname);
            labels.put("namespace", b.namespace());
            labels.put("name", b.name());
            labels.put("node", node);
            labels.put(NODE_LABEL, node);
            return new Alert("firing", labels, Map.of("summary", "Found by the drain-blocker watch (vce.watchNodes): "
                    + mark + " since " + since + (approximate ? " (approximately: first seen then)" : "")
                    + ", and KubeVirt refuses to evict this VMI (eviction strategy LiveMigrate, not migratable)"),
                    since, null, null, b.uid());
        }).toList();
        return new ReportSpec(name(node, since), episode, now, now, 1, alertname, "firing", groupKey, RECEIVER, null, 0,
                alerts, List.of(), List.of(), List.of(), 1, ReportSpec.digestOf(alerts), alerts.size());
    }

    /** The drain ended (uncordoned) or nothing holds it up any more: the stored entries, resolved now. */
    public static ReportSpec resolved(ReportSpec stored, Instant now) {
        List<Alert> alerts = stored.alerts().stream().map(a -> new Alert("resolved", a.labels(), a.annotations(),
                a.startsAt(), now, a.generatorURL(), a.fingerprint())).toList();
        return new ReportSpec(stored.id(), stored.episode(), now, now, 1, stored.alertname(), "resolved", stored.groupKey(),
                RECEIVER, null, 0, alerts, List.of(), List.of(), List.of(), 1, ReportSpec.digestOf(alerts), alerts.size());
    }

    /** The node a drain-blocker report is about; empty for any other report. */
    public static Optional<String> node(ReportSpec spec) {
        return RECEIVER.equals(spec.receiver()) && spec.groupKey() != null && spec.groupKey().startsWith(GROUP_PREFIX)
                ? Optional.of(spec.groupKey().substring(GROUP_PREFIX.length())) : Optional.empty();
    }

    /** `drain-<node>-<epoch seconds>`; a node name too long for that keeps its start and a hash. */
    static String name(String node, Instant since) {
        String slug = node.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-");
        String tail = "-" + since.getEpochSecond();
        if (slug.equals(node) && ("drain-" + slug + tail).length() <= 253) {
            return "drain-" + slug + tail;
        }
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(node.getBytes(StandardCharsets.UTF_8)), 0, 6);
            String start = slug.substring(0, Math.min(slug.length(), 200)).replaceAll("[.-]+$", "");
            return "drain-" + start + "-" + hash + tail;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}

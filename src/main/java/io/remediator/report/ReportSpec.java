package io.remediator.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The `spec` of a RemediationReport: one firing episode of one alert group's alerts of one
 * alertname, what the pipeline diagnoses and acts on. Written by the intake (deliveries) and the
 * approval routes, never by the leader. Every delivery of the episode (Alertmanager's
 * retries, its repeats every `repeat_interval`, the same group sent to two replicas) has the same
 * {@link #id}, so a duplicate finds the existing report instead of making a new one.
 *
 * @param id              the RemediationReport's name, derived from alertname, group and episode
 * @param episode         `groupKey@startsAt`: a new firing after resolution starts a new one
 * @param receivedAt      the first delivery
 * @param deliveries      how many deliveries of this episode arrived
 * @param status          firing when any of its alerts fires; once resolved it stays resolved
 *                        (a late retry of an earlier firing delivery does not reopen it)
 * @param approvedActions approvals an operator gave (`POST /api/reports/{id}/approve`), each bound to
 *                        one action, attempt and target UID
 * @param approvals       the record of who approved what, when, having reviewed which pass
 * @param usedLinks       approval links already used: each works once, on every replica
 * @param alertSet        bumped when a delivery brings a different alert set than the one stored
 *                        (alerts added, gone, resolved, relabelled, annotations changed): a repeat
 *                        of the same set leaves it, so the leader can tell news from Alertmanager's
 *                        routine re-sends
 * @param alertsDigest    a digest of the alert set, whatever its order ({@link #digestOf}): stored
 *                        beside the alerts, so a watch or a listing that leaves the alerts out
 *                        (they are most of a spec) still tells a repeat from a change; null for a
 *                        report stored before it existed, read without its alerts
 * @param alertCount      how many alerts are stored, kept when the alerts are left out
 *
 * <p>Stored, what all alerts share is written once, as `common` beside them
 * ({@link CommonAlertFields}); in Java every alert is whole.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReportSpec(
        String id,
        String episode,
        Instant receivedAt,
        Instant lastDeliveryAt,
        int deliveries,
        String alertname,
        String status,
        String groupKey,
        String receiver,
        String externalURL,
        int truncatedAlerts,
        // Read through stored(…); written as storedAlerts(): `common` and each alert without it.
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) List<Alert> alerts,
        List<String> approvedActions,
        List<ApprovalGiven> approvals,
        List<String> usedLinks,
        int alertSet,
        String alertsDigest,
        int alertCount) {

    /**
     * One approval request as it was accepted.
     *
     * @param by  who: the name given to the API, the SSO proxy's identity header, or "link holder"
     * @param via api, link (or, later, slack)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ApprovalGiven(Instant at, String by, int pass, List<String> actions, String via) {}

    public ReportSpec {
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
        approvedActions = approvedActions == null ? List.of() : List.copyOf(approvedActions);
        approvals = approvals == null ? List.of() : List.copyOf(approvals);
        usedLinks = usedLinks == null ? List.of() : List.copyOf(usedLinks);
        if (!alerts.isEmpty()) {
            alertCount = alerts.size();
        }
    }

    /** A report as stored; one stored without `common` has whole alerts. */
    @JsonCreator
    public static ReportSpec stored(@JsonProperty("id") String id, @JsonProperty("episode") String episode,
                                    @JsonProperty("receivedAt") Instant receivedAt,
                                    @JsonProperty("lastDeliveryAt") Instant lastDeliveryAt,
                                    @JsonProperty("deliveries") int deliveries, @JsonProperty("alertname") String alertname,
                                    @JsonProperty("status") String status, @JsonProperty("groupKey") String groupKey,
                                    @JsonProperty("receiver") String receiver,
                                    @JsonProperty("externalURL") String externalURL,
                                    @JsonProperty("truncatedAlerts") int truncatedAlerts,
                                    @JsonProperty("alerts") List<Alert> alerts,
                                    @JsonProperty("common") Alert common,
                                    @JsonProperty("approvedActions") List<String> approvedActions,
                                    @JsonProperty("approvals") List<ApprovalGiven> approvals,
                                    @JsonProperty("usedLinks") List<String> usedLinks,
                                    @JsonProperty("alertSet") int alertSet,
                                    @JsonProperty("alertsDigest") String alertsDigest,
                                    @JsonProperty("alertCount") int alertCount) {
        List<Alert> whole = alerts == null ? List.of()
                : alerts.stream().map(a -> CommonAlertFields.restore(a, common)).toList();
        // A report stored before the digest existed gets it from its alerts when they were read.
        String digest = alertsDigest != null || whole.isEmpty() ? alertsDigest : digestOf(whole);
        return new ReportSpec(id, episode, receivedAt, lastDeliveryAt, deliveries, alertname, status, groupKey, receiver,
                externalURL, truncatedAlerts, whole, approvedActions, approvals, usedLinks, alertSet, digest, alertCount);
    }

    /**
     * True when this spec was read without its alerts (a watch's or a listing's copy): it answers
     * questions, but is never written back, which would store a report without its alerts.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean alertsOmitted() {
        return alerts.isEmpty() && alertCount > 0;
    }

    /** The same spec without its alerts (their digest and count stay): what a watch keeps. */
    public ReportSpec withoutAlerts() {
        if (alerts.isEmpty()) {
            return this;
        }
        return new ReportSpec(id, episode, receivedAt, lastDeliveryAt, deliveries, alertname, status, groupKey, receiver,
                externalURL, truncatedAlerts, List.of(), approvedActions, approvals, usedLinks, alertSet,
                alertsDigest != null ? alertsDigest : digestOf(alerts), alerts.size());
    }

    /**
     * A digest of an alert set that does not depend on its order: each alert's fields, each length
     * prefixed (so no two alerts read the same), hashed; the sorted hashes hashed again. Two sets
     * have the same digest exactly when they hold the same alerts, as often each.
     */
    public static String digestOf(List<Alert> alerts) {
        List<String> each = new java.util.ArrayList<>(alerts.size());
        for (Alert a : alerts) {
            StringBuilder b = new StringBuilder();
            field(b, a.status());
            b.append(a.labels().size()).append('{');
            new java.util.TreeMap<>(a.labels()).forEach((k, v) -> field(field(b, k), v));
            b.append(a.annotations().size()).append('{');
            new java.util.TreeMap<>(a.annotations()).forEach((k, v) -> field(field(b, k), v));
            field(b, a.startsAt() == null ? null : a.startsAt().toString());
            field(b, a.endsAt() == null ? null : a.endsAt().toString());
            field(b, a.generatorURL());
            field(b, a.fingerprint());
            each.add(HexFormat.of().formatHex(sha256().digest(b.toString().getBytes(StandardCharsets.UTF_8))));
        }
        java.util.Collections.sort(each);
        MessageDigest all = sha256();
        each.forEach(h -> all.update(h.getBytes(StandardCharsets.US_ASCII)));
        return HexFormat.of().formatHex(all.digest());
    }

    private static StringBuilder field(StringBuilder b, String value) {
        return value == null ? b.append("-;") : b.append(value.length()).append(':').append(value).append(';');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /**
     * The alerts as stored: `common`, what every alert has in an alert's shape (the labels and
     * annotations all share, as Alertmanager's `commonLabels`/`commonAnnotations`, and status, times
     * and generator URL when all are the same; null without alerts), and each alert without it.
     * Computed once per write, for both fields.
     */
    record StoredAlerts(@JsonInclude(JsonInclude.Include.NON_NULL) Alert common, List<Alert> alerts) {}

    @JsonUnwrapped
    StoredAlerts storedAlerts() {
        Alert common = CommonAlertFields.of(alerts);
        return new StoredAlerts(common,
                common == null ? alerts : alerts.stream().map(a -> CommonAlertFields.strip(a, common)).toList());
    }

    /** The first delivery of what Alertmanager sent now. */
    public static ReportSpec delivered(Instant now, String alertname, List<Alert> alerts,
                                     String groupKey, String receiver, String externalURL, int truncatedAlerts) {
        Instant startsAt = alerts.stream().map(Alert::startsAt).filter(Objects::nonNull)
                .min(Comparator.naturalOrder()).orElse(now);
        String episode = groupKey + "@" + startsAt.getEpochSecond();
        String status = alerts.stream().anyMatch(Alert::firing) ? "firing" : "resolved";
        return new ReportSpec(reportName(alertname, groupKey, episode), episode, now, now, 1, alertname, status, groupKey,
                receiver, externalURL, truncatedAlerts, alerts, List.of(), List.of(), List.of(), 1, digestOf(alerts),
                alerts.size());
    }

    /** This episode after one more delivery of it. */
    public ReportSpec withDelivery(ReportSpec delivery) {
        return withRepeats(1, delivery.lastDeliveryAt()).withAlertsOf(delivery);
    }

    /** This episode after {@code count} more deliveries of the alert set it stores, the last at {@code last}. */
    public ReportSpec withRepeats(int count, Instant last) {
        Instant newest = lastDeliveryAt == null || last.isAfter(lastDeliveryAt) ? last : lastDeliveryAt;
        return new ReportSpec(id, episode, receivedAt, newest, deliveries + count, alertname, status, groupKey,
                receiver, externalURL, truncatedAlerts, alerts, approvedActions, approvals, usedLinks, alertSet,
                alertsDigest, alertCount);
    }

    /**
     * The same alerts as stored, whatever their order: Alertmanager re-sends an unchanged group with
     * byte-identical alerts (a firing alert's `endsAt` is always zeroed, annotations are the newest),
     * so equality here means "nothing new but that it was sent again".
     */
    public boolean sameAlertsAs(ReportSpec delivery) {
        String newStatus = firing() ? delivery.status() : status;
        if (!newStatus.equals(status) || truncatedAlerts != delivery.truncatedAlerts()
                || alertCount != delivery.alertCount()) {
            return false;
        }
        if (alertsDigest != null && delivery.alertsDigest() != null) {
            return alertsDigest.equals(delivery.alertsDigest());
        }
        // Without a digest, only the alerts themselves tell; a copy without them cannot.
        return !alertsOmitted() && !delivery.alertsOmitted() && (alerts.equals(delivery.alerts())
                || new java.util.HashSet<>(alerts).equals(new java.util.HashSet<>(delivery.alerts())));
    }

    private ReportSpec withAlertsOf(ReportSpec delivery) {
        if (sameAlertsAs(delivery)) {
            return this;
        }
        // Once resolved it stays resolved: a late retry of an earlier firing delivery does not reopen it.
        String newStatus = firing() ? delivery.status() : status;
        return new ReportSpec(id, episode, receivedAt, lastDeliveryAt, deliveries, alertname, newStatus,
                groupKey, receiver, externalURL, delivery.truncatedAlerts(), delivery.alerts(), approvedActions, approvals,
                usedLinks, alertSet + 1, delivery.alertsDigest() != null ? delivery.alertsDigest()
                : digestOf(delivery.alerts()), delivery.alerts().size());
    }

    /** @param linkId the approval link used, recorded so that it works once; null for none */
    public ReportSpec withApproved(Set<String> entries, ApprovalGiven given, String linkId) {
        Set<String> all = new TreeSet<>(approvedActions);
        all.addAll(entries);
        List<ApprovalGiven> log = new java.util.ArrayList<>(approvals);
        log.add(given);
        List<String> used = new java.util.ArrayList<>(usedLinks);
        if (linkId != null) {
            used.add(linkId);
        }
        return new ReportSpec(id, episode, receivedAt, lastDeliveryAt, deliveries, alertname, status, groupKey, receiver,
                externalURL, truncatedAlerts, alerts, List.copyOf(all), log, used, alertSet, alertsDigest, alertCount);
    }

    public boolean firing() {
        return "firing".equals(status);
    }

    /**
     * The same episode of the same alert group: what a report found under a delivery's id must be
     * (redteam-2 N9: ids keep 48 bits of a hash, and a collision must not merge two groups).
     */
    public boolean sameEpisode(ReportSpec other) {
        return alertname.equals(other.alertname) && groupKey.equals(other.groupKey) && episode.equals(other.episode);
    }

    /**
     * This delivery under its second name, for when its first names another episode's report: the
     * same slug with 96 bits of the hash instead of 48, so every delivery of the episode finds it.
     */
    public ReportSpec withDistinctId() {
        String distinct = name(alertname, groupKey, episode, 12);
        if (distinct.equals(id)) {
            throw new IllegalStateException("report " + id + " belongs to another episode under both of its names");
        }
        return new ReportSpec(distinct, episode, receivedAt, lastDeliveryAt, deliveries, alertname, status, groupKey,
                receiver, externalURL, truncatedAlerts, alerts, approvedActions, approvals, usedLinks, alertSet,
                alertsDigest, alertCount);
    }

    /** Same alert group and alertname: a newer episode of it supersedes this one. */
    public boolean sameGroup(ReportSpec other) {
        return alertname.equals(other.alertname) && groupKey.equals(other.groupKey);
    }

    /**
     * A readable, valid object name: the alertname in lower case, then a hash of what identifies
     * the episode (group keys are long and full of characters names may not hold).
     */
    static String reportName(String alertname, String groupKey, String episode) {
        return name(alertname, groupKey, episode, 6);
    }

    private static String name(String alertname, String groupKey, String episode, int hashBytes) {
        String slug = alertname.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((alertname + "\n" + groupKey + "\n" + episode).getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(digest, 0, hashBytes);
            return slug.isEmpty() ? "alert-" + hash : slug + "-" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}

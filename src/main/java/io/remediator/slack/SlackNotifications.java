package io.remediator.slack;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.reconcile.DueQueue;
import io.remediator.remediation.Action;
import io.remediator.approval.ApprovalLinks;
import io.remediator.approval.ApprovalRules;
import io.remediator.remediation.PlannedAction;
import io.remediator.report.Report;
import io.remediator.report.ReportStore;
import io.remediator.report.SlackPost;
import io.remediator.report.StoredReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One living Slack message per report, kept by the leader on a thread of its own, so a slow or
 * failing Slack never holds up a pass. Each status write queues the report (a burst becomes one
 * message); the message is posted once, then updated in place with `chat.update` (its channel and
 * `ts` are stored in the report's `status.slack`, so a new leader updates it instead of posting
 * again); each pass that executed actions gets a thread reply. Failures are stored on the report
 * and counted; retries wait for Retry-After, or back off.
 *
 * <p>The one window that can still duplicate a message: the process dies after Slack accepted the
 * post and before `status.slack` was stored; the next leader then posts again.
 */
public final class SlackNotifications implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlackNotifications.class);
    /** Status writes within this time become one message. */
    static final Duration COALESCE = Duration.ofSeconds(1);
    static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofMinutes(2), Duration.ofMinutes(10));

    private final ReportStore store;
    private final SlackChannel slack;
    private final String publicUrl;
    private final RemediatorMetrics metrics;
    private final Clock clock;
    private final DueQueue<String> queue = new DueQueue<>();
    private final ApprovalLinks links;
    private final boolean buttons;
    private final Action maxAction;
    private final Thread worker;
    private volatile boolean acting;
    private volatile long term;

    /**
     * @param links     signs the approval link each message carries while actions await approval; null: no link
     * @param buttons   interactive mode with an allow-list: messages carry an approve button
     * @param maxAction the most disruptive action a link or button approves
     */
    /** The approval links' keys, read once at start (`slack.approval.linkKeyFile`); null unless mode `link`. */
    ApprovalLinks links() {
        return links;
    }

    public SlackNotifications(ReportStore store, SlackChannel slack, String publicUrl, ApprovalLinks links,
                              boolean buttons, Action maxAction, RemediatorMetrics metrics, Clock clock) {
        this.links = links;
        this.buttons = buttons;
        this.maxAction = maxAction;
        this.store = store;
        this.slack = slack;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.metrics = metrics;
        this.clock = clock;
        this.worker = new Thread(this::work, "slack-notifier");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Who may approve with this channel's buttons (`slack.approval.allowedUserIds`, `allowedUsergroup`). */
    public SlackApprovers approvers(List<String> users, String usergroup) {
        return new SlackApprovers(users, usergroup, slack, clock);
    }

    /** Says at start-up whether Slack takes the token: a bad one is a warning, never a crash loop. */
    public void checkToken() {
        SlackAnswer a = slack.check();
        if (a instanceof SlackAnswer.Failed f) {
            log.warn("Slack refuses the bot token ({}): reports will carry the error until it is fixed", f.error());
        } else if (a instanceof SlackAnswer.RateLimited) {
            log.warn("Slack rate-limited the start-up check of the bot token");
        }
    }

    public synchronized void startActing() {
        term++;
        acting = true;
    }

    public synchronized void stopActing() {
        acting = false;
        term++;
        queue.clear();
    }

    private volatile java.util.function.Supplier<io.remediator.remediation.OwnerAnnotations> owners =
            () -> io.remediator.remediation.OwnerAnnotations.NONE;
    private volatile int maxOwnerChannels = io.remediator.config.RemediatorConfig.Slack.MAX_OWNER_CHANNELS;

    /**
     * Also keeps one living message per owner channel per report (docs/owners.md): a namespace's
     * `kubevirt-remediator/slack-channel` gets the report's VMIs of its namespaces; at most
     * {@code max} channels per report, the rest summarised in the platform message.
     */
    public SlackNotifications routingOwners(java.util.function.Supplier<io.remediator.remediation.OwnerAnnotations> owners,
                                            int max) {
        this.owners = owners;
        this.maxOwnerChannels = max;
        return this;
    }

    private volatile io.remediator.remediation.RemediationPolicy policy;
    private volatile Duration leadTime = Duration.ofMinutes(60);

    /**
     * Heads-up replies in owner channels (`notify.leadTime` before a window in which disruptive
     * actions are planned), from the same windows the planner combines.
     */
    public SlackNotifications announcingWindows(io.remediator.remediation.RemediationPolicy policy, Duration leadTime) {
        this.policy = policy;
        this.leadTime = leadTime;
        return this;
    }

    /** The disruptive actions of these namespaces waiting for their window, by when it next opens. */
    private java.util.SortedMap<Instant, List<PlannedAction>> waitingForWindows(Report r, java.util.Set<String> namespaces,
                                                                               io.remediator.remediation.OwnerRules rules) {
        java.util.SortedMap<Instant, List<PlannedAction>> out = new TreeMap<>();
        if (rules == null || r.remediation() == null || !"firing".equals(r.status())) {
            return out;
        }
        Instant now = clock.instant();
        for (PlannedAction a : r.remediation().actions()) {
            if (a.followUp() == null && a.vmi() != null && namespaces.contains(a.namespace()) && a.action().disruptive()
                    && a.decision() == io.remediator.remediation.Decision.OUTSIDE_WINDOW) {
                rules.of(a.namespace(), a.vm()).windows().nextOpening(now)
                        .ifPresent(t -> out.computeIfAbsent(t, k -> new ArrayList<>()).add(a));
            }
        }
        return out;
    }

    /**
     * The heads-up for the next window: sent {@code leadTime} before it opens (once per opening, its
     * time stored on the post), mentioning the namespaces' `slack-mention`; scheduled when it is further off.
     */
    private SlackPost headsUp(String name, Report r, java.util.Set<String> namespaces, SlackPost post, Owners o) {
        var waiting = waitingForWindows(r, namespaces, o.rules());
        if (waiting.isEmpty() || !post.posted() || post.lastError() != null) {
            return post;
        }
        Instant opening = waiting.firstKey();
        if (opening.equals(post.headsUpFor())) {
            return post;
        }
        Instant due = opening.minus(leadTime);
        Instant now = clock.instant();
        if (now.isBefore(due)) {
            queue.addAfter(name, Duration.between(now, due));
            return post;
        }
        List<PlannedAction> actions = waiting.get(opening);
        java.time.ZoneId zone = o.rules().of(actions.get(0).namespace(), actions.get(0).vm()).zone();
        StringBuilder text = new StringBuilder("Heads-up: ").append(actions.size()).append(" VM(s) will be acted on when")
                .append(" their window opens, ").append(java.time.format.DateTimeFormatter.ofPattern("EEE HH:mm",
                        java.util.Locale.ROOT).format(opening.atZone(zone))).append(" ").append(zone).append(" (")
                .append(opening).append("):");
        actions.stream().limit(20).forEach(a -> text.append("\n• ").append(a.action()).append(" `").append(a.namespace())
                .append("/").append(a.vmi()).append("`"));
        if (actions.size() > 20) {
            text.append("\n… and ").append(actions.size() - 20).append(" more");
        }
        String mentions = mentions(namespaces, o.annotations());
        if (!mentions.isEmpty()) {
            text.append("\n").append(mentions);
        }
        SlackAnswer a = slack.reply(post.channel(), post.ts(), text.toString());
        if (a instanceof SlackAnswer.Sent) {
            metrics.notification("replied");
            return post.headsUpSent(opening);
        }
        return settle(name, post, a, null, "replied", post.threadedPass());
    }

    /** `<@U…>` and `<!subteam^S…>` for the namespaces' valid `kubevirt-remediator/slack-mention` IDs. */
    private static String mentions(java.util.Set<String> namespaces, io.remediator.remediation.OwnerAnnotations o) {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (String ns : namespaces) {
            var meta = o.namespaces().get(ns);
            String m = meta == null ? null : meta.annotations().get(io.remediator.remediation.OwnerAnnotations.SLACK_MENTION);
            if (m != null) {
                for (String id : m.split(",")) {
                    String t = id.trim();
                    if (t.matches("[US][A-Z0-9]{8,}")) {
                        ids.add(t);
                    }
                }
            }
        }
        return String.join(" ", ids.stream().map(id -> id.startsWith("U") ? "<@" + id + ">" : "<!subteam^" + id + ">")
                .toList());
    }

    /** An ephemeral answer to a click (its `response_url`); a failure is only logged. */
    void answer(String responseUrl, String text) {
        SlackAnswer a = slack.respond(responseUrl, text);
        if (a instanceof SlackAnswer.Failed f) {
            log.warn("could not answer a Slack click: {}", f.error());
        }
    }

    /** Who may approve from owner channels' messages (their namespaces' approvers). */
    OwnerApprovers ownerApprovers() {
        return new OwnerApprovers(() -> owners.get(), slack, clock);
    }

    /** The owner channels of a report's VMIs: channel → its namespaces (sorted), and their owners. */
    record OwnerChannels(java.util.SortedMap<String, java.util.SortedSet<String>> routed, int leftOut,
                         Map<String, String> owners) {}

    /**
     * The owner annotations read once for one send (reading them walks the VM cache), and the rules
     * built on them (null without a policy to combine them with).
     */
    private record Owners(io.remediator.remediation.OwnerAnnotations annotations,
                          io.remediator.remediation.OwnerRules rules) {}

    private Owners readOwners() {
        io.remediator.remediation.OwnerAnnotations o = owners.get();
        io.remediator.remediation.RemediationPolicy p = policy;
        return new Owners(o, p == null ? null : new io.remediator.remediation.OwnerRules(p, o));
    }

    OwnerChannels ownerChannels(Report r, io.remediator.remediation.OwnerAnnotations o) {
        java.util.SortedMap<String, java.util.SortedSet<String>> all = r.diagnosis() == null || !slack.updatable()
                ? new TreeMap<>() : o.channels(r.diagnosis().vmis().stream().map(io.remediator.runbook.VmiFinding::namespace).distinct().toList());
        Map<String, String> ownerOf = new TreeMap<>();
        all.forEach((ch, ns) -> {
            String owners = o.owners(ns);
            if (owners != null) {
                ownerOf.put(ch, owners);
            }
        });
        java.util.SortedMap<String, java.util.SortedSet<String>> routed = new TreeMap<>();
        all.entrySet().stream().limit(maxOwnerChannels).forEach(e -> routed.put(e.getKey(), e.getValue()));
        return new OwnerChannels(routed, all.size() - routed.size(), ownerOf);
    }

    /**
     * The report's message in each owner channel: posted once, then updated in place when what it
     * says changed; stored per channel in `status.ownerSlack`. A channel Slack refuses gets its error
     * stored and is retried like the platform message.
     */
    private void sendOwners(String name, Report r, StoredReport stored, OwnerChannels channels, Owners o, long t) {
        Map<String, SlackPost> before = stored.status().ownerSlack();
        for (var e : channels.routed().entrySet()) {
            String channel = e.getKey();
            SlackPost was = before.getOrDefault(channel, SlackPost.NONE);
            SlackMessage m = SlackMessage.owner(r, e.getValue(), channels.owners().get(channel),
                    publicUrl + "/reports/" + r.id(), clock.instant(), ownerApprove(r, channel, e.getValue()));
            SlackPost after = was;
            if (!was.posted() || !m.digest().equals(was.digest()) || was.lastError() != null) {
                after = !was.posted() ? settle(name, was, slack.post(channel, m), m, "posted", 0)
                        : settle(name, was, slack.update(was.channel(), was.ts(), m), m, "updated", was.threadedPass());
            }
            after = headsUp(name, r, e.getValue(), after, o);
            Executed done = executedBatch(r, after, e.getValue());
            if (done != null && after.posted() && after.lastError() == null) {
                SlackAnswer a = slack.reply(after.channel(), after.ts(), done.text());
                after = a instanceof SlackAnswer.Sent ? after.sent(after.channel(), after.ts(), after.digest(),
                        r.remediation().pass(), clock.instant()).repliedThrough(done.through())
                        : settle(name, after, a, null, "replied", after.threadedPass());
            }
            if (!after.equals(was) && current(t)) {
                store.recordOwnerSlack(name, channel, after);
            }
            if (after.lastError() != null) {
                return; // retried with the whole report: one failing channel at a time
            }
        }
    }

    /** The key under which a dual-launcher notice is stored in `status.ownerSlack`, per channel. */
    static String dualLauncherKey(io.remediator.runbook.DualLaunchers.DualLauncher dl, String channel) {
        return "dual-launcher/" + dl.vmiUid() + "/" + channel;
    }

    /**
     * Two running launchers get a message of their own (docs/migration-failures.md), once per VMI:
     * in the platform channel and in its namespace's owner channel. Stored in `status.ownerSlack`
     * under {@link #dualLauncherKey}, so a new leader does not post it again.
     */
    private void sendDualLaunchers(String name, Report r, StoredReport stored, Owners o, long t) {
        if (!(r.diagnosis() instanceof io.remediator.runbook.OutdatedWorkloadsDiagnosis d) || d.dualLaunchers().isEmpty()
                || !"firing".equals(r.status())) {
            return;
        }
        Map<String, SlackPost> before = stored.status().ownerSlack();
        for (io.remediator.runbook.DualLaunchers.DualLauncher dl : d.dualLaunchers()) {
            List<String> channels = new ArrayList<>();
            channels.add(null); // the platform channel
            String owner = slack.updatable() ? o.annotations().channel(dl.namespace()) : null;
            if (owner != null) {
                channels.add(owner);
            }
            for (String channel : channels) {
                String key = dualLauncherKey(dl, channel == null ? "platform" : channel);
                if (before.containsKey(key) || !current(t)) {
                    continue;
                }
                SlackMessage m = SlackMessage.dualLauncher(dl, publicUrl + "/reports/" + r.id());
                SlackAnswer a = channel == null ? slack.post(m) : slack.post(channel, m);
                if (!(a instanceof SlackAnswer.Sent sent)) {
                    settle(name, SlackPost.NONE, a, m, "posted", 0);
                    return; // retried with the report
                }
                metrics.notification("posted");
                // An incoming webhook answers no channel: the notice is still sent, and stored as sent.
                store.recordOwnerSlack(name, key, new SlackPost(sent.channel() != null ? sent.channel()
                        : channel != null ? channel : "webhook", sent.ts(), m.digest(), 0, clock.instant(), null, 0));
            }
        }
    }

    private static final String ROLLOUT = "rollout:";
    private io.remediator.rollout.RolloutRecords rollouts;
    private Duration rolloutMinInterval = Duration.ofSeconds(60);

    /** Keeps one living message per rollout record too, updated at most once per {@code minInterval}. */
    public SlackNotifications followingRollouts(io.remediator.rollout.RolloutRecords records, Duration minInterval) {
        this.rollouts = records;
        this.rolloutMinInterval = minInterval;
        return this;
    }

    /** The rollout watch wrote this record's status. */
    public void rolloutWritten(String id) {
        if (acting && rollouts != null) {
            queue.addAfter(ROLLOUT + id, COALESCE);
        }
    }

    /**
     * A rollout's message: posted once, then updated in place only when its text changed and at
     * most once per interval (Slack's chat.update is Tier 3); a thread reply at each stage change.
     * The post (channel, ts) is the record's `status.slack`, so a new leader updates it.
     */
    private void sendRollout(String id, long t) {
        java.util.Optional<io.remediator.rollout.RolloutRecords.Record> found = rollouts.get(id);
        java.util.Optional<io.remediator.report.StoredReport> stored = store.read(id);
        if (found.isEmpty() || found.get().status() == null || stored.isEmpty() || !current(t)) {
            return;
        }
        io.remediator.rollout.RolloutRecords.Record r = found.get();
        sendRolloutOwners(id, r, stored.get(), t);
        SlackPost before = stored.get().status() == null || stored.get().status().slack() == null ? SlackPost.NONE
                : stored.get().status().slack();
        SlackMessage m = SlackMessage.rollout(r, publicUrl + "/rollouts/" + id);
        // threadedPass holds the stage last announced in the thread (its ordinal + 1).
        int stage = r.status().stage().ordinal() + 1;
        boolean changed = !m.digest().equals(before.digest());
        if (before.posted() && (!changed || !slack.updatable()) && before.lastError() == null && stage == before.threadedPass()) {
            return;
        }
        if (before.posted() && before.updatedAt() != null && before.lastError() == null
                && clock.instant().isBefore(before.updatedAt().plus(rolloutMinInterval))) {
            queue.addAfter(ROLLOUT + id, Duration.between(clock.instant(), before.updatedAt().plus(rolloutMinInterval)));
            return;
        }
        SlackPost after = before;
        if (!before.posted()) {
            after = settle(ROLLOUT + id, before, slack.post(m), m, "posted", stage);
        } else {
            if (changed && slack.updatable()) {
                after = settle(ROLLOUT + id, before, slack.update(before.channel(), before.ts(), m), m, "updated",
                        before.threadedPass());
            }
            if (after.posted() && after.lastError() == null && stage != before.threadedPass() && slack.updatable()) {
                SlackAnswer a = slack.reply(after.channel(), after.ts(), "Stage: " + r.status().stage());
                after = a instanceof SlackAnswer.Sent ? after.sent(after.channel(), after.ts(), after.digest(), stage,
                        clock.instant()) : settle(ROLLOUT + id, after, a, null, "replied", after.threadedPass());
            }
        }
        if (!after.equals(before) && current(t)) {
            store.recordSlack(id, after);
        }
    }

    /**
     * The rollout's message in each owner channel whose namespaces it concerns (docs/owners.md):
     * posted when one of them first has a VMI to update, then updated in place like the platform
     * message (at most once per interval), until it says every VMI there is updated. Stored per
     * channel in the record's `status.ownerSlack`.
     */
    private void sendRolloutOwners(String id, io.remediator.rollout.RolloutRecords.Record r, StoredReport stored, long t) {
        if (!slack.updatable() || r.status() == null) {
            return;
        }
        io.remediator.remediation.OwnerAnnotations o = owners.get();
        Map<String, SlackPost> before = stored.status() == null ? Map.of() : stored.status().ownerSlack();
        java.util.SortedMap<String, java.util.SortedSet<String>> channels = new TreeMap<>();
        // A channel already told of this rollout keeps being told (until "every VMI is updated"),
        // even once its namespaces left the shares.
        o.channels(o.namespaces().keySet()).forEach((ch, all) -> {
            java.util.SortedSet<String> told = before.containsKey(ch) ? all : all.stream()
                    .filter(ns -> r.status().namespaces().containsKey(ns)).collect(java.util.stream.Collectors
                            .toCollection(java.util.TreeSet::new));
            if (!told.isEmpty()) {
                channels.put(ch, told);
            }
        });
        int sent = 0;
        for (var e : channels.entrySet()) {
            if (sent >= maxOwnerChannels && !before.containsKey(e.getKey())) {
                continue;
            }
            sent++;
            String channel = e.getKey();
            SlackPost was = before.getOrDefault(channel, SlackPost.NONE);
            SlackMessage m = SlackMessage.rolloutOwner(r, e.getValue(), o.owners(e.getValue()), publicUrl + "/rollouts/" + id);
            if (was.posted() && m.digest().equals(was.digest()) && was.lastError() == null) {
                continue;
            }
            if (was.posted() && was.updatedAt() != null && was.lastError() == null
                    && clock.instant().isBefore(was.updatedAt().plus(rolloutMinInterval))) {
                queue.addAfter(ROLLOUT + id, Duration.between(clock.instant(), was.updatedAt().plus(rolloutMinInterval)));
                continue;
            }
            SlackPost after = !was.posted() ? settle(ROLLOUT + id, was, slack.post(channel, m), m, "posted", 0)
                    : settle(ROLLOUT + id, was, slack.update(was.channel(), was.ts(), m), m, "updated", was.threadedPass());
            if (!after.equals(was) && current(t)) {
                store.recordOwnerSlack(id, channel, after);
            }
            if (after.lastError() != null) {
                return;
            }
        }
    }

    /**
     * A published pre-flight (the chart's CronJob, `POST /api/preflight/publish`): one message in the
     * platform channel, and one per owner channel with only its namespaces' VMs (docs/owners.md).
     * Sent at once, from the request (any replica: it is a new message, nothing to keep in place).
     *
     * @return where it went, e.g. "Slack: the platform channel and 2 owner channel(s)"; failures named
     */
    public String publishPreflight(io.remediator.preflight.Preflight.Report r) {
        List<String> failed = new ArrayList<>();
        SlackAnswer platform = slack.post(SlackMessage.preflight(r, null, publicUrl + "/preflight"));
        if (!(platform instanceof SlackAnswer.Sent)) {
            failed.add("the platform channel (" + describe(platform) + ")");
        }
        int owners = 0;
        if (slack.updatable()) {
            io.remediator.remediation.OwnerAnnotations o = this.owners.get();
            java.util.SortedMap<String, java.util.SortedSet<String>> channels = o.channels(r.namespaces().stream()
                    .map(io.remediator.preflight.Preflight.Namespace::namespace).toList());
            for (var e : channels.entrySet().stream().limit(maxOwnerChannels).toList()) {
                SlackAnswer a = slack.post(e.getKey(), SlackMessage.preflight(r, e.getValue(), publicUrl + "/preflight"));
                if (a instanceof SlackAnswer.Sent) {
                    owners++;
                } else {
                    failed.add(e.getKey() + " (" + describe(a) + ")");
                }
            }
        }
        metrics.notification(failed.isEmpty() ? "posted" : "failed");
        return "Slack: " + (platform instanceof SlackAnswer.Sent ? "the platform channel" : "not the platform channel")
                + " and " + owners + " owner channel(s)" + (failed.isEmpty() ? "" : "; failed: " + String.join(", ", failed));
    }

    private static String describe(SlackAnswer a) {
        return a instanceof SlackAnswer.Failed f ? f.error() : a instanceof SlackAnswer.RateLimited ? "rate-limited" : "?";
    }

    /** The leader wrote this report's status: its message may need to change. */
    public void statusWritten(String report) {
        if (acting) {
            queue.addAfter(report, COALESCE);
        }
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            String name;
            try {
                name = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            long t = term;
            try {
                if (name.startsWith(ROLLOUT)) {
                    sendRollout(name.substring(ROLLOUT.length()), t);
                } else {
                    send(name, t);
                }
            } catch (KubernetesClientException e) {
                log.warn("report {}: could not read or store its Slack message: {}", name, ApiErrors.describe(e));
                queue.addAfter(name, BACKOFF.get(0));
            } catch (RuntimeException e) {
                log.error("report {}: Slack notification failed", name, e);
            }
        }
    }

    private boolean current(long t) {
        return acting && term == t;
    }

    private volatile java.util.function.UnaryOperator<Report> failures = r -> r;

    /** The alert's report message carries the systemic failure findings its page shows ({@link io.remediator.rollout.ReportFailures}). */
    public SlackNotifications showingFailures(io.remediator.rollout.ReportFailures f) {
        this.failures = f::linked;
        return this;
    }

    private void send(String name, long t) {
        Optional<StoredReport> found = store.read(name);
        if (found.isEmpty() || found.get().status() == null || !current(t)) {
            return;
        }
        Report r = failures.apply(found.get().report());
        SlackPost before = found.get().status().slack() == null ? SlackPost.NONE : found.get().status().slack();
        Owners o = readOwners();
        OwnerChannels channels = ownerChannels(r, o.annotations());
        SlackMessage m = SlackMessage.of(r, publicUrl + "/reports/" + r.id(), clock.instant(), approve(r),
                channels.routed().isEmpty() && channels.leftOut() == 0 ? null
                        : channels.routed().size() + " owner channel(s) have their own message"
                        + (channels.leftOut() > 0 ? "; " + channels.leftOut() + " more owner channel(s) got none"
                        + " (slack.maxOwnerChannelsPerReport=" + maxOwnerChannels + "): their VMIs are on the report page"
                        : ""));
        sendOwners(name, r, found.get(), channels, o, t);
        sendDualLaunchers(name, r, found.get(), o, t);
        boolean changed = !m.digest().equals(before.digest());
        Executed batch = executedBatch(r, before);
        if (before.posted() && (!changed || !slack.updatable()) && batch == null && before.lastError() == null) {
            return;
        }
        SlackPost after = before;
        if (!before.posted()) {
            SlackAnswer a = slack.post(m);
            after = settle(name, before, a, m, "posted", before.threadedPass());
        } else if (changed && slack.updatable()) {
            after = settle(name, before, slack.update(before.channel(), before.ts(), m), m, "updated",
                    before.threadedPass());
        }
        if (after.posted() && after.lastError() == null && batch != null && slack.updatable()) {
            SlackAnswer a = slack.reply(after.channel(), after.ts(), batch.text());
            after = a instanceof SlackAnswer.Sent
                    ? after.sent(after.channel(), after.ts(), after.digest(), r.remediation().pass(), clock.instant())
                            .repliedThrough(batch.through())
                    : settle(name, after, a, null, "replied", after.threadedPass());
            if (a instanceof SlackAnswer.Sent) {
                metrics.notification("replied");
            }
        }
        if (!after.equals(before) && current(t)) {
            store.recordSlack(name, after);
        }
    }

    private SlackMessage.Approve approve(Report r) {
        int count = approvable(r);
        if (r.remediation() == null || !"firing".equals(r.status()) || count == 0) {
            return null;
        }
        if (links != null) {
            return new SlackMessage.Approve(publicUrl + "/approvals/" + r.id() + "?t="
                    + links.token(r.id(), r.remediation()), null, count);
        }
        // Only with someone allowed to click it: an approve button anyone may press is what others shipped.
        // The button names the awaited actions, not the pass: it works while they are unchanged (N7).
        return buttons ? new SlackMessage.Approve(null, new SlackButton(r.id(), r.remediation().awaitedDigest()).value(), count) : null;
    }

    private volatile boolean ownerLinks;

    /**
     * Link mode behind an SSO proxy: owner messages carry a link signed for their channel, which
     * approves only for that channel's namespaces' approvers (the identity looked up in Slack).
     */
    public SlackNotifications offeringOwnerLinks(boolean offer) {
        this.ownerLinks = offer && links != null;
        return this;
    }

    /** Who may approve with an owner channel's link: the SSO identity as a Slack user, then its namespaces' approvers. */
    public io.remediator.approval.OwnerLinkApprovers ownerLinkApprovers() {
        return new OwnerLinkIdentities(ownerApprovers(), slack, clock);
    }

    /**
     * The approval of an owner message, while actions of its namespaces await: the button
     * (interactive mode) or a link signed for this channel (link mode with an identity header).
     */
    private SlackMessage.Approve ownerApprove(Report r, String channel, java.util.Set<String> namespaces) {
        if (!(buttons || ownerLinks) || r.remediation() == null || !"firing".equals(r.status())) {
            return null;
        }
        long count = ApprovalRules.approvableFromSlack(r.remediation(), maxAction).stream()
                .filter(a -> namespaces.contains(a.namespace())).count();
        if (count == 0) {
            return null;
        }
        return ownerLinks ? new SlackMessage.Approve(publicUrl + "/approvals/" + r.id() + "?t="
                + links.ownerToken(r.id(), r.remediation(), channel), null, (int) count)
                : new SlackMessage.Approve(null, new SlackButton(r.id(), r.remediation().awaitedDigest()).value(), (int) count);
    }

    private int approvable(Report r) {
        return r.remediation() == null ? 0 : ApprovalRules.approvableFromSlack(r.remediation(), maxAction).size();
    }

    /** The post's new state after Slack's answer; schedules the retry a failure calls for. */
    private SlackPost settle(String name, SlackPost before, SlackAnswer a, SlackMessage m, String outcome, int threaded) {
        if (a instanceof SlackAnswer.Sent s) {
            metrics.notification(outcome);
            return before.sent(s.channel() != null ? s.channel() : before.channel(), s.ts() != null ? s.ts() : before.ts(),
                    m == null ? before.digest() : m.digest(), threaded, clock.instant());
        }
        if (a instanceof SlackAnswer.RateLimited rl) {
            metrics.notification("rate_limited");
            log.info("report {}: Slack asks to wait {} s", name, rl.retryAfter().toSeconds());
            queue.addAfter(name, rl.retryAfter());
            return before.failed("ratelimited", clock.instant());
        }
        SlackAnswer.Failed f = (SlackAnswer.Failed) a;
        metrics.notification("failed");
        log.warn("report {}: Slack answered {}{}", name, f.error(), f.retryable() ? "; trying again" : "");
        if (f.retryable()) {
            queue.addAfter(name, BACKOFF.get(Math.min(before.failures(), BACKOFF.size() - 1)));
        }
        return before.failed(f.error(), clock.instant());
    }

    /**
     * A thread reply with what executed: its text, and the newest execution time it reports.
     */
    record Executed(String text, Instant through) {}

    /** The thread reply for what executed since the last one, if anything did. */
    static Executed executedBatch(Report r, SlackPost before) {
        return executedBatch(r, before, null);
    }

    /**
     * The same for these namespaces' actions only (an owner channel's final reply), or all with null.
     * An action a pass executed is carried by the next passes with its follow-up, so it is found even
     * when the notifier first reads the report a pass or two later (its status writes coalesce): what
     * counts is whether it executed after the newest one a reply already reported.
     */
    static Executed executedBatch(Report r, SlackPost before, java.util.Set<String> namespaces) {
        if (r.remediation() == null || r.remediation().pass() <= before.threadedPass()) {
            return null;
        }
        Map<String, Integer> done = new TreeMap<>();
        Instant through = before.repliedThrough();
        boolean earlier = false;
        for (PlannedAction a : r.remediation().actions()) {
            // Never replied yet: everything executed so far is news.
            boolean fresh = before.repliedThrough() == null
                    || a.executedAt() != null && a.executedAt().isAfter(before.repliedThrough());
            if (a.result() != null && a.executedAt() != null && fresh
                    && (namespaces == null || namespaces.contains(a.namespace()))) {
                done.merge(a.action() + " " + a.result().outcome().wire(), 1, Integer::sum);
                earlier |= a.followUp() != null;
                through = through == null || a.executedAt().isAfter(through) ? a.executedAt() : through;
            }
        }
        if (done.isEmpty()) {
            return null;
        }
        int pass = r.remediation().pass();
        StringBuilder out = new StringBuilder(earlier && pass - 1 > before.threadedPass()
                ? "Passes " + (before.threadedPass() + 1) + "–" + pass + " executed:" : "Pass " + pass + " executed:");
        done.forEach((k, n) -> out.append("\n• ").append(n).append(" × ").append(k));
        return new Executed(out.toString(), through);
    }

    @Override
    public void close() {
        stopActing();
        worker.interrupt();
        slack.close();
    }
}

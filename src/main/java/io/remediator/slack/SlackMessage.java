package io.remediator.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.util.json.GsonFactory;
import io.remediator.remediation.PlannedAction;
import io.remediator.report.Report;
import io.remediator.runbook.VmiFinding;
import io.remediator.runbook.RecommendedAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A report as one Slack message, within Block Kit's limits whatever the VM count: at most 8 blocks,
 * the header at most 150 characters, every text at most 3,000, the ten VMIs that most need a person,
 * and the link to the full report. Every value from the cluster or the alert is escaped for mrkdwn,
 * so a VMI named `<!channel>` pings nobody. Pure.
 *
 * @param blocks   the Block Kit blocks
 * @param text     the notification and screen-reader text
 * @param digest   a hash of both: the same content is not sent twice
 */
public record SlackMessage(List<LayoutBlock> blocks, String text, String digest) {
    static final int MAX_BLOCKS = 50;
    static final int MAX_HEADER = 150;
    static final int MAX_TEXT = 3_000;
    static final int TOP_VMIS = 10;
    /** Those an operator must act on, most disruptive first. */
    private static final Set<RecommendedAction> NEEDS_A_PERSON = Set.of(RecommendedAction.STOP, RecommendedAction.RESTART, RecommendedAction.PATCH_EVICTION_STRATEGY,
            RecommendedAction.EVICT, RecommendedAction.LIVE_MIGRATE);

    /** @param reportUrl `publicUrl/reports/{id}` */
    public static SlackMessage of(Report r, String reportUrl, Instant at) {
        return of(r, reportUrl, at, null);
    }

    /**
     * How the message offers approval of the current plan.
     *
     * @param linkUrl     the signed approval link (`slack.approval.mode: link`), or null
     * @param buttonValue the approve button's value, `report|pass` (`interactive`), or null
     * @param count       how many awaiting actions it approves
     */
    public record Approve(String linkUrl, String buttonValue, int count) {}

    /** @param approve how to approve from the message, or null for no affordance */
    public static SlackMessage of(Report r, String reportUrl, Instant at, Approve approve) {
        return of(r, reportUrl, at, approve, null);
    }

    /** @param owners what went to owner channels (docs/owners.md), or null */
    public static SlackMessage of(Report r, String reportUrl, Instant at, Approve approve, String owners) {
        List<LayoutBlock> blocks = new ArrayList<>();
        String title = truncate(r.alertname() + ": " + r.outdatedVmiCount() + " " + r.diagnosis().vmiNoun(r.outdatedVmiCount())
                + " (" + state(r) + ")", MAX_HEADER);
        blocks.add(header(h -> h.text(plainText(title))));

        StringBuilder summary = new StringBuilder();
        summary.append("*Report* <").append(reportUrl).append("|").append(escape(r.id())).append("> • alert *")
                .append(escape(r.status())).append("* • ").append(r.deliveries()).append(" deliver")
                .append(r.deliveries() == 1 ? "y" : "ies");
        if (r.remediation() != null) {
            summary.append("\n*Policy mode:* `").append(escape(r.remediation().mode())).append("` • pass ")
                    .append(r.remediation().pass());
        }
        if (r.diagnosis().cluster() != null) {
            summary.append("\n*KubeVirt's workload updates:* ").append(r.diagnosis().cluster().workloadUpdatesEnabled()
                    ? "on (" + escape(String.join(", ", r.diagnosis().cluster().workloadUpdateMethods())) + ")"
                    : "*off*: KubeVirt moves no VMI by itself");
        }
        if (r.error() != null) {
            summary.append("\n*Diagnosis failed:* ").append(escape(r.error()));
        }
        List<TextObject> fields = counts(r);
        blocks.add(section(s -> {
            s.text(markdownText(truncate(summary.toString(), MAX_TEXT)));
            if (!fields.isEmpty()) {
                s.fields(fields);
            }
            return s;
        }));

        // A systemic failure signature is why the plan looks as it does: it comes before the plan.
        for (String finding : r.systemicFindings() == null ? List.<String>of() : r.systemicFindings()) {
            String f = truncate(":rotating_light: " + escape(finding), MAX_TEXT);
            blocks.add(section(s -> s.text(markdownText(f))));
        }
        String awaiting = awaitingApproval(r);
        if (awaiting != null) {
            blocks.add(section(s -> s.text(markdownText(truncate(awaiting, MAX_TEXT)))));
        }
        String top = topVmis(r);
        if (top != null) {
            blocks.add(section(s -> s.text(markdownText(truncate(top, MAX_TEXT)))));
        }
        if (approve != null && approve.count() > 0 && approve.linkUrl() != null) {
            blocks.add(section(s -> s.text(markdownText("<" + approve.linkUrl() + "|Review & approve " + approve.count()
                    + " action" + (approve.count() == 1 ? "" : "s") + "> (opening it approves nothing; the page asks to confirm)"))));
        }
        if (approve != null && approve.count() > 0 && approve.buttonValue() != null) {
            blocks.add(approveButton(approve, "The service runs them under its policy's limits; the report records you"
                    + " as the approver."));
        }
        String approvedBy = lastApproval(r);
        if (approvedBy != null) {
            blocks.add(section(s -> s.text(markdownText(truncate(approvedBy, MAX_TEXT)))));
        }
        if (owners != null) {
            blocks.add(section(s -> s.text(markdownText(truncate(escape(owners), MAX_TEXT)))));
        }
        // A link, not a url button: a button needs an interactivity endpoint to acknowledge its click.
        blocks.add(section(s -> s.text(markdownText("<" + reportUrl + "|Open report> for every VMI, the plan and "
                + (awaiting != null ? "to approve" : "what was done")))));
        blocks.add(context(c -> c.elements(List.of(markdownText(truncate("Phase " + r.phase() + " • updated "
                + at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " by kubevirt-remediator", MAX_TEXT))))));
        String text = truncate(r.alertname() + ": " + r.outdatedVmiCount() + " outdated VMIs, " + state(r) + " – "
                + reportUrl, MAX_TEXT);
        // The context's time changes on every render: the digest leaves it out.
        return new SlackMessage(List.copyOf(blocks), text, digest(blocks.subList(0, blocks.size() - 1), text));
    }

    /** The approve button, with its confirmation saying {@code confirmText}. */
    private static LayoutBlock approveButton(Approve approve, String confirmText) {
        String label = "Approve " + approve.count() + " action" + (approve.count() == 1 ? "" : "s");
        var confirm = confirmationDialog(c -> c.title(plainText(truncate(label + "?", 100)))
                .text(markdownText(confirmText)).confirm(plainText("Approve")).deny(plainText("Cancel")));
        var button = button(b -> b.actionId(APPROVE_ACTION).style("primary").text(plainText(label))
                .value(approve.buttonValue()).confirm(confirm));
        // A new block_id per plan: Slack asks for one per iteration of an updated message.
        return actions(a -> a.blockId("approve:" + truncate(approve.buttonValue(), 200)).elements(List.of(button)));
    }

    /** The action_id of the approve button ({@link SlackButton}). */
    public static final String APPROVE_ACTION = SlackButton.APPROVE_ACTION;

    private static String lastApproval(Report r) {
        if (r.approvals().isEmpty()) {
            return null;
        }
        var a = r.approvals().get(r.approvals().size() - 1);
        String who = a.by() != null && a.by().startsWith("slack:") ? "<@" + escape(a.by().substring(6)) + ">" : escape(a.by());
        return ":white_check_mark: Approved by " + who + " (" + escape(a.via()) + ") at " + a.at() + ": "
                + escape(String.join(", ", a.actions()));
    }

    /** The blocks as Slack's SDK sends them. */
    public String blocksJson() {
        return GsonFactory.createSnakeCase().toJson(blocks);
    }

    private static String state(Report r) {
        if (!"firing".equals(r.status())) {
            return "alert resolved";
        }
        long awaiting = r.remediation() == null ? 0 : r.remediation().awaitingApproval().size();
        return switch (r.phase()) {
            case Received -> "diagnosing";
            case Acting -> "acting";
            case Failed -> "diagnosis failed";
            case Closed -> "closed";
            default -> awaiting > 0 ? awaiting + " action" + (awaiting == 1 ? "" : "s") + " await approval"
                    : r.phase() == io.remediator.report.ReportPhase.Waiting ? "in progress" : "planned";
        };
    }

    /** VMIs per recommended action, most disruptive first: at most 6 fields. */
    private static List<TextObject> counts(Report r) {
        Map<RecommendedAction, Integer> counts = r.diagnosis().recommendedActionCounts();
        List<TextObject> fields = new ArrayList<>();
        if (counts == null) {
            return fields;
        }
        for (RecommendedAction a : RecommendedAction.BY_SEVERITY) {
            int n = counts.getOrDefault(a, 0);
            if (n > 0) {
                fields.add(markdownText("*" + a.name() + "*\n" + n));
            }
        }
        return fields;
    }

    private static String awaitingApproval(Report r) {
        if (r.remediation() == null) {
            return null;
        }
        List<PlannedAction> awaiting = r.remediation().awaitingApproval();
        if (awaiting.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder("*Awaiting approval (" + awaiting.size() + ")*");
        awaiting.stream().limit(TOP_VMIS).forEach(a -> out.append("\n• ").append(a.action()).append(" `")
                .append(escape(a.namespace() + "/" + (a.vmi() != null ? a.vmi() : a.object().name()))).append("`"));
        if (awaiting.size() > TOP_VMIS) {
            out.append("\n…and ").append(awaiting.size() - TOP_VMIS).append(" more in the report");
        }
        return out.toString();
    }

    private static String topVmis(Report r) {
        List<VmiFinding> needing = r.diagnosis().vmis().stream().map(VmiFinding.class::cast)
                .filter(v -> NEEDS_A_PERSON.contains(v.recommendedAction()))
                .sorted(java.util.Comparator.comparing((VmiFinding v) -> RecommendedAction.BY_SEVERITY
                        .indexOf(v.recommendedAction())).thenComparing(VmiFinding::namespace).thenComparing(VmiFinding::name))
                .toList();
        if (needing.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder("*VMIs that need a person (top " + Math.min(TOP_VMIS, needing.size())
                + " of " + needing.size() + ")*");
        needing.stream().limit(TOP_VMIS).forEach(v -> out.append("\n• ").append(v.recommendedAction()).append(" `")
                .append(escape(v.namespace() + "/" + v.name())).append("` on ").append(escape(String.valueOf(v.node()))));
        return out.toString();
    }

    /** VMIs an owner message lists; the rest are counted, and the report page has them all. */
    static final int OWNER_VMIS = 25;

    /**
     * The report's living message in an owner channel (docs/owners.md): only the VMIs of the
     * namespaces routed to it, each with its branch, planned action and decision (which says when its
     * window opens), and links to the report filtered by namespace.
     *
     * @param namespaces the namespaces whose `kubevirt-remediator/slack-channel` is this channel
     * @param reportUrl  `publicUrl/reports/{id}`
     */
    public static SlackMessage owner(Report r, java.util.SortedSet<String> namespaces, String owners, String reportUrl,
                                     Instant at) {
        return owner(r, namespaces, owners, reportUrl, at, null);
    }

    /** @param approve the approve button for these namespaces' awaiting actions (their approvers click it), or null */
    public static SlackMessage owner(Report r, java.util.SortedSet<String> namespaces, String owners, String reportUrl,
                                     Instant at, Approve approve) {
        List<LayoutBlock> blocks = new ArrayList<>();
        List<VmiFinding> mine = r.diagnosis().vmis().stream().map(VmiFinding.class::cast)
                .filter(v -> namespaces.contains(v.namespace()))
                .sorted(java.util.Comparator.comparing(VmiFinding::namespace).thenComparing(VmiFinding::name)).toList();
        Map<String, PlannedAction> planned = new java.util.HashMap<>();
        if (r.remediation() != null) {
            r.remediation().actions().stream().filter(a -> a.vmi() != null && a.followUp() == null)
                    .forEach(a -> planned.put(a.namespace() + "/" + a.vmi(), a));
        }
        String title = truncate(r.alertname() + ": " + mine.size() + " " + r.diagnosis().vmiNoun(mine.size()) + " in "
                + String.join(", ", namespaces) + " (" + state(r) + ")", MAX_HEADER);
        blocks.add(header(h -> h.text(plainText(title))));
        StringBuilder summary = new StringBuilder("*Report* <").append(reportUrl).append("|").append(escape(r.id()))
                .append("> • alert *").append(escape(r.status())).append("*");
        if (owners != null && !owners.isBlank()) {
            summary.append(" • owner ").append(escape(owners));
        }
        if (r.remediation() != null) {
            summary.append("\n*Policy mode:* `").append(escape(r.remediation().mode())).append("` • pass ")
                    .append(r.remediation().pass());
        }
        blocks.add(section(s -> s.text(markdownText(truncate(summary.toString(), MAX_TEXT)))));
        StringBuilder rows = new StringBuilder();
        mine.stream().limit(OWNER_VMIS).forEach(v -> {
            PlannedAction a = planned.get(v.namespace() + "/" + v.name());
            rows.append("• `").append(escape(v.namespace() + "/" + v.name())).append("` ").append(escape(v.branchName()))
                    .append(" → ").append(a == null ? escape(String.valueOf(v.recommendedAction()))
                            : escape(a.action() + ": " + a.decision() + (a.why() == null ? "" : " — " + truncate(a.why(), 200))))
                    .append("\n");
        });
        if (mine.size() > OWNER_VMIS) {
            rows.append("… and ").append(mine.size() - OWNER_VMIS).append(" more on the report page\n");
        }
        if (rows.length() > 0) {
            blocks.add(section(s -> s.text(markdownText(truncate(rows.toString(), MAX_TEXT)))));
        }
        StringBuilder links = new StringBuilder();
        for (String ns : namespaces) {
            links.append(links.length() == 0 ? "" : " • ").append("<").append(reportUrl).append("?namespace=")
                    .append(java.net.URLEncoder.encode(ns, java.nio.charset.StandardCharsets.UTF_8)).append("|")
                    .append(escape(ns)).append(">");
        }
        if (approve != null && approve.count() > 0 && approve.linkUrl() != null) {
            blocks.add(section(s -> s.text(markdownText("<" + approve.linkUrl() + "|Review & approve " + approve.count()
                    + " action" + (approve.count() == 1 ? "" : "s") + "> (for your namespaces' kubevirt-remediator/approvers"
                    + " only, signed in; opening it approves nothing)"))));
        }
        if (approve != null && approve.count() > 0 && approve.buttonValue() != null) {
            blocks.add(approveButton(approve, "Only your namespaces' actions, and only for their"
                    + " kubevirt-remediator/approvers; the report records you as the approver."));
        }
        blocks.add(section(s -> s.text(markdownText(truncate("Open the report for " + links, MAX_TEXT)))));
        blocks.add(context(c -> c.elements(List.of(markdownText(truncate("Phase " + r.phase() + " • updated "
                + at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " by kubevirt-remediator", MAX_TEXT))))));
        String text = truncate(title + " – " + reportUrl, MAX_TEXT);
        return new SlackMessage(List.copyOf(blocks), text, digest(blocks.subList(0, blocks.size() - 1), text));
    }

    /**
     * A rollout's living message: "KubeVirt v1.8.4 → v1.9.0: 37 of 120 VMIs left, ETA 18 min", a line
     * per group, and the link to its page. Its digest changes only with what it says (never with a
     * time), so an unchanged rollout is never re-sent.
     *
     * @param rolloutUrl `publicUrl/rollouts/{id}`
     */
    public static SlackMessage rollout(io.remediator.rollout.RolloutRecords.Record r, String rolloutUrl) {
        io.remediator.rollout.RolloutStatus s = r.status();
        int left = s == null ? 0 : s.outdated();
        int most = s == null ? 0 : s.history().stream().mapToInt(h -> h.groups().entrySet().stream()
                .filter(e -> !"pending_live_update".equals(e.getKey())).mapToInt(Map.Entry::getValue).sum()).max().orElse(left);
        String from = r.source() == null || r.source().fromVersion() == null ? "" : r.source().fromVersion() + " → ";
        String to = r.source() == null ? "?" : r.source().toVersion();
        String stage = s == null ? "ControlPlaneUpdating" : s.stage().name();
        String title;
        if (s != null && s.stage() == io.remediator.rollout.RolloutStage.Completed) {
            title = "KubeVirt " + from + to + ": completed, " + Math.max(most, left) + " VMIs updated";
        } else if (s == null || s.stage() == io.remediator.rollout.RolloutStage.ControlPlaneUpdating) {
            title = "KubeVirt " + from + to + ": the control plane is updating";
        } else {
            title = "KubeVirt " + from + to + ": " + left + " of " + Math.max(most, left) + " VMIs left"
                    + (s.etaSeconds() != null ? ", ETA " + human(s.etaSeconds()) : "");
        }
        List<LayoutBlock> blocks = new ArrayList<>();
        String header = truncate(title, MAX_HEADER);
        blocks.add(header(h -> h.text(plainText(header))));
        StringBuilder body = new StringBuilder("*Stage:* ").append(stage);
        if (s != null) {
            s.groups().forEach((g, n) -> body.append("\n• ").append(g).append(": ").append(n));
            if (s.etaSeconds() == null && s.etaReason() != null) {
                body.append("\n_No ETA: ").append(escape(s.etaReason())).append("_");
            }
        }
        String text = truncate(body.toString(), MAX_TEXT);
        blocks.add(section(b -> b.text(markdownText(text))));
        if (s != null) {
            // A systemic failure is the one thing the platform channel must not miss.
            for (String finding : s.systemicFindings()) {
                String f = truncate(":rotating_light: " + escape(finding), MAX_TEXT);
                blocks.add(section(b -> b.text(markdownText(f))));
            }
        }
        String link = "<" + rolloutUrl + "|Open the rollout> for the burn-down and the VMIs that need a person";
        blocks.add(section(b -> b.text(markdownText(link))));
        return new SlackMessage(blocks, header, digest(blocks, header));
    }

    /**
     * A rollout's living message in an owner channel: only these namespaces' part ("KubeVirt v1.8.4 →
     * v1.9.0: 3 VMIs left in payments, shop"), their counts per group, their VMIs that need a person
     * with why, and each systemic failure signature that hit one of their VMIs, naming them.
     *
     * @param namespaces the namespaces routed to this channel
     * @param owners     their owner labels, or null
     */
    public static SlackMessage rolloutOwner(io.remediator.rollout.RolloutRecords.Record r,
                                            java.util.SortedSet<String> namespaces, String owners, String rolloutUrl) {
        io.remediator.rollout.RolloutStatus s = r.status();
        Map<String, Integer> groups = new java.util.LinkedHashMap<>();
        List<io.remediator.rollout.RolloutStatus.Vmi> people = new ArrayList<>();
        int left = 0;
        for (String ns : namespaces) {
            io.remediator.rollout.RolloutStatus.NamespaceShare share = s == null ? null : s.namespaces().get(ns);
            if (share != null) {
                share.groups().forEach((g, n) -> groups.merge(g, n, Integer::sum));
                people.addAll(share.vmis());
                left += share.outdated();
            }
        }
        String from = r.source() == null || r.source().fromVersion() == null ? "" : r.source().fromVersion() + " → ";
        String to = r.source() == null ? "?" : r.source().toVersion();
        String where = String.join(", ", namespaces);
        boolean done = s != null && (s.stage() == io.remediator.rollout.RolloutStage.Completed || left == 0
                && groups.getOrDefault("pending_live_update", 0) == 0);
        String title = done ? "KubeVirt " + from + to + ": every VMI in " + where + " is updated"
                : "KubeVirt " + from + to + ": " + left + " VMI" + (left == 1 ? "" : "s") + " left in " + where;
        List<LayoutBlock> blocks = new ArrayList<>();
        String header = truncate(title, MAX_HEADER);
        blocks.add(header(h -> h.text(plainText(header))));
        StringBuilder body = new StringBuilder("*Stage:* ").append(s == null ? "ControlPlaneUpdating" : s.stage().name());
        if (owners != null && !owners.isBlank()) {
            body.append(" • owner ").append(escape(owners));
        }
        groups.forEach((g, n) -> {
            if (n > 0) {
                body.append("\n• ").append(g).append(": ").append(n);
            }
        });
        String text = truncate(body.toString(), MAX_TEXT);
        blocks.add(section(b -> b.text(markdownText(text))));
        if (!people.isEmpty()) {
            StringBuilder rows = new StringBuilder("*Need a person:*\n");
            people.stream().limit(OWNER_VMIS).forEach(v -> rows.append("• `").append(escape(v.namespace() + "/" + v.name()))
                    .append("` ").append(escape(v.branch())).append(v.explanation() == null ? ""
                            : " — " + escape(truncate(v.explanation(), 200))).append("\n"));
            String t = truncate(rows.toString(), MAX_TEXT);
            blocks.add(section(b -> b.text(markdownText(t))));
        }
        if (s != null && s.migrationFailures() != null) {
            for (io.remediator.rollout.MigrationFailures.Signature sig : s.migrationFailures().signatures()) {
                List<String> theirs = sig.vmis().stream().filter(v -> namespaces.contains(v.substring(0, Math.max(0, v.indexOf('/')))))
                        .toList();
                if (sig.systemic() && !theirs.isEmpty()) {
                    String f = truncate(":rotating_light: " + escape(s.migrationFailures().finding(sig, s.failedLauncherPods()))
                            + "\n" + theirs.size() + " of them yours: " + escape(String.join(", ", theirs.stream().limit(10).toList()))
                            + (theirs.size() > 10 ? ", …" : ""), MAX_TEXT);
                    blocks.add(section(b -> b.text(markdownText(f))));
                }
            }
        }
        String link = "<" + rolloutUrl + "|Open the rollout> for the burn-down of the whole cluster";
        blocks.add(section(b -> b.text(markdownText(link))));
        return new SlackMessage(blocks, header, digest(blocks, header));
    }

    /**
     * A published pre-flight (docs/preflight.md): the verdict, the gates that warn or fail with their
     * evidence, the outcomes counted, and the VMs that will be disrupted or never updated (the first
     * {@link #OWNER_VMIS}); only these namespaces' VMs when {@code namespaces} is given (an owner channel).
     */
    public static SlackMessage preflight(io.remediator.preflight.Preflight.Report r, java.util.Set<String> namespaces,
                                         String pageUrl) {
        String verdict = r.exitCode() == 0 ? "ready" : r.exitCode() == 2 ? "ready with warnings" : "not ready";
        List<io.remediator.preflight.Preflight.Namespace> mine = r.namespaces().stream()
                .filter(ns -> namespaces == null || namespaces.contains(ns.namespace())).toList();
        String title = truncate("KubeVirt update pre-flight: " + verdict + (namespaces == null ? ""
                : " — " + String.join(", ", namespaces)), MAX_HEADER);
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(title))));
        if (namespaces == null) {
            StringBuilder gates = new StringBuilder();
            r.gates().stream().filter(g -> g.result() == io.remediator.preflight.Preflight.Result.WARN
                    || g.result() == io.remediator.preflight.Preflight.Result.FAIL)
                    .forEach(g -> gates.append("• *").append(g.result()).append("* ").append(g.gate()).append(": ")
                            .append(escape(truncate(g.evidence(), 300))).append("\n"));
            String t = truncate(gates.length() == 0 ? "Every gate passes." : gates.toString(), MAX_TEXT);
            blocks.add(section(b -> b.text(markdownText(t))));
        }
        Map<String, Integer> counts = new java.util.TreeMap<>();
        mine.forEach(ns -> ns.counts().forEach((o, n) -> counts.merge(o.name(), n, Integer::sum)));
        StringBuilder rows = new StringBuilder("*Outcomes:* ").append(counts.isEmpty() ? "no running VM"
                : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(java.util.stream.Collectors.joining(", "))).append("\n");
        mine.stream().flatMap(ns -> ns.vms().stream().filter(v -> v.outcome().needsAttention()
                        || v.flags().contains(io.remediator.preflight.Preflight.Flag.BLOCKS_DRAINS))
                        .map(v -> "• `" + escape(ns.namespace() + "/" + v.name()) + "` " + v.outcome()
                                + (v.flags().isEmpty() ? "" : " " + v.flags().stream().map(Enum::name).sorted().toList())))
                .limit(OWNER_VMIS).forEach(l -> rows.append(l).append("\n"));
        String t = truncate(rows.toString(), MAX_TEXT);
        blocks.add(section(b -> b.text(markdownText(t))));
        String link = "<" + pageUrl + "|Open the pre-flight> for every VM and why (generated " + r.generatedAt() + ")";
        blocks.add(section(b -> b.text(markdownText(link))));
        return new SlackMessage(blocks, title, digest(blocks, title));
    }

    /**
     * Two running launchers (docs/migration-failures.md): a message of its own, not one line among
     * many, since guests were corrupted in this state (kubevirt/kubevirt#15373, #16622).
     */
    public static SlackMessage dualLauncher(io.remediator.runbook.DualLaunchers.DualLauncher dl, String reportUrl) {
        String title = truncate(":rotating_light: " + dl.namespace() + "/" + dl.vmi() + " runs in " + dl.pods().size()
                + " launcher pods", MAX_HEADER);
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(title))));
        StringBuilder pods = new StringBuilder();
        dl.pods().forEach(p -> pods.append("• `").append(escape(p.name())).append("` on ").append(escape(p.node()))
                .append(", ").append(escape(p.phase())).append(", created ").append(p.createdAt())
                .append(p.name().equals(dl.current()) ? " — KubeVirt's current" : "").append("\n"));
        String podText = truncate(pods.toString(), MAX_TEXT);
        blocks.add(section(b -> b.text(markdownText(podText))));
        String finding = truncate(escape(dl.finding()), MAX_TEXT);
        blocks.add(section(b -> b.text(markdownText(finding))));
        String link = "<" + reportUrl + "?namespace=" + java.net.URLEncoder.encode(dl.namespace(),
                StandardCharsets.UTF_8) + "|Open the report>: every action on this VMI is QUARANTINED";
        blocks.add(section(b -> b.text(markdownText(link))));
        return new SlackMessage(blocks, title, digest(blocks, title));
    }

    private static String human(long seconds) {
        return seconds < 120 ? seconds + " s" : seconds < 7_200 ? (seconds + 59) / 60 + " min"
                : String.format(java.util.Locale.ROOT, "%.1f h", seconds / 3600.0);
    }

    /** Slack's mrkdwn control characters: `&`, `<`, `>` (a value like `<!channel>` must not ping). */
    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String digest(List<LayoutBlock> blocks, String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((GsonFactory.createSnakeCase().toJson(blocks) + "\n"
                    + text).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

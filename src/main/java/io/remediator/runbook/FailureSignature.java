package io.remediator.runbook;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration failure reduced to what it shares with others of the same cause (next-capabilities
 * §2.3): its class, a stable key (`cpu:extra:ht`, `device:virtio-net`, `timeout`) and one real
 * text as the example. Pure: the golden table in its test holds every string quoted in §0.3, in
 * KubeVirt's ≤ v1.8 and v1.9 forms.
 */
public record FailureSignature(FailureClass failureClass, String key, String example) {
    public enum FailureClass {
        CPU_MISMATCH, DEVICE_STATE, UNSCHEDULABLE, TIMEOUT, TARGET_POD_DOWN,
        /** A user or a controller canceled it: never counted as a failure. */
        CANCELED,
        OTHER;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern VIR_ERROR = Pattern.compile("virError\\(Code=\\d+, Domain=\\d+, Message='((?:[^']|'')*)'\\)");
    private static final Pattern CPU = Pattern.compile("guest CPU doesn't match specification: (missing|extra) features: ([\\w.,-]+)");
    private static final Pattern DEVICE_LOAD_STATE = Pattern.compile("error while loading state .* of device '[^']*/([\\w-]+)'");
    private static final Pattern DEVICE_FAILED_LOAD = Pattern.compile("Failed to load ([\\w-]+)(?::[\\w-]+)?");
    private static final Pattern DEVICE_FEATURES = Pattern.compile("Features 0x[0-9a-fA-F]+ unsupported");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern POD = Pattern.compile("virt-launcher-[\\w-]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    /** Digits, but not the 0 of an already-replaced hex number (0x#). */
    private static final Pattern DIGITS = Pattern.compile("\\d+(?!x#)");

    /**
     * @param text            the migration's `migrationState.failureReason`, else the newest reason
     *                        Event's message (FailedMigration on the migration, Migrated on the VMI)
     * @param abortRequested  the migration has KubeVirt's `migrationAbortRequested` condition (a delete)
     * @param eventReason     the Event's reason when {@code text} came from one (e.g.
     *                        `migrationTargetPodUnschedulable`, `NoSuitableNodesForHostModelMigration`), else null
     * @param nodes           the migration's source and target node names, replaced by `<node>` in keys
     */
    public static FailureSignature of(String text, boolean abortRequested, String eventReason, String... nodes) {
        String raw = text == null ? "" : text.trim();
        if (abortRequested || raw.contains("being canceled")) {
            return new FailureSignature(FailureClass.CANCELED, "canceled", raw);
        }
        if ("NoSuitableNodesForHostModelMigration".equals(eventReason) || raw.contains("no node is suitable to run the required CPU model")) {
            return new FailureSignature(FailureClass.UNSCHEDULABLE, "unschedulable:host-model", raw);
        }
        if ("migrationTargetPodUnschedulable".equals(eventReason) || "FailedScheduling".equals(eventReason)
                || raw.contains("is currently unschedulable")
                || raw.contains("timeout period exceeded") && raw.contains("unschedulable")
                // The scheduler's own words, from the target pod's FailedScheduling Event.
                || SCHEDULER.matcher(raw).find()) {
            return new FailureSignature(FailureClass.UNSCHEDULABLE, "unschedulable:" + schedulingPhrases(raw), raw);
        }
        if (raw.startsWith("aborted (")) {
            // The migration state's abortStatus without an abort request: v1.9's own timeout.
            return new FailureSignature(FailureClass.TIMEOUT, "timeout", raw);
        }
        String message = message(raw);
        Matcher cpu = CPU.matcher(message);
        if (cpu.find()) {
            TreeSet<String> features = new TreeSet<>(Arrays.asList(cpu.group(2).split(",")));
            features.remove("");
            return new FailureSignature(FailureClass.CPU_MISMATCH, "cpu:" + cpu.group(1) + ":" + String.join(",", features), raw);
        }
        Matcher device = DEVICE_LOAD_STATE.matcher(message);
        if (device.find()) {
            return new FailureSignature(FailureClass.DEVICE_STATE, "device:" + device.group(1), raw);
        }
        Matcher failedLoad = DEVICE_FAILED_LOAD.matcher(message);
        if (failedLoad.find()) {
            return new FailureSignature(FailureClass.DEVICE_STATE, "device:" + failedLoad.group(1), raw);
        }
        if (DEVICE_FEATURES.matcher(message).find()) {
            return new FailureSignature(FailureClass.DEVICE_STATE, "device:features", raw);
        }
        if (message.contains("stuck for") || message.contains("not completed after")
                || message.contains("has been aborted")) {
            // v1.9 says only "has been aborted" for its own timeout; a user's abort has the condition (above).
            return new FailureSignature(FailureClass.TIMEOUT, "timeout", raw);
        }
        if (message.contains("Target pod is down") || message.contains("target pod shutdown")
                || message.contains("target pod was removed") || message.contains("Target pod was removed")) {
            return new FailureSignature(FailureClass.TARGET_POD_DOWN, "target-pod-down", raw);
        }
        return new FailureSignature(FailureClass.OTHER, "other:" + normalized(message, nodes), raw);
    }

    /** The libvirt message inside a `virError(…)`, without KubeVirt's prefixes; the text itself otherwise. */
    static String message(String raw) {
        String s = raw;
        for (String prefix : new String[] {"Live migration failed ", "error encountered during MigrateToURI3 libvirt api call: "}) {
            if (s.startsWith(prefix)) {
                s = s.substring(prefix.length());
            }
        }
        Matcher m = VIR_ERROR.matcher(s);
        if (m.find()) {
            s = m.group(1).replace("''", "'");
        }
        return s;
    }

    /** What stays of a text when what differs per VMI (ids, pods, nodes, numbers) is taken out. */
    static String normalized(String text, String... nodes) {
        String s = UUID.matcher(text).replaceAll("<uid>");
        s = POD.matcher(s).replaceAll("<pod>");
        for (String node : nodes) {
            if (node != null && !node.isBlank()) {
                s = s.replace(node, "<node>");
            }
        }
        s = HEX.matcher(s).replaceAll("0x#");
        s = DIGITS.matcher(s).replaceAll("#");
        s = s.replaceAll("\\s+", " ").trim();
        return s.length() > 120 ? s.substring(0, 120) : s;
    }

    /** The scheduler's reason phrases in a FailedScheduling-style text ("0/3 nodes are available: …"), sorted. */
    private static final Pattern SCHEDULER = Pattern.compile("^\\d+/\\d+ nodes are available:");

    private static String schedulingPhrases(String text) {
        int colon = text.indexOf("are available:");
        if (colon < 0) {
            return "target-pod";
        }
        String reasons = text.substring(colon + "are available:".length());
        // Since Kubernetes 1.24 the scheduler adds a sentence on preemption ("… rules. preemption: 0/3
        // nodes are available: 3 No preemption victims found …"): not a reason the pod did not fit.
        int sentence = reasons.indexOf(". ");
        if (sentence >= 0) {
            reasons = reasons.substring(0, sentence);
        }
        TreeSet<String> phrases = new TreeSet<>();
        for (String part : reasons.split(",")) {
            String p = DIGITS.matcher(part.trim()).replaceFirst("").trim();
            // Only the sentence's own period: `devices.kubevirt.io/kvm` keeps its dots.
            p = p.endsWith(".") ? p.substring(0, p.length() - 1).trim() : p;
            if (!p.isEmpty()) {
                phrases.add(p.replaceAll("\\s+", " "));
            }
        }
        return phrases.isEmpty() ? "target-pod" : String.join(";", phrases);
    }

    /** The feature list of a CPU key (`cpu:extra:ht` → `ht`), for the catalog's patterns. */
    public Optional<String> cpuFeatures() {
        return failureClass == FailureClass.CPU_MISMATCH ? Optional.of(key.substring(key.lastIndexOf(':') + 1))
                : Optional.empty();
    }
}

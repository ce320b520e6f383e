package io.remediator.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.remediator.kubevirt.VirtualMachineInstanceMigration;
import io.remediator.runbook.FailureSignature;
import io.remediator.runbook.FailureSignature.FailureClass;
import io.remediator.runbook.KnownSignatures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The migrations that finished since T0, by failure signature (next-capabilities §2.3),
 * accumulated look by look from the leader's watch of migrations (KubeVirt keeps only 5 finished
 * migrations per VMI, and Events expire after an hour: a later LIST would miss them) and stored in
 * the rollout record, so a new leader carries on the counts. Each migration is counted once:
 * the looks take only those finished after the stored mark (their own finish time, then name).
 *
 * @param since           T0: only migrations that finished after it count
 * @param succeeded       migrations that succeeded since, all origins
 * @param succeededBy     the same by origin: workload-updater, remediator, evacuation, other
 * @param failed          failed migrations since, canceled ones left out
 * @param canceled        canceled ones (a user's delete, an abort request): never a signature
 * @param failedThrough   the newest failure counted
 * @param succeededThrough the newest success counted
 * @param backoffVmis     VMIs KubeVirt has put in migration backoff within the last hour (its
 *                        `MigrationBackoff` Events; the API server keeps Events an hour by default)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MigrationFailures(Instant since, int succeeded, Map<String, Integer> succeededBy, int failed, int canceled,
                                Mark failedThrough, Mark succeededThrough, List<Signature> signatures, int backoffVmis) {
    public MigrationFailures(Instant since, int succeeded, Map<String, Integer> succeededBy, int failed, int canceled,
                             Mark failedThrough, Mark succeededThrough, List<Signature> signatures) {
        this(since, succeeded, succeededBy, failed, canceled, failedThrough, succeededThrough, signatures, 0);
    }

    /** Distinct VMIs named per signature; beyond, the count says "at least". */
    public static final int MAX_VMIS = 1000;
    /** Signatures kept; more distinct ones are counted in {@link #OVERFLOW_KEY}. */
    public static final int MAX_SIGNATURES = 50;
    public static final String OVERFLOW_KEY = "other:*";

    /** A migration's place in finish order. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Mark(Instant at, String name) implements Comparable<Mark> {
        @Override
        public int compareTo(Mark o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : name.compareTo(o.name);
        }
    }

    /**
     * One signature. {@code vmis} are its distinct VMIs (ns/name, at most {@link #MAX_VMIS});
     * {@code examples} its first three migrations; {@code exampleText} the raw text of the first.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Signature(String key, FailureClass failureClass, int failures, List<String> vmis, List<String> examples,
                            String exampleText, double share, boolean systemic, KnownSignatures.Known known) {
        public Signature {
            vmis = vmis == null ? List.of() : List.copyOf(vmis);
            examples = examples == null ? List.of() : List.copyOf(examples);
        }

        public int vmiCount() {
            return vmis.size();
        }
    }

    /**
     * The systemic rule (§2.3): at least {@code minFailures} failures and {@code minVmis} VMIs,
     * and either a share of all finished, non-canceled migrations of at least {@code minShare} or
     * no success since T0; CPU and device-state mismatches already at 2 VMIs.
     */
    public record Rule(int minFailures, int minVmis, double minShare) {
        public static final Rule DEFAULT = new Rule(5, 3, 0.5);

        boolean systemic(FailureClass c, int failures, int vmis, double share, int succeeded) {
            if ((c == FailureClass.CPU_MISMATCH || c == FailureClass.DEVICE_STATE) && vmis >= 2) {
                return true;
            }
            return failures >= minFailures && vmis >= minVmis && (share >= minShare || succeeded == 0);
        }
    }

    public MigrationFailures {
        succeededBy = succeededBy == null ? Map.of() : Map.copyOf(succeededBy);
        signatures = signatures == null ? List.of() : List.copyOf(signatures);
    }

    public static MigrationFailures empty(Instant since) {
        return new MigrationFailures(since, 0, Map.of(), 0, 0, null, null, List.of());
    }

    /**
     * Empty counts from {@code since} that go on after these: a migration these counted is not
     * counted again (the marks carry over), one that finished later is.
     */
    public MigrationFailures restartedAt(Instant since) {
        return new MigrationFailures(since, 0, Map.of(), 0, 0, failedThrough, succeededThrough, List.of(), backoffVmis);
    }

    /** The same counts with this many VMIs in KubeVirt's migration backoff. */
    public MigrationFailures withBackoffVmis(int vmis) {
        return vmis == backoffVmis ? this : new MigrationFailures(since, succeeded, succeededBy, failed, canceled,
                failedThrough, succeededThrough, signatures, vmis);
    }

    /** The systemic signatures' keys. */
    public Set<String> systemicKeys() {
        Set<String> keys = new TreeSet<>();
        signatures.stream().filter(Signature::systemic).forEach(s -> keys.add(s.key()));
        return keys;
    }

    private static String origin(VirtualMachineInstanceMigration m) {
        return m.createdByWorkloadUpdater() ? "workload-updater" : m.createdByRemediator() ? "remediator"
                : m.createdByEvacuation() ? "evacuation" : "other";
    }

    /**
     * These counts with every migration in {@code migrations} that finished after the marks added.
     *
     * @param eventMessages the latest FailedMigration Event message per migration (ns/name): the
     *                      text of a failure without a failureReason
     */
    public MigrationFailures with(List<VirtualMachineInstanceMigration> migrations, Map<String, String> eventMessages,
                                  Rule rule, KnownSignatures known) {
        Map<String, Integer> by = new LinkedHashMap<>(succeededBy);
        int ok = succeeded;
        int bad = failed;
        int cancel = canceled;
        Mark okMark = succeededThrough;
        Mark badMark = failedThrough;
        Map<String, Signature> sigs = new LinkedHashMap<>();
        Map<String, TreeSet<String>> vmis = new LinkedHashMap<>();
        for (Signature s : signatures) {
            sigs.put(s.key(), s);
            vmis.put(s.key(), new TreeSet<>(s.vmis()));
        }
        // Only what finished after the marks is sorted: a look sees every cached migration.
        List<VirtualMachineInstanceMigration> sorted = new ArrayList<>(migrations.stream().filter(m -> since != null
                && (m.succeededAt() != null ? m.succeededAt().isAfter(since) && (succeededThrough == null
                        || !m.succeededAt().isBefore(succeededThrough.at()))
                        : m.failed() && m.failedAt() != null && m.failedAt().isAfter(since) && (failedThrough == null
                        || !m.failedAt().isBefore(failedThrough.at())))).toList());
        sorted.sort(Comparator.comparing((VirtualMachineInstanceMigration m) -> m.failedAt() != null ? m.failedAt()
                : m.succeededAt() != null ? m.succeededAt() : Instant.MAX).thenComparing(m -> m.namespace() + "/" + m.name()));
        for (VirtualMachineInstanceMigration m : sorted) {
            String name = m.namespace() + "/" + m.name();
            if (m.succeededAt() != null && since != null && m.succeededAt().isAfter(since)) {
                Mark mark = new Mark(m.succeededAt(), name);
                if (succeededThrough == null || mark.compareTo(succeededThrough) > 0) {
                    ok++;
                    by.merge(origin(m), 1, Integer::sum);
                    okMark = okMark == null || mark.compareTo(okMark) > 0 ? mark : okMark;
                }
                continue;
            }
            if (!m.failed() || m.failedAt() == null || since == null || !m.failedAt().isAfter(since)) {
                continue;
            }
            Mark mark = new Mark(m.failedAt(), name);
            if (failedThrough != null && mark.compareTo(failedThrough) <= 0) {
                continue;
            }
            badMark = badMark == null || mark.compareTo(badMark) > 0 ? mark : badMark;
            String text = m.failureReason() != null && !m.failureReason().isBlank() ? m.failureReason()
                    : eventMessages.getOrDefault(name, "");
            FailureSignature sig = FailureSignature.of(text, m.abortRequested(), null, m.sourceNode(), m.targetNode());
            if (sig.failureClass() == FailureClass.CANCELED) {
                cancel++;
                continue;
            }
            bad++;
            String key = sigs.containsKey(sig.key()) || sigs.size() < MAX_SIGNATURES ? sig.key() : OVERFLOW_KEY;
            Signature before = sigs.get(key);
            TreeSet<String> names = vmis.computeIfAbsent(key, k -> new TreeSet<>());
            if (names.size() < MAX_VMIS) {
                names.add(m.namespace() + "/" + m.vmiName());
            }
            List<String> examples = new ArrayList<>(before == null ? List.of() : before.examples());
            if (examples.size() < 3) {
                examples.add(name);
            }
            sigs.put(key, new Signature(key, key.equals(OVERFLOW_KEY) ? FailureClass.OTHER : sig.failureClass(),
                    (before == null ? 0 : before.failures()) + 1, List.copyOf(names), examples,
                    before == null ? sig.example() : before.exampleText(), 0, false, null));
        }
        int finished = ok + bad;
        int succeededNow = ok;
        List<Signature> out = sigs.values().stream().map(s -> {
            double share = finished == 0 ? 0 : Math.round(1000.0 * s.failures() / finished) / 1000.0;
            return new Signature(s.key(), s.failureClass(), s.failures(), s.vmis(), s.examples(), s.exampleText(), share,
                    rule.systemic(s.failureClass(), s.failures(), s.vmiCount(), share, succeededNow),
                    known.of(s.key()).orElse(null));
        }).sorted(Comparator.comparingInt(Signature::failures).reversed().thenComparing(Signature::key)).toList();
        return new MigrationFailures(since, ok, by, bad, cancel, badMark, okMark, out, backoffVmis);
    }

    /**
     * The finding for one systemic signature, e.g. "SYSTEMIC: 41 of 44 migrations since the update
     * failed with cpu:extra:ht (31 VMs). Known upgrade defect (…). …".
     *
     * @param failedLauncherPods launcher pods in phase Failed now (KubeVirt's VirtLauncherPodsStuckFailed fires at 200)
     */
    public String finding(Signature s, int failedLauncherPods) {
        return finding(s, failedLauncherPods, "since the update");
    }

    /** @param during when the migrations counted finished, in words ("since the update", "since 2026-12-06T09:00:00Z") */
    public String finding(Signature s, int failedLauncherPods, String during) {
        StringBuilder b = new StringBuilder("SYSTEMIC: ").append(s.failures()).append(" of ").append(failed + succeeded)
                .append(" migrations ").append(during).append(" failed with ").append(s.key()).append(" (")
                .append(s.vmiCount() >= MAX_VMIS ? "at least " : "").append(s.vmiCount()).append(" VM")
                .append(s.vmiCount() == 1 ? "" : "s").append(").");
        if (s.known() != null) {
            b.append(" Known upgrade defect");
            if (!s.known().links().isEmpty()) {
                b.append(" (").append(s.known().links().get(0)).append(")");
            }
            b.append(": ").append(s.known().meaning().trim()).append(" Mitigation: ").append(s.known().mitigation().trim());
        }
        b.append(" KubeVirt's updater will keep retrying these with growing backoff");
        if (backoffVmis > 0) {
            b.append(" (").append(backoffVmis).append(" VMI").append(backoffVmis == 1 ? "" : "s")
                    .append(" put in backoff within the hour)");
        }
        b.append("; ").append(failedLauncherPods)
                .append(" failed launcher pod").append(failedLauncherPods == 1 ? "" : "s")
                .append(" so far (KubeVirt alerts at 200).");
        return b.toString();
    }
}

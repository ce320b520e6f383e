package io.remediator.report;

import io.remediator.kubevirt.ApiErrors;
import io.remediator.kubevirt.PrunedList;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reports are RemediationReport objects in the Kubernetes API, so every replica serves the same
 * ones and a restarted process finds them all. The webhook writes `spec` (the episode), the
 * leader writes `status`; both with the object's resourceVersion, retrying on conflict, so neither
 * overwrites the other.
 */
public final class ReportStore {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReportStore.class);
    /** The kind, for readers of the raw objects (tests, kubectl-like tools). */
    public static final ResourceDefinitionContext KIND = ResourceDefinitionContext.fromResourceType(RemediationReport.class);
    private static final int MAX_CONFLICT_RETRIES = 50;
    /**
     * Reports per LIST page. A report may be close to 1 MB, but its VMI lists are skipped while the
     * page is parsed ({@link PrunedList#omitting}), so a page costs the heap what the plans take;
     * paging still bounds each answer the API server builds.
     */
    private static final long LIST_PAGE = 50;

    private final KubernetesClient client;
    private final String namespace;
    private final int maxObjectBytes;
    /** Deliveries of one episode on this replica wait for each other instead of conflicting. */
    private final Object[] locks = new Object[64];

    public ReportStore(KubernetesClient client, String namespace, int maxObjectBytes) {
        this.client = client;
        this.namespace = namespace;
        this.maxObjectBytes = maxObjectBytes;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    public String namespace() {
        return namespace;
    }

    /**
     * A delivery as stored, whether it created the report, and whether it changed its alert set.
     * When it did neither, nothing was written: the caller counts the repeat (see Deliveries).
     */
    public record Recorded(StoredReport report, boolean created, boolean alertsChanged) {}

    /**
     * Records one delivery durably: creates the episode's report, or counts one more delivery on
     * the existing one. Returns only once the API server stored it.
     *
     * @throws KubernetesClientException when the API server did not store it
     */
    public StoredReport recordDelivery(ReportSpec delivery) {
        return recordDelivery(delivery, () -> true, null, false).orElseThrow().report();
    }

    /**
     * The same, when a new report is allowed only while {@code mayCreate} says so: empty when this
     * delivery would start a new report and may not (a repeat of a stored episode always counts).
     *
     * @param believed the report as a cache last saw it (empty: the cache says there is none), so the
     *                 first attempt writes without reading; null to read first. Asked once this
     *                 delivery's turn has come (deliveries of one report on this replica take turns),
     *                 so it sees what the one before wrote. A stale belief costs one conflict and a
     *                 read, never a lost write.
     * @param countRepeatsLater when the stored alerts are the delivery's, write nothing: the caller
     *                 counts the repeat with {@link #recordRepeats}
     */
    public Optional<Recorded> recordDelivery(ReportSpec delivery, BooleanSupplier mayCreate,
                                             Supplier<Optional<StoredReport>> believed, boolean countRepeatsLater) {
        synchronized (locks[Math.floorMod(delivery.id().hashCode(), locks.length)]) {
            boolean[] refused = {false};
            boolean[] created = {false};
            boolean[] changed = {false};
            boolean[] collided = {false};
            StoredReport[] repeated = {null};
            StoredReport stored = changeSpec(delivery.id(), current -> {
                if (current.isPresent() && !current.get().spec().sameEpisode(delivery)) {
                    collided[0] = true;
                    return null;
                }
                created[0] = current.isEmpty();
                changed[0] = current.isEmpty() || !current.get().spec().sameAlertsAs(delivery);
                if (current.isPresent() && !changed[0] && countRepeatsLater) {
                    // The alerts are stored (just read): only the count is new, and it can wait.
                    repeated[0] = current.get();
                    return null;
                }
                if (current.isPresent()) {
                    return current.get().spec().withDelivery(delivery);
                }
                if (!mayCreate.getAsBoolean()) {
                    refused[0] = true;
                    return null;
                }
                return delivery;
            }, believed == null ? null : believed.get());
            if (collided[0]) {
                // Another episode's report has this name: this one lives under its second name.
                ReportSpec renamed = delivery.withDistinctId();
                log.warn("report {} belongs to another alert group or episode; this delivery is recorded as {}",
                        delivery.id(), renamed.id());
                return recordDelivery(renamed, mayCreate, null, countRepeatsLater);
            }
            return refused[0] ? Optional.empty()
                    : Optional.of(new Recorded(repeated[0] != null ? repeated[0] : stored, created[0], changed[0]));
        }
    }

    /**
     * Counts {@code count} more deliveries of the alert set the report stores, the last at
     * {@code last}. False when the report is gone (retention deleted it since).
     */
    public boolean recordRepeats(String name, int count, java.time.Instant last) {
        synchronized (locks[Math.floorMod(name.hashCode(), locks.length)]) {
            return changeSpec(name, current -> current.map(c -> c.spec().withRepeats(count, last)).orElse(null),
                    null) != null;
        }
    }

    /**
     * One compare-and-swap of an existing report's spec (approvals: any replica may take one).
     * {@code change} sees the whole report as read (spec and status) and returns the new spec, or
     * null to write nothing; on a conflict the report is read again and {@code change} decides
     * again, so what it checked is what the write is based on. Empty when nothing was written.
     */
    public Optional<StoredReport> changeExistingSpec(String name, Function<Optional<StoredReport>, ReportSpec> change) {
        return Optional.ofNullable(changeSpec(name, current -> current.isEmpty() ? null : change.apply(current), null));
    }

    /**
     * Reads the report, writes the changed work item (creating the report when it is absent), and
     * on a conflict (AlreadyExists from a concurrent create, or a newer resourceVersion) reads again.
     *
     * @param believed what to start from instead of reading (see recordDelivery), or null
     */
    private StoredReport changeSpec(String name, Function<Optional<StoredReport>, ReportSpec> change,
                                    Optional<StoredReport> believed) {
        for (int attempt = 0; ; attempt++) {
            Optional<StoredReport> current = attempt == 0 && believed != null ? believed : get(name);
            ReportSpec item = change.apply(current);
            if (item == null) {
                return null;
            }
            if (item.alertsOmitted()) {
                // Built on a watch's copy without the alerts: writing it would drop them. Read the
                // whole report and change that instead.
                if (current == believed && believed != null) {
                    believed = null;
                    attempt--;
                    continue;
                }
                throw new IllegalStateException("report " + name + ": refusing to write a spec read without its alerts");
            }
            try {
                return current.isEmpty() ? reports().resource(object(item, null)).create().stored()
                        : writeSpec(current.get(), item);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= MAX_CONFLICT_RETRIES) {
                    throw e;
                }
            }
        }
    }

    private StoredReport writeSpec(StoredReport current, ReportSpec item) {
        return reports().resource(object(item, current.resourceVersion())).update().stored();
    }

    /**
     * Writes the status, bounded to the size limit. A conflict (the webhook counted a delivery in
     * the meantime) is retried on the newer object when its status is still the one this write was
     * based on: the status is the leader's alone, and the leader's loop checks that it still leads
     * before it calls this. A status written since is newer, and the conflict is thrown.
     */
    public StoredReport writeStatus(StoredReport current, ReportStatus status) {
        if (current.spec().alertsOmitted()) {
            // A cache's copy: the status's share of the limit is what the whole spec leaves, so a
            // status is written on the report as read by name.
            throw new IllegalStateException("report " + current.name() + ": a status is written on the whole report");
        }
        // The status gets what the spec leaves of the object's limit.
        boolean minimal = false;
        ReportStatus bounded = StatusBudget.fit(status, Math.max(MIN_STATUS_BYTES, maxObjectBytes - sizeOf(current.spec())),
                this::sizeOf);
        StoredReport base = current;
        for (int attempt = 0; ; attempt++) {
            RemediationReport object = object(base.spec(), base.resourceVersion());
            // `status.slack` is the notifier's: keep what is stored, whatever the pass started from.
            object.setStatus(bounded.withSlack(base.status() == null ? null : base.status().slack(),
                    base.status() == null ? null : base.status().ownerSlack()));
            try {
                return reports().resource(object).updateStatus().stored();
            } catch (KubernetesClientException e) {
                if (tooLarge(e) && !minimal) {
                    minimal = true;
                    // Retrying the same write cannot succeed, and leaving the report as it was would
                    // say nothing: store why instead (the measure missed what the API server counts).
                    log.error("report {}: the API server refused its status as too large ({}); storing a minimal"
                            + " status instead", current.name(), ApiErrors.describe(e));
                    bounded = bounded.minimal("The API server refused this pass's status as too large ("
                            + ApiErrors.describe(e) + "); only its counts and executed actions are stored. The"
                            + " service's log has the rest.");
                    attempt--;
                    continue;
                }
                if (e.getCode() != 409 || attempt >= MAX_CONFLICT_RETRIES) {
                    throw e;
                }
                StoredReport fresh = get(current.name()).orElseThrow(() -> e);
                // Only the spec (a delivery, an approval) or status.slack moved on: write again on the
                // newer object. A status written since this one was based on is newer: never overwrite it.
                if (!Objects.equals(withoutSlack(base.status()), withoutSlack(fresh.status()))) {
                    throw e;
                }
                base = fresh;
            }
        }
    }

    /** The API server's 413, or etcd's refusal of a request above its limit (passed on as a 500). */
    static boolean tooLarge(KubernetesClientException e) {
        return e.getCode() == 413 || String.valueOf(e.getMessage()).contains("request is too large");
    }

    private static ReportStatus withoutSlack(ReportStatus s) {
        return s == null ? null : s.withSlack(null);
    }

    /**
     * Stores the report's Slack message as a merge patch of `status.slack` alone: the rest of the
     * status is the pass's, and this never overwrites it (nor conflicts with it).
     */
    public void recordSlack(String name, SlackPost post) {
        reports().withName(name).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                client.getKubernetesSerialization().asJson(java.util.Map.of("status", java.util.Map.of("slack", post))));
    }

    /** One owner channel's message of the report (docs/owners.md): a merge patch of that one entry. */
    public void recordOwnerSlack(String name, String channel, SlackPost post) {
        reports().withName(name).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                client.getKubernetesSerialization().asJson(java.util.Map.of("status", java.util.Map.of("ownerSlack",
                        java.util.Map.of(channel, post)))));
    }

    public Optional<StoredReport> get(String name) {
        return Optional.ofNullable(reports().withName(name).get()).map(RemediationReport::stored);
    }

    /**
     * The report by name without its alerts (their count and digest stay), parsed as it arrives:
     * what pages, Slack and approvals read. No page shows the alerts, which can be half of a
     * report's megabyte; a spec read so is never written back ({@link ReportSpec#alertsOmitted}).
     */
    public Optional<StoredReport> read(String name) {
        return PrunedList.get(reports().withName(name), client, RemediationReport.class, WITHOUT_ALERTS)
                .map(RemediationReport::stored);
    }

    static final List<String> WITHOUT_ALERTS = List.of("spec.alerts", "spec.common");

    public Optional<Report> find(String name) {
        return read(name).map(StoredReport::report);
    }

    /**
     * Every stored report, read page by page, each without its alerts, VMI lists and planned actions
     * ({@link StoredEpisodes#NOT_NEEDED}, skipped while parsed): what retention needs. Memory stays
     * bounded by a page.
     */
    public List<StoredReport> all() {
        List<StoredReport> all = new ArrayList<>();
        forEach(all::add);
        return all;
    }

    private void forEach(java.util.function.Consumer<StoredReport> each) {
        // Parsed on this thread (the executor runs it in place): the caller waits for it anyway.
        // Neither the alerts, the VMI lists nor the plan's actions are built (retention and the
        // index read the spec's counts, the phase and the decisions' counts).
        PrunedList<RemediationReport, KubernetesResourceList<RemediationReport>> lists = PrunedList.omitting(
                reports(), client, RemediationReport.class, StoredEpisodes.NOT_NEEDED, Runnable::run);
        String next = null;
        do {
            KubernetesResourceList<RemediationReport> page;
            try {
                page = lists.submitList(new ListOptionsBuilder().withLimit(LIST_PAGE).withContinue(next).build()).join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof KubernetesClientException k ? k : e;
            }
            // Light already: the VMI lists were left out while the page was parsed.
            page.getItems().forEach(o -> each.accept(o.stored()));
            next = page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
    }

    /** The object without its alerts and the bulk of its status (the same object, changed in place: it is a copy from the API). */
    static RemediationReport light(RemediationReport object) {
        if (object.getSpec() != null) {
            object.setSpec(object.getSpec().withoutAlerts());
        }
        if (object.getStatus() != null) {
            object.setStatus(object.getStatus().forLeaderCache());
        }
        return object;
    }

    /** Newest first by the first delivery; only the summaries are kept while reading. */
    public List<ReportSummary> summaries() {
        List<ReportSummary> summaries = new ArrayList<>();
        forEach(r -> summaries.add(ReportSummary.of(r.report())));
        summaries.sort(Comparator.comparing(ReportSummary::receivedAt).reversed());
        return summaries;
    }

    public void delete(StoredReport report) {
        reports().withName(report.name()).delete();
    }

    private RemediationReport object(ReportSpec spec, String resourceVersion) {
        RemediationReport r = new RemediationReport();
        r.setMetadata(new ObjectMetaBuilder().withName(spec.id()).withNamespace(namespace)
                .withResourceVersion(resourceVersion)
                .addToLabels("app.kubernetes.io/managed-by", "kubevirt-remediator").build());
        r.setSpec(spec);
        return r;
    }

    /**
     * The largest spec (one delivery's alerts, as stored) a report takes: half the object, so the
     * status always has the other half. Intake refuses a larger delivery with 413.
     */
    public int maxSpecBytes() {
        return maxObjectBytes / 2;
    }

    /** The size of the work item as the report's `spec` stores it (JSON, as the API server gets it). */
    public int specBytes(ReportSpec item) {
        return sizeOf(item);
    }

    private static final int MIN_STATUS_BYTES = 16 * 1024;

    /**
     * Bytes as the API server stores it: fabric8's serialization (which leaves out null fields),
     * with what Go's JSON encoder escapes counted as it writes it: `<`, `>` and `&` as `\u003c`…
     * (six bytes for one), U+2028 and U+2029 likewise (redteam-2 D4: 300,000 `<` in one annotation
     * passed the check and then failed every write with "request is too large").
     */
    private int sizeOf(Object value) {
        return storedBytes(client.getKubernetesSerialization().asJson(value));
    }

    static int storedBytes(String json) {
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        for (int i = 0; i < json.length(); i++) {
            switch (json.charAt(i)) {
                case '<', '>', '&' -> bytes += 5;
                case '\u2028', '\u2029' -> bytes += 3; // three bytes of UTF-8 become six
                default -> { }
            }
        }
        return bytes;
    }

    private NonNamespaceOperation<RemediationReport, KubernetesResourceList<RemediationReport>, Resource<RemediationReport>> reports() {
        return client.resources(RemediationReport.class).inNamespace(namespace);
    }

}

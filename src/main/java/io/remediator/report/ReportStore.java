package io.remediator.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.remediator.remediation.PlannedAction;
import io.remediator.remediation.PassResult;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.RecommendedAction;
import io.remediator.webhook.WorkItem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Reports are RemediationReport objects in the Kubernetes API, so every replica serves the same
 * ones and a restarted process finds them all. The webhook writes `spec` (the work item), the
 * leader writes `status`; both with the object's resourceVersion, retrying on conflict, so neither
 * overwrites the other.
 */
public final class ReportStore {
    public static final ResourceDefinitionContext KIND = new ResourceDefinitionContext.Builder()
            .withGroup("kubevirt-remediator.io").withVersion("v1alpha1").withKind("RemediationReport")
            .withPlural("remediationreports").withNamespaced(true).build();
    private static final int MAX_CONFLICT_RETRIES = 50;
    /**
     * Reports per LIST page. A report may be close to 1 MB, and parsed it takes several times that:
     * two at a time keep a listing within a small heap, whatever the number of reports.
     */
    private static final long LIST_PAGE = 2;
    /** The bulk of a status, which no listing needs: read a report by name for it. */
    static final List<String> HEAVY_STATUS_FIELDS = List.of("outdatedVmis", "pendingLiveUpdateVmis");

    private final KubernetesClient client;
    private final String namespace;
    private final ObjectMapper json;
    private final int maxObjectBytes;
    /** Deliveries of one episode on this replica wait for each other instead of conflicting. */
    private final Object[] locks = new Object[64];

    public ReportStore(KubernetesClient client, String namespace, ObjectMapper json, int maxObjectBytes) {
        this.client = client;
        this.namespace = namespace;
        // A newer version may have written fields this one does not know: keep reading its reports.
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.maxObjectBytes = maxObjectBytes;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    public String namespace() {
        return namespace;
    }

    /**
     * Records one delivery durably: creates the episode's report, or counts one more delivery on
     * the existing one. Returns only once the API server stored it.
     *
     * @throws KubernetesClientException when the API server did not store it
     */
    public StoredReport recordDelivery(WorkItem delivery) {
        return recordDelivery(delivery, () -> true).orElseThrow();
    }

    /**
     * The same, when a new report is allowed only while {@code mayCreate} says so: empty when this
     * delivery would start a new report and may not (a repeat of a stored episode always counts).
     */
    public Optional<StoredReport> recordDelivery(WorkItem delivery, BooleanSupplier mayCreate) {
        synchronized (locks[Math.floorMod(delivery.id().hashCode(), locks.length)]) {
            boolean[] refused = {false};
            StoredReport stored = changeSpec(delivery.id(), current -> {
                if (current.isPresent()) {
                    return current.get().item().withDelivery(delivery);
                }
                if (!mayCreate.getAsBoolean()) {
                    refused[0] = true;
                    return null;
                }
                return delivery;
            });
            return refused[0] ? Optional.empty() : Optional.of(stored);
        }
    }

    /** Adds approvals to the report's work item (any replica may take an approval). */
    public StoredReport approve(String name, Set<String> entries, WorkItem.ApprovalGiven given) {
        return changeSpec(name, current -> current.orElseThrow(
                () -> new KubernetesClientException("report " + name + " is gone", 404, null)).item()
                .withApproved(entries, given));
    }

    /**
     * Reads the report, writes the changed work item (creating the report when it is absent), and
     * on a conflict (AlreadyExists from a concurrent create, or a newer resourceVersion) reads again.
     */
    private StoredReport changeSpec(String name, Function<Optional<StoredReport>, WorkItem> change) {
        for (int attempt = 0; ; attempt++) {
            Optional<StoredReport> current = get(name);
            WorkItem item = change.apply(current);
            if (item == null) {
                return null;
            }
            try {
                return current.isEmpty() ? read(reports().resource(object(item, null)).create())
                        : writeSpec(current.get(), item);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= MAX_CONFLICT_RETRIES) {
                    throw e;
                }
            }
        }
    }

    private StoredReport writeSpec(StoredReport current, WorkItem item) {
        return read(reports().resource(object(item, current.resourceVersion())).update());
    }

    /**
     * Writes the status, bounded to the size limit. A conflict (the webhook counted a delivery in
     * the meantime) is retried on the newer object: the status is the leader's alone, and the
     * leader's loop checks that it still leads before it calls this.
     */
    public StoredReport writeStatus(StoredReport current, ReportStatus status) {
        // The status gets what the spec leaves of the object's limit.
        ReportStatus bounded = bounded(status, Math.max(MIN_STATUS_BYTES, maxObjectBytes - sizeOf(current.item())));
        StoredReport base = current;
        for (int attempt = 0; ; attempt++) {
            GenericKubernetesResource object = object(base.item(), base.resourceVersion());
            object.getAdditionalProperties().put("status", json.convertValue(bounded, MAP));
            try {
                return read(reports().resource(object).updateStatus());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= MAX_CONFLICT_RETRIES) {
                    throw e;
                }
                base = get(current.name()).orElseThrow(() -> e);
            }
        }
    }

    public Optional<StoredReport> get(String name) {
        return Optional.ofNullable(reports().withName(name).get()).map(this::read);
    }

    public Optional<Report> find(String name) {
        return get(name).map(StoredReport::report);
    }

    /**
     * Every stored report, read page by page, each without its VMI lists ({@link #HEAVY_STATUS_FIELDS}):
     * what retention, the index and a new leader's ledger need. Memory stays bounded by a page.
     */
    public List<StoredReport> all() {
        List<StoredReport> all = new ArrayList<>();
        forEach(all::add);
        return all;
    }

    private void forEach(java.util.function.Consumer<StoredReport> each) {
        String next = null;
        do {
            GenericKubernetesResourceList page = reports().list(new ListOptionsBuilder().withLimit(LIST_PAGE)
                    .withContinue(next).build());
            page.getItems().forEach(o -> each.accept(read(light(o))));
            next = page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
    }

    /** The object without the bulk of its status (the same object, changed in place: it is a copy from the API). */
    public static GenericKubernetesResource light(GenericKubernetesResource object) {
        if (object.getAdditionalProperties().get("status") instanceof Map<?, ?> status) {
            HEAVY_STATUS_FIELDS.forEach(status::remove);
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

    public StoredReport read(GenericKubernetesResource object) {
        Object status = object.getAdditionalProperties().get("status");
        return new StoredReport(object.getMetadata().getResourceVersion(), item(object),
                status == null ? null : json.convertValue(status, ReportStatus.class));
    }

    /** Only the work item: cheap, where a status of thousands of VMIs need not be read. */
    public WorkItem item(GenericKubernetesResource object) {
        return json.convertValue(object.getAdditionalProperties().get("spec"), WorkItem.class);
    }

    private GenericKubernetesResource object(WorkItem item, String resourceVersion) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(KIND.getGroup() + "/" + KIND.getVersion()).withKind(KIND.getKind())
                .withNewMetadata().withName(item.id()).withNamespace(namespace).withResourceVersion(resourceVersion)
                .addToLabels("app.kubernetes.io/managed-by", "kubevirt-remediator")
                .endMetadata()
                .addToAdditionalProperties("spec", json.convertValue(item, MAP))
                .build();
    }

    /**
     * A status too large for one object keeps its summary, the most disruptive VMIs and the
     * executed actions first, and says how many it left out: storing must never fail for size.
     */
    ReportStatus bounded(ReportStatus status) {
        return bounded(status, maxObjectBytes);
    }

    /**
     * The largest spec (one delivery's alerts, as stored) a report takes: half the object, so the
     * status always has the other half. Intake refuses a larger delivery with 413.
     */
    public int maxSpecBytes() {
        return maxObjectBytes / 2;
    }

    /** The size of the work item as the report's `spec` stores it (JSON, as the API server gets it). */
    public int specBytes(WorkItem item) {
        return sizeOf(json.convertValue(item, MAP));
    }

    private static final int MIN_STATUS_BYTES = 16 * 1024;

    ReportStatus bounded(ReportStatus status, int maxBytes) {
        int size = sizeOf(status);
        if (size <= maxBytes) {
            return status;
        }
        List<OutdatedVmi> vmis = status.outdatedVmis().stream()
                .sorted(Comparator.comparing((OutdatedVmi v) -> RecommendedAction.BY_SEVERITY.indexOf(v.recommendedAction())))
                .toList();
        PassResult r = status.remediation();
        List<PlannedAction> actions = r == null ? List.of() : r.actions().stream()
                .sorted(Comparator.comparing((PlannedAction a) -> a.result() == null ? 1 : 0)).toList();
        int keepVmis = vmis.size();
        int keepActions = actions.size();
        // Cut whichever list takes more room, so a huge action list does not crowd out every VMI.
        double bytesPerVmi = (double) sizeOf(vmis) / Math.max(1, vmis.size());
        double bytesPerAction = (double) sizeOf(actions) / Math.max(1, actions.size());
        ReportStatus candidate = status;
        while (size > maxBytes && (keepVmis > 0 || keepActions > 0)) {
            if (keepVmis > 0 && (keepVmis * bytesPerVmi >= keepActions * bytesPerAction || keepActions == 0)) {
                keepVmis /= 2;
            } else {
                keepActions /= 2;
            }
            candidate = status.bounded(vmis.subList(0, keepVmis), vmis.size() - keepVmis,
                    r == null ? null : r.withActions(actions.subList(0, keepActions)), actions.size() - keepActions);
            size = sizeOf(candidate);
        }
        return candidate;
    }

    private int sizeOf(Object value) {
        try {
            return json.writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report status must serialize", e);
        }
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> reports() {
        return client.genericKubernetesResources(KIND).inNamespace(namespace);
    }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
}

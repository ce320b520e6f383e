package io.remediator.rollout;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rollout records: RemediationReports that no alert created, labelled
 * `kubevirt-remediator.io/record: rollout`, listed with the reports (`kubectl get remediationreports`).
 * Their spec has the fields every report has (alertname `KubeVirtRollout`, which no runbook
 * takes, so no delivery ever lands in one) and `source`; their status `phase` and `rollout`. The
 * leader writes them; everyone reads them. Written as merge patches of exactly those fields.
 */
public final class RolloutRecords {
    public static final String LABEL = "kubevirt-remediator.io/record";

    /** One record as read. */
    public record Record(String id, Instant createdAt, RolloutSource source, RolloutStatus status) {}

    /** How the rollout package stores its records (ISO times, unknown fields ignored): also {@link FailureWindows}'. */
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final KubernetesClient client;
    private final String namespace;

    public RolloutRecords(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Newest first by the rollout's start (else the record's creation). */
    public List<Record> all() {
        return client.genericKubernetesResources(ReportStore.KIND).inNamespace(namespace).withLabel(LABEL, "rollout")
                .list().getItems().stream().map(RolloutRecords::record)
                .sorted(Comparator.comparing((Record r) -> r.source().startedAt() != null ? r.source().startedAt()
                        : r.createdAt(), Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
                .toList();
    }

    public Optional<Record> get(String id) {
        GenericKubernetesResource r = client.genericKubernetesResources(ReportStore.KIND).inNamespace(namespace)
                .withName(id).get();
        return r == null || r.getMetadata().getLabels() == null || !"rollout".equals(r.getMetadata().getLabels().get(LABEL))
                ? Optional.empty() : Optional.of(record(r));
    }

    /** Creates the record, or reads the one another leader created first (409). */
    public Record create(RolloutSource source) {
        Map<String, Object> spec = new LinkedHashMap<>();
        Instant at = source.startedAt() != null ? source.startedAt() : source.controlPlaneCompletedAt();
        spec.put("id", source.recordName());
        spec.put("alertname", RolloutSource.KIND);
        spec.put("groupKey", "rollout:" + source.kubevirt());
        spec.put("episode", source.toDeploymentID());
        spec.put("status", "firing");
        spec.put("deliveries", 1);
        spec.put("receivedAt", at);
        spec.put("lastDeliveryAt", at);
        spec.put("source", source);
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(ReportStore.KIND.getGroup() + "/" + ReportStore.KIND.getVersion());
        r.setKind(ReportStore.KIND.getKind());
        r.setMetadata(new ObjectMetaBuilder().withName(source.recordName()).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "kubevirt-remediator").addToLabels(LABEL, "rollout").build());
        r.setAdditionalProperty("spec", JSON.convertValue(spec, Map.class));
        try {
            return record(client.genericKubernetesResources(ReportStore.KIND).inNamespace(namespace).resource(r).create());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return get(source.recordName()).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /** The report through which a rollout acts (`rollout.act: true`): the record's name and `-act`. */
    public static String actingReportName(String rolloutId) {
        return rolloutId + "-act";
    }

    /** The label naming the rollout an acting report belongs to. */
    public static final String ROLLOUT_LABEL = "kubevirt-remediator.io/rollout";

    /**
     * Creates the report through which this rollout acts, unless it exists: a RemediationReport of
     * the outdated-workloads alert that no alert created, so it gets the runbook's passes, plan,
     * approvals and Slack message like any other. Its episode opens at T0 and resolves when the
     * rollout ends ({@link #resolveActingReport}); its group key `rollout:<kubevirt>` is never
     * Alertmanager's (theirs are `{…}:{…}`).
     */
    public void ensureActingReport(Record rollout, String alertname) {
        String name = actingReportName(rollout.id());
        Instant at = rollout.source().controlPlaneCompletedAt();
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("alertname", alertname);
        labels.put("severity", "warning");
        labels.put(ROLLOUT_LABEL, rollout.id());
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("status", "firing");
        alert.put("labels", labels);
        alert.put("annotations", Map.of("summary", "KubeVirt " + rollout.source().toVersion() + " rollout "
                + rollout.id() + ": the rollout acts on the outdated VMIs (rollout.act: true)"));
        alert.put("startsAt", at);
        alert.put("fingerprint", rollout.source().toDeploymentID());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("id", name);
        spec.put("alertname", alertname);
        spec.put("groupKey", "rollout:" + rollout.source().kubevirt());
        spec.put("episode", rollout.source().toDeploymentID());
        spec.put("status", "firing");
        spec.put("deliveries", 1);
        spec.put("receivedAt", at);
        spec.put("lastDeliveryAt", at);
        spec.put("receiver", "rollout");
        spec.put("alerts", List.of(alert));
        spec.put("alertSet", 1);
        spec.put("alertCount", 1);
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(ReportStore.KIND.getGroup() + "/" + ReportStore.KIND.getVersion());
        r.setKind(ReportStore.KIND.getKind());
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "kubevirt-remediator").addToLabels(ROLLOUT_LABEL, rollout.id())
                .build());
        r.setAdditionalProperty("spec", JSON.convertValue(spec, Map.class));
        try {
            client.genericKubernetesResources(ReportStore.KIND).inNamespace(namespace).resource(r).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** The rollout ended: its acting report's episode resolves, and its next look closes it. */
    public void resolveActingReport(String rolloutId, Instant at) {
        var resource = client.genericKubernetesResources(ReportStore.KIND).inNamespace(namespace)
                .withName(actingReportName(rolloutId));
        GenericKubernetesResource found = resource.get();
        if (found == null || !(found.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)
                || "resolved".equals(spec.get("status"))) {
            return;
        }
        try {
            resource.patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(Map.of("spec",
                    Map.of("status", "resolved", "lastDeliveryAt", at))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stores T0 in `spec.source`, once: it is never recomputed afterwards. */
    public void storeControlPlaneCompleted(String id, RolloutSource completed) {
        patch(id, false, Map.of("spec", Map.of("source", JSON.convertValue(completed, Map.class))));
    }

    public void writeStatus(String id, RolloutStatus status) {
        writeStatus(id, null, status);
    }

    /**
     * @param before the status stored now, or null: a namespace whose share it had and {@code status}
     *               has not is removed with an explicit null (a merge patch keeps every key it is not told to drop)
     */
    public void writeStatus(String id, RolloutStatus before, RolloutStatus status) {
        writeStatus(id, before, status, true);
    }

    /**
     * Writes only what changed against {@code before} (a merge patch leaves every key it does not
     * name as stored): at 10,000 VMIs the record's VMI lists and its history are most of its bytes,
     * and a look during a burn-down changes a count or two.
     *
     * @param withHistory whether {@code status}'s history is sent whole (true), or the stored one left
     *                    as it is (the caller sends it at most every few seconds, and knows whether
     *                    the stored one lacks samples: {@code before}, its own view, may not)
     */
    @SuppressWarnings("unchecked")
    public void writeStatus(String id, RolloutStatus before, RolloutStatus status, boolean withHistory) {
        ReportPhase phase = status.stage().terminal() ? ReportPhase.Closed : ReportPhase.Waiting;
        Map<String, Object> rollout = JSON.convertValue(status, Map.class);
        if (before != null && !before.namespaces().isEmpty()) {
            Map<String, Object> shares = new java.util.HashMap<>((Map<String, Object>) rollout.getOrDefault("namespaces", Map.of()));
            before.namespaces().keySet().stream().filter(ns -> !status.namespaces().containsKey(ns))
                    .forEach(ns -> shares.put(ns, null));
            rollout.put("namespaces", shares);
        }
        if (before != null) {
            Map<String, Object> stored = JSON.convertValue(before, Map.class);
            // The history is the caller's to send (withHistory): what it holds back is not in `before`'s stored form.
            rollout.entrySet().removeIf(e -> !"namespaces".equals(e.getKey()) && !"history".equals(e.getKey())
                    && stored.containsKey(e.getKey()) && java.util.Objects.equals(stored.get(e.getKey()), e.getValue()));
        }
        if (!withHistory) {
            rollout.remove("history");
        }
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("phase", phase.name());
        body.put("rollout", rollout);
        patch(id, true, Map.of("status", body));
    }

    private void patch(String id, boolean status, Map<String, Object> body) {
        var resource = client.genericKubernetesResources(ReportStore.KIND).inNamespace(namespace).withName(id);
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (status) {
            resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), json);
        } else {
            resource.patch(PatchContext.of(PatchType.JSON_MERGE), json);
        }
    }

    private static Record record(GenericKubernetesResource r) {
        Object spec = r.getAdditionalProperties().get("spec");
        Object status = r.getAdditionalProperties().get("status");
        RolloutSource source = spec instanceof Map<?, ?> m && m.get("source") != null
                ? JSON.convertValue(m.get("source"), RolloutSource.class) : null;
        RolloutStatus rollout = status instanceof Map<?, ?> m && m.get("rollout") != null
                ? JSON.convertValue(m.get("rollout"), RolloutStatus.class) : null;
        Instant created = r.getMetadata().getCreationTimestamp() == null ? null
                : Instant.parse(r.getMetadata().getCreationTimestamp());
        return new Record(r.getMetadata().getName(), created, source, rollout);
    }
}

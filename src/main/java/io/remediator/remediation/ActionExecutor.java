package io.remediator.remediation;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.kubevirt.KubeVirtResources;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every write the service makes goes through here, first with `dryRun=All` (the API server runs
 * admission, RBAC and validation but stores nothing), then for real when the plan says so. Each
 * answers with a {@link WriteOutcome}; the client's exceptions are turned into one here, once.
 */
public final class ActionExecutor {
    private static final Logger log = LoggerFactory.getLogger(ActionExecutor.class);

    private final KubernetesClient client;
    private final List<String> enableMethods;
    private final Clock clock;
    private final PodEviction eviction;
    private final VmLifecycle lifecycle;

    public ActionExecutor(KubernetesClient client, List<String> enableMethods, Clock clock) {
        this.client = client;
        this.enableMethods = List.copyOf(enableMethods);
        this.clock = clock;
        this.eviction = new PodEviction(client);
        this.lifecycle = new VmLifecycle(client, clock);
    }

    public WriteOutcome dryRun(PlannedAction p) {
        return perform(p, true);
    }

    public WriteOutcome execute(PlannedAction p, String reportId) {
        WriteOutcome outcome = perform(p, false);
        if (outcome instanceof WriteOutcome.Done) {
            recordEvent(p, reportId);
        }
        return outcome;
    }

    private WriteOutcome perform(PlannedAction p, boolean dryRun) {
        try {
            return switch (p.action()) {
                case EVICT -> eviction.evict(p.namespace(), p.objectName(), dryRun);
                case LIVE_MIGRATE -> migrate(p, dryRun);
                case RESTART -> lifecycle.restart(p, dryRun);
                case STOP -> lifecycle.stop(p, dryRun);
                case ENABLE_WORKLOAD_UPDATES -> enableWorkloadUpdates(p, dryRun);
                case PAUSE_WORKLOAD_UPDATES -> pause(p, dryRun);
                case CANCEL_UPDATER_MIGRATIONS -> cancelUpdaterMigrations(p, dryRun);
                case RESUME_WORKLOAD_UPDATES -> resume(p, dryRun);
                case PATCH_EVICTION_STRATEGY -> patchEvictionStrategy(p, dryRun);
                case EVACUATE_CANCEL -> lifecycle.evacuateCancel(p, dryRun);
            };
        } catch (KubernetesClientException e) {
            return WriteOutcome.of(e);
        }
    }

    /** A VirtualMachineInstanceMigration under the plan's deterministic name: a repeat gets 409, not a second one. */
    private WriteOutcome migrate(PlannedAction p, boolean dryRun) {
        GenericKubernetesResource m = new GenericKubernetesResourceBuilder()
                .withApiVersion(KubeVirtResources.GROUP + "/" + KubeVirtResources.VERSION)
                .withKind("VirtualMachineInstanceMigration")
                .withNewMetadata().withNamespace(p.namespace()).withName(p.objectName())
                .addToLabels(KubeVirtResources.MANAGED_BY_LABEL, KubeVirtResources.MANAGED_BY_VALUE)
                .addToLabels("kubevirt.io/vmi-name", p.vmi())
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("vmiName", p.vmi())))
                .build();
        try {
            client.genericKubernetesResources(KubeVirtResources.MIGRATION).inNamespace(p.namespace())
                    .resource(m).dryRun(dryRun).create();
            return new WriteOutcome.Done(null);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return new WriteOutcome.AlreadyDone("migration " + p.objectName() + " already exists: created by an"
                        + " earlier pass for this alert");
            }
            throw e;
        }
    }

    /**
     * The VM template's eviction strategy, by a JSON merge patch that carries the resourceVersion
     * the VM was diagnosed at: the API server answers 409 when the VM changed since, and the next
     * pass diagnoses it again instead of writing over someone's edit. Never the VMI, whose spec
     * KubeVirt refuses to change ("update of VMI object is restricted", vmi-update-admitter.go:100-116).
     */
    private WriteOutcome patchEvictionStrategy(PlannedAction p, boolean dryRun) {
        var change = p.change();
        if (change == null || change.resourceVersion() == null || !"VirtualMachine".equals(p.object().kind())) {
            return new WriteOutcome.Refused(422, "no template change was diagnosed for " + p.object());
        }
        Map<String, Object> patch = Map.of("metadata", Map.of("resourceVersion", change.resourceVersion()),
                "spec", Map.of("template", Map.of("spec", Map.of("evictionStrategy", change.value()))));
        client.genericKubernetesResources(KubeVirtResources.VM).inNamespace(p.object().namespace())
                .withName(p.object().name()).dryRun(dryRun).patch(PatchContext.of(PatchType.JSON_MERGE), json(patch));
        return new WriteOutcome.Done("takes effect when the VM restarts (KubeVirt sets RestartRequired)");
    }

    /** Under HCO the plan targets the HyperConverged: HCO reverts an edit of the KubeVirt CR. */
    private WriteOutcome enableWorkloadUpdates(PlannedAction p, boolean dryRun) {
        var resource = setting(p.object());
        // What is on now stays on: an Evict-only cluster gets LiveMigrate added, not Evict removed.
        GenericKubernetesResource current = resource.get();
        if (current == null) {
            return new WriteOutcome.Refused(404, p.object() + " no longer exists");
        }
        List<String> methods = UpdaterPause.methods(current);
        List<String> wanted = new java.util.ArrayList<>(methods);
        enableMethods.stream().filter(m -> !wanted.contains(m)).forEach(wanted::add);
        if (wanted.equals(methods)) {
            return new WriteOutcome.AlreadyDone("workloadUpdateMethods already " + methods);
        }
        Map<String, Object> patch = Map.of("spec", Map.of("workloadUpdateStrategy",
                Map.of("workloadUpdateMethods", wanted)));
        resource.dryRun(dryRun).patch(PatchContext.of(PatchType.JSON_MERGE), client.getKubernetesSerialization().asJson(patch));
        return new WriteOutcome.Done(null);
    }

    /** The object that sets KubeVirt's updater: the HyperConverged under HCO, else the KubeVirt CR. */
    private io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> setting(Target target) {
        boolean hco = "HyperConverged".equals(target.kind());
        return client.genericKubernetesResources(hco ? KubeVirtResources.HYPERCONVERGED : KubeVirtResources.KUBEVIRT)
                .inNamespace(target.namespace()).withName(target.name());
    }

    private String json(Object o) {
        return client.getKubernetesSerialization().asJson(o);
    }

    /**
     * The methods a pause recorded on the setting's object, or null when it carries no pause: read
     * when a pass considers resuming (one GET, only while the methods are empty).
     */
    public List<String> pausedFrom(Target target) {
        GenericKubernetesResource r = setting(target).get();
        String recorded = r == null || r.getMetadata().getAnnotations() == null ? null
                : r.getMetadata().getAnnotations().get(RemediationPlanner.PAUSED_ANNOTATION);
        if (recorded == null) {
            return null;
        }
        try {
            return List.of(client.getKubernetesSerialization().unmarshal(recorded, String[].class));
        } catch (RuntimeException e) {
            return null; // not what a pause writes: nothing to resume into
        }
    }

    /**
     * Empties the methods with the object's resourceVersion as a precondition (a change since the
     * read is a 409, not an overwrite), recording what it found in the annotation the resume reads.
     */
    private WriteOutcome pause(PlannedAction p, boolean dryRun) {
        var resource = setting(p.object());
        GenericKubernetesResource current = resource.get();
        if (current == null) {
            return new WriteOutcome.Refused(404, p.object() + " no longer exists");
        }
        List<String> previous = UpdaterPause.methods(current);
        if (previous.isEmpty()) {
            return new WriteOutcome.AlreadyDone("workloadUpdateMethods already empty: KubeVirt's updater is paused");
        }
        Map<String, Object> patch = UpdaterPause.pause(current.getMetadata().getResourceVersion(), json(previous));
        resource.dryRun(dryRun).patch(PatchContext.of(PatchType.JSON_MERGE), json(patch));
        return new WriteOutcome.Done("paused: workloadUpdateMethods were " + previous + " (kept in "
                + RemediationPlanner.PAUSED_ANNOTATION + " on " + p.object() + ")");
    }

    private static final java.util.Set<String> BEFORE_HAND_OFF = java.util.Set.of("", "Pending", "Scheduling", "Scheduled");

    /**
     * Deletes the updater's migrations (annotation kubevirt.io/workloadUpdateMigration) that have
     * not reached a target: the source keeps running and nothing is aborted mid-flight (what
     * `virtctl migrate-cancel` does, one by one). Never this service's, an evacuation's or a user's.
     */
    private WriteOutcome cancelUpdaterMigrations(PlannedAction p, boolean dryRun) {
        List<GenericKubernetesResource> queued = queued();
        if (queued.isEmpty()) {
            return new WriteOutcome.AlreadyDone("no migration of KubeVirt's updater is queued");
        }
        List<String> deleted = new java.util.ArrayList<>();
        for (GenericKubernetesResource m : queued) {
            try {
                client.genericKubernetesResources(KubeVirtResources.MIGRATION).inNamespace(m.getMetadata().getNamespace())
                        .withName(m.getMetadata().getName()).dryRun(dryRun).delete();
                deleted.add(m.getMetadata().getNamespace() + "/" + m.getMetadata().getName());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
        return new WriteOutcome.Done("canceled " + deleted.size() + " queued migration(s) of KubeVirt's updater: "
                + String.join(", ", deleted.stream().limit(20).toList()) + (deleted.size() > 20 ? ", …" : "")
                + " (one with a finalizer keeps its deletionTimestamp until KubeVirt finishes it)");
    }

    /** The updater's queued migrations a cancel would delete now (ns/name): one LIST, only while a signature is systemic. */
    public List<String> queuedUpdaterMigrations() {
        return queued().stream().map(m -> m.getMetadata().getNamespace() + "/" + m.getMetadata().getName()).sorted().toList();
    }

    private List<GenericKubernetesResource> queued() {
        return client.genericKubernetesResources(KubeVirtResources.MIGRATION).inAnyNamespace().list().getItems().stream()
                .filter(ActionExecutor::queuedByUpdater).toList();
    }

    /** A migration KubeVirt's updater queued that has not reached a target (what a cancel deletes). */
    public static boolean queuedByUpdater(GenericKubernetesResource m) {
        var annotations = m.getMetadata().getAnnotations();
        Object phase = m.get("status", "phase");
        return annotations != null && annotations.containsKey(KubeVirtResources.WORKLOAD_UPDATE_ANNOTATION)
                && m.getMetadata().getDeletionTimestamp() == null
                && BEFORE_HAND_OFF.contains(phase == null ? "" : String.valueOf(phase));
    }

    /** Restores exactly the recorded methods; refuses, showing both, when someone changed them meanwhile. */
    private WriteOutcome resume(PlannedAction p, boolean dryRun) {
        var resource = setting(p.object());
        GenericKubernetesResource current = resource.get();
        if (current == null) {
            return new WriteOutcome.Refused(404, p.object() + " no longer exists");
        }
        List<String> recorded = pausedFrom(p.object());
        if (recorded == null) {
            return new WriteOutcome.Refused(409, p.object() + " carries no " + RemediationPlanner.PAUSED_ANNOTATION
                    + ": nothing recorded to resume into");
        }
        List<String> now = UpdaterPause.methods(current);
        if (!now.isEmpty()) {
            return new WriteOutcome.Refused(409, "someone changed workloadUpdateMethods meanwhile: now " + now
                    + ", the pause recorded " + recorded + "; left as it is");
        }
        Map<String, Object> patch = UpdaterPause.resume(current.getMetadata().getResourceVersion(), recorded);
        resource.dryRun(dryRun).patch(PatchContext.of(PatchType.JSON_MERGE), json(patch));
        return new WriteOutcome.Done("resumed: workloadUpdateMethods " + recorded);
    }

    /** The audit trail in the cluster: `kubectl describe vmi` shows who did what, under which rule. */
    private void recordEvent(PlannedAction p, String reportId) {
        if (p.vmi() == null && !p.action().onKubeVirt()) {
            return;
        }
        boolean onKubeVirt = p.action().onKubeVirt();
        String configKind = p.object().kind();
        event(p.namespace(), onKubeVirt && "HyperConverged".equals(configKind)
                        ? KubeVirtResources.HYPERCONVERGED.getGroup() + "/" + KubeVirtResources.HYPERCONVERGED.getVersion()
                        : KubeVirtResources.GROUP + "/" + KubeVirtResources.VERSION,
                onKubeVirt ? configKind : "VirtualMachineInstance", onKubeVirt ? p.objectName() : p.vmi(),
                "Remediator" + camel(p.action()), p.action() + " on " + p.object() + " by kubevirt-remediator ("
                        + (p.decision() == Decision.APPROVED ? p.why() : p.rule()) + "), report " + reportId, "Normal",
                p.key());
    }

    /** One Event on an object in {@code namespace} (its own namespace: the API server wants them to match). Best effort. */
    private void event(String namespace, String apiVersion, String kind, String name, String reason, String message,
                       String type, String what) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName("kubevirt-remediator-").withNamespace(namespace).endMetadata()
                    .withNewInvolvedObject().withApiVersion(apiVersion).withKind(kind).withNamespace(namespace)
                    .withName(name).endInvolvedObject()
                    .withReason(reason).withMessage(message).withType(type)
                    .withNewSource().withComponent("kubevirt-remediator").endSource()
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            log.warn("could not record the event for {}: {}", what, ApiErrors.describe(e));
        }
    }

    /**
     * A Warning Event on a Namespace (an invalid `kubevirt-remediator/*` annotation, docs/owners.md):
     * in the namespace itself, where its owners look (`kubectl get events -n <ns>`). Best effort.
     */
    public void namespaceWarning(String namespace, String reason, String message) {
        event(namespace, "v1", "Namespace", namespace, reason, message, "Warning", "namespace " + namespace);
    }

    /** A Warning Event on a VMI (`kubectl describe vmi` shows it). Best effort, like every Event. */
    public void vmiWarning(String namespace, String vmi, String reason, String message) {
        event(namespace, KubeVirtResources.GROUP + "/" + KubeVirtResources.VERSION, "VirtualMachineInstance", vmi, reason,
                message.length() > 1000 ? message.substring(0, 999) + "…" : message, "Warning", "VMI " + namespace + "/" + vmi);
    }

    private static String camel(Action a) {
        StringBuilder out = new StringBuilder();
        for (String part : a.name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}

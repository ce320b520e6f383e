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

    /** Under HCO the plan targets the HyperConverged: HCO reverts an edit of the KubeVirt CR. */
    private WriteOutcome enableWorkloadUpdates(PlannedAction p, boolean dryRun) {
        boolean hco = "HyperConverged".equals(p.object().kind());
        var resource = client.genericKubernetesResources(hco ? KubeVirtResources.HYPERCONVERGED : KubeVirtResources.KUBEVIRT)
                .inNamespace(p.namespace()).withName(p.objectName());
        // What is on now stays on: an Evict-only cluster gets LiveMigrate added, not Evict removed.
        GenericKubernetesResource current = resource.get();
        if (current == null) {
            return new WriteOutcome.Refused(404, p.object() + " no longer exists");
        }
        Object now = current.get("spec", "workloadUpdateStrategy", "workloadUpdateMethods");
        List<String> methods = new java.util.ArrayList<>();
        if (now instanceof List<?> l) {
            l.forEach(m -> methods.add(String.valueOf(m)));
        }
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

    /** The audit trail in the cluster: `kubectl describe vmi` shows who did what, under which rule. */
    private void recordEvent(PlannedAction p, String reportId) {
        if (p.vmi() == null && p.action() != Action.ENABLE_WORKLOAD_UPDATES) {
            return;
        }
        boolean onKubeVirt = p.action() == Action.ENABLE_WORKLOAD_UPDATES;
        String configKind = p.object().kind();
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        try {
            client.v1().events().inNamespace(p.namespace()).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName("kubevirt-remediator-").withNamespace(p.namespace()).endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(onKubeVirt && "HyperConverged".equals(configKind)
                            ? KubeVirtResources.HYPERCONVERGED.getGroup() + "/" + KubeVirtResources.HYPERCONVERGED.getVersion()
                            : KubeVirtResources.GROUP + "/" + KubeVirtResources.VERSION)
                    .withKind(onKubeVirt ? configKind : "VirtualMachineInstance")
                    .withNamespace(p.namespace())
                    .withName(onKubeVirt ? p.objectName() : p.vmi())
                    .endInvolvedObject()
                    .withReason("Remediator" + camel(p.action()))
                    .withMessage(p.action() + " on " + p.object() + " by kubevirt-remediator ("
                            + (p.decision() == Decision.APPROVED ? p.why() : p.rule()) + "), report " + reportId)
                    .withType("Normal")
                    .withNewSource().withComponent("kubevirt-remediator").endSource()
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            log.warn("could not record the event for {}: {}", p.key(), ApiErrors.describe(e));
        }
    }

    private static String camel(Action a) {
        StringBuilder out = new StringBuilder();
        for (String part : a.name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}

package io.remediator.remediation;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.kubevirt.VirtualMachine;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every write the service makes goes through here, first with `dryRun=All` (the API server runs
 * admission, RBAC and validation but stores nothing), then for real when the plan says so.
 */
public final class ActionExecutor {
    private static final Logger log = LoggerFactory.getLogger(ActionExecutor.class);
    /** The name KubeVirt's virt-api registers its pods/eviction admission webhook under. */
    static final String KUBEVIRT_INTERCEPTOR = "virt-launcher-eviction-interceptor.kubevirt.io";

    private final KubernetesClient client;
    private final List<String> enableMethods;
    private final Clock clock;
    private volatile String policyVersion;

    public ActionExecutor(KubernetesClient client, List<String> enableMethods, Clock clock) {
        this.client = client;
        this.enableMethods = List.copyOf(enableMethods);
        this.clock = clock;
    }

    public PlannedAction.DryRun dryRun(PlannedAction p) {
        try {
            Performed done = perform(p, true);
            return new PlannedAction.DryRun(true, null, done.already() != null ? done.already() : done.note());
        } catch (KubernetesClientException e) {
            return new PlannedAction.DryRun(false, e.getCode() == 0 ? null : e.getCode(), ApiErrors.describe(e));
        }
    }

    public PlannedAction.Result execute(PlannedAction p, String reportId) {
        try {
            Performed done = perform(p, false);
            if (done.already() != null) {
                return new PlannedAction.Result("already-done", done.already());
            }
            recordEvent(p, reportId);
            return new PlannedAction.Result("done", done.note());
        } catch (KubernetesClientException e) {
            return new PlannedAction.Result("failed", ApiErrors.describe(e));
        }
    }

    /**
     * What a write came to when it was not refused.
     *
     * @param already why nothing needed writing (409 on our own name, the VMI no longer outdated), or null
     * @param note    what KubeVirt said it does about it (e.g. an eviction that started an evacuation), or null
     */
    private record Performed(String already, String note) {
        static final Performed WRITTEN = new Performed(null, null);

        static Performed already(String why) {
            return why == null ? WRITTEN : new Performed(why, null);
        }
    }

    private Performed perform(PlannedAction p, boolean dryRun) {
        return switch (p.action()) {
            case EVICT -> evict(p.namespace(), p.objectName(), dryRun);
            default -> Performed.already(write(p, dryRun));
        };
    }

    /** @return null when the write was accepted, or why it was already done (409 on our own name) */
    private String write(PlannedAction p, boolean dryRun) {
        String name = p.objectName();
        switch (p.action()) {
            case LIVE_MIGRATE -> {
                GenericKubernetesResource m = new GenericKubernetesResourceBuilder()
                        .withApiVersion(KubeVirtResources.GROUP + "/" + KubeVirtResources.VERSION)
                        .withKind("VirtualMachineInstanceMigration")
                        .withNewMetadata().withNamespace(p.namespace()).withName(name)
                        .addToLabels(KubeVirtResources.MANAGED_BY_LABEL, KubeVirtResources.MANAGED_BY_VALUE)
                        .addToLabels("kubevirt.io/vmi-name", p.vmi())
                        .endMetadata()
                        .withAdditionalProperties(Map.of("spec", Map.of("vmiName", p.vmi())))
                        .build();
                try {
                    client.genericKubernetesResources(KubeVirtResources.MIGRATION).inNamespace(p.namespace())
                            .resource(m).dryRun(dryRun).create();
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409) {
                        return "migration " + name + " already exists: created by an earlier pass for this alert";
                    }
                    throw e;
                }
            }
            case RESTART -> {
                GenericKubernetesResource vmi = stillOutdated(p);
                if (vmi == null) {
                    return leftAlone(p);
                }
                VirtualMachine vm = currentVm(p);
                if (vm == null) {
                    throw new KubernetesClientException("not restarted: it has no VirtualMachine now, so nothing would"
                            + " start it again", 409, null);
                }
                if (subresourcesServed()) {
                    // What `virtctl restart` does: KubeVirt stops this VMI and starts a new one, for Always,
                    // Manual and RerunOnFailure; it answers 409 for Halted and Once.
                    vmSubresource(p.namespace(), vm.name(), "restart", dryRun);
                } else if (vm.recreatesVmi()) {
                    // No virt-api here: deleting the VMI restarts only an Always VM (vm.go:979-1037).
                    delete(vmi, dryRun);
                } else {
                    throw new KubernetesClientException("not restarted: KubeVirt's restart API ("
                            + KubeVirtResources.SUBRESOURCES_GROUP + ") is not served, and deleting the VMI of a VM with"
                            + " run strategy " + vm.effectiveRunStrategy() + " would stop it, not restart it", 501, null);
                }
            }
            case STOP -> {
                GenericKubernetesResource vmi = stillOutdated(p);
                if (vmi == null) {
                    return leftAlone(p);
                }
                if (p.vm() == null) {
                    delete(vmi, dryRun);
                } else if (subresourcesServed()) {
                    // What `virtctl stop` does: a Manual or RerunOnFailure VM keeps its run strategy.
                    vmSubresource(p.namespace(), p.vm(), "stop", dryRun);
                } else {
                    haltWithoutVirtApi(p, dryRun);
                }
            }
            case ENABLE_WORKLOAD_UPDATES -> {
                String methods = String.join("\",\"", enableMethods);
                // Under HCO the plan targets the HyperConverged: HCO reverts an edit of the KubeVirt CR.
                boolean hco = p.object().startsWith("HyperConverged ");
                client.genericKubernetesResources(hco ? KubeVirtResources.HYPERCONVERGED : KubeVirtResources.KUBEVIRT)
                        .inNamespace(p.namespace()).withName(name)
                        .dryRun(dryRun).patch(PatchContext.of(PatchType.JSON_MERGE),
                                "{\"spec\":{\"workloadUpdateStrategy\":{\"workloadUpdateMethods\":[\"" + methods + "\"]}}}");
            }
            case EVICT -> throw new IllegalStateException("evictions go through evict()");
        }
        return null;
    }

    private VirtualMachine currentVm(PlannedAction p) {
        return p.vm() == null ? null : Optional.ofNullable(client.genericKubernetesResources(
                KubeVirtResources.VM).inNamespace(p.namespace()).withName(p.vm()).get())
                .map(VirtualMachine::from).orElse(null);
    }

    /**
     * Whether virt-api's aggregated API is registered (discovery lists its group). Asked once a
     * minute, not per write: a pass proves up to a hundred actions, and the answer changes only
     * when KubeVirt is installed or removed.
     */
    private boolean subresourcesServed() {
        java.time.Instant now = clock.instant();
        if (subresourcesCheckedAt == null || now.isAfter(subresourcesCheckedAt.plus(DISCOVERY_TTL))) {
            subresourcesServed = client.getApiGroup(KubeVirtResources.SUBRESOURCES_GROUP) != null;
            subresourcesCheckedAt = now;
        }
        return subresourcesServed;
    }

    private static final java.time.Duration DISCOVERY_TTL = java.time.Duration.ofMinutes(1);
    private volatile boolean subresourcesServed;
    private volatile java.time.Instant subresourcesCheckedAt;

    /**
     * `PUT /apis/subresources.kubevirt.io/v1/namespaces/{ns}/virtualmachines/{vm}/{restart|stop}`,
     * with the options body virtctl sends; `dryRun: [All]` makes virt-api check and not act.
     */
    private void vmSubresource(String namespace, String vm, String verb, boolean dryRun) {
        String kind = "restart".equals(verb) ? "RestartOptions" : "StopOptions";
        client.raw("/apis/" + KubeVirtResources.SUBRESOURCES_GROUP + "/v1/namespaces/" + namespace
                        + "/virtualmachines/" + vm + "/" + verb, "PUT",
                dryRun ? Map.of("apiVersion", KubeVirtResources.SUBRESOURCES_GROUP + "/v1", "kind", kind, "dryRun", List.of("All"))
                        : Map.of("apiVersion", KubeVirtResources.SUBRESOURCES_GROUP + "/v1", "kind", kind));
    }

    /**
     * Without virt-api, stop as its stop subresource does for Always and Once VMs: a JSON patch to
     * Halted guarded by a `test` of the run strategy diagnosed now (rest/lifecycle.go:238-245,
     * 633-650). Manual and RerunOnFailure VMs are refused: halting them would lose their strategy.
     */
    private void haltWithoutVirtApi(PlannedAction p, boolean dryRun) {
        VirtualMachine vm = currentVm(p);
        if (vm == null) {
            throw new KubernetesClientException("not stopped: VirtualMachine " + p.namespace() + "/" + p.vm()
                    + " no longer exists", 404, null);
        }
        String patch;
        if (vm.runStrategy() != null && List.of("Always", "Once").contains(vm.runStrategy())) {
            patch = "[{\"op\":\"test\",\"path\":\"/spec/runStrategy\",\"value\":\"" + vm.runStrategy() + "\"},"
                    + "{\"op\":\"replace\",\"path\":\"/spec/runStrategy\",\"value\":\"Halted\"}]";
        } else if (vm.usesDeprecatedRunning() && Boolean.TRUE.equals(vm.running())) {
            patch = "[{\"op\":\"test\",\"path\":\"/spec/running\",\"value\":true},"
                    + "{\"op\":\"replace\",\"path\":\"/spec/running\",\"value\":false}]";
        } else {
            throw new KubernetesClientException("not stopped: KubeVirt's stop API (" + KubeVirtResources.SUBRESOURCES_GROUP
                    + ") is not served, and setting run strategy " + vm.effectiveRunStrategy() + " to Halted would lose"
                    + " it (a later start would make the VM Always)", 501, null);
        }
        client.genericKubernetesResources(KubeVirtResources.VM).inNamespace(p.namespace()).withName(p.vm())
                .dryRun(dryRun).patch(PatchContext.of(PatchType.JSON), patch);
    }

    /**
     * Evicts through the Eviction API in the version the server serves (policy/v1 from Kubernetes
     * 1.22, policy/v1beta1 before), so PodDisruptionBudgets and KubeVirt's eviction webhook have
     * their say. Returns who refused it with 429, or null when the eviction was accepted. (fabric8's
     * own evict() answers a 429 with a bare false, dropping the message that says who refused.)
     */
    private Performed evict(String namespace, String pod, boolean dryRun) {
        String version = policyVersion();
        Eviction eviction = new EvictionBuilder().withApiVersion("policy/" + version)
                .withNewMetadata().withNamespace(namespace).withName(pod).endMetadata()
                .withDeleteOptions(new DeleteOptionsBuilder().withDryRun(dryRun ? List.of("All") : List.of()).build())
                .build();
        try {
            // dryRun also as the request's own option: admission webhooks see only that one, and
            // KubeVirt's would otherwise start a real evacuation for a dry run.
            client.raw("/api/v1/namespaces/" + namespace + "/pods/" + pod + "/eviction" + (dryRun ? "?dryRun=All" : ""),
                    "POST", eviction);
            return new Performed(null, "the API server evicts the pod: the VMI shuts down");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 429) {
                throw e;
            }
            String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                    : e.getMessage();
            // KubeVirt's eviction webhook answers every denial with 429; its message says which one
            // (pod-eviction-admitter.go:138-183).
            if (message.contains("Eviction triggered evacuation") || message.contains("Evacuation in progress")) {
                return new Performed(null, "KubeVirt took the eviction as an evacuation (" + message + "): it live-migrates"
                        + " the VMI, or with eviction strategy External only marks it; the pod is not deleted");
            }
            throw new KubernetesClientException("eviction refused (429) " + whoRefused(namespace, pod, version, message),
                    429, null);
        }
    }

    private String whoRefused(String namespace, String podName, String version, String message) {
        if (message.contains("is not live-migratable")) {
            return "by KubeVirt's eviction webhook, for good: the VMI's eviction strategy is LiveMigrate and it cannot"
                    + " live-migrate, so KubeVirt refuses every eviction of it: " + message;
        }
        if (message.contains("Eviction request for target Pod")) {
            return "by KubeVirt's eviction webhook: this pod is a migration's target, not the VMI's current pod: " + message;
        }
        if (message.contains(KUBEVIRT_INTERCEPTOR)) {
            return "by KubeVirt's eviction webhook: " + message;
        }
        Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
        Map<String, String> labels = pod == null || pod.getMetadata().getLabels() == null ? Map.of()
                : pod.getMetadata().getLabels();
        for (GenericKubernetesResource pdb : client.genericKubernetesResources("policy/" + version,
                "PodDisruptionBudget").inNamespace(namespace).list().getItems()) {
            Object matchLabels = pdb.get("spec", "selector", "matchLabels");
            if (matchLabels instanceof Map<?, ?> m && !m.isEmpty()
                    && m.entrySet().stream().allMatch(e -> String.valueOf(e.getValue()).equals(labels.get(String.valueOf(e.getKey()))))) {
                Object allowed = pdb.get("status", "disruptionsAllowed");
                return "by PodDisruptionBudget " + pdb.getMetadata().getName() + " (disruptionsAllowed: "
                        + (allowed == null ? "not yet computed" : allowed) + "): " + message;
            }
        }
        return "by the API server: " + message;
    }

    private String policyVersion() {
        String v = policyVersion;
        if (v == null) {
            APIGroup group = client.getApiGroup("policy");
            boolean hasV1 = group != null && group.getVersions().stream().anyMatch(x -> "v1".equals(x.getVersion()));
            v = hasV1 ? "v1" : "v1beta1";
            policyVersion = v;
        }
        return v;
    }

    /**
     * The VMI as it is now, or null when it no longer runs an outdated launcher. The plan came
     * from a cache: a VMI recreated since (same name, up to date) must not be restarted or stopped.
     */
    private GenericKubernetesResource stillOutdated(PlannedAction p) {
        GenericKubernetesResource vmi = client.genericKubernetesResources(KubeVirtResources.VMI)
                .inNamespace(p.namespace()).withName(p.vmi()).get();
        boolean outdated = vmi != null && vmi.getMetadata().getDeletionTimestamp() == null
                && KubeVirtResources.outdated(vmi);
        return outdated ? vmi : null;
    }

    private static String leftAlone(PlannedAction p) {
        return "left alone: " + p.namespace() + "/" + p.vmi() + " no longer runs an outdated launcher"
                + " (updated, recreated or deleted since the diagnosis)";
    }

    /**
     * Deletes exactly the VMI that was checked: a VMI recreated under the same name since has
     * another UID, and the API server refuses with 409 instead of deleting it.
     */
    void delete(GenericKubernetesResource vmi, boolean dryRun) {
        DeleteOptions options = new DeleteOptionsBuilder().withNewPreconditions().withUid(vmi.getMetadata().getUid())
                .endPreconditions().withDryRun(dryRun ? List.of("All") : List.of()).build();
        client.raw("/apis/" + KubeVirtResources.GROUP + "/" + KubeVirtResources.VERSION + "/namespaces/"
                + vmi.getMetadata().getNamespace() + "/" + KubeVirtResources.VMI.getPlural() + "/" + vmi.getMetadata().getName()
                + (dryRun ? "?dryRun=All" : ""), "DELETE", options);
    }

    /** The audit trail in the cluster: `kubectl describe vmi` shows who did what, under which rule. */
    private void recordEvent(PlannedAction p, String reportId) {
        if (p.vmi() == null && p.action() != Action.ENABLE_WORKLOAD_UPDATES) {
            return;
        }
        boolean onKubeVirt = p.action() == Action.ENABLE_WORKLOAD_UPDATES;
        String configKind = p.object().substring(0, p.object().indexOf(' '));
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
                    .withMessage(p.action() + " on " + p.object() + " by kubevirt-remediator (" + p.rule() + "), report "
                            + reportId)
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

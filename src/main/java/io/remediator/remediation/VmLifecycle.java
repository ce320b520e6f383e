package io.remediator.remediation;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.kubevirt.VirtualMachine;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Restart and stop, the way `virtctl` does them: through virt-api's subresources. Where virt-api
 * is not served, only what gives the same result without it (deleting the VMI of an Always VM,
 * halting an Always or Once VM); anything else is refused as not possible, never approximated.
 */
final class VmLifecycle {

    private final KubernetesClient client;
    private final io.remediator.kubevirt.VirtApiDiscovery discovery;

    VmLifecycle(KubernetesClient client, Clock clock) {
        this.client = client;
        this.discovery = new io.remediator.kubevirt.VirtApiDiscovery(client, clock);
    }

    WriteOutcome restart(PlannedAction p, boolean dryRun) {
        GenericKubernetesResource vmi = stillOutdated(p);
        if (vmi == null) {
            return leftAlone(p);
        }
        VirtualMachine vm = currentVm(p);
        if ("VirtualMachineInstance".equals(p.object().kind())) {
            return restartByDeletion(p, vmi, vm, dryRun);
        }
        if (vm == null) {
            return new WriteOutcome.Refused(409, "not restarted: it has no VirtualMachine now, so nothing would start it"
                    + " again");
        }
        if (subresourcesServed()) {
            // What `virtctl restart` does: KubeVirt stops this VMI and starts a new one, for Always,
            // Manual and RerunOnFailure; it answers 409 for Halted and Once.
            vmSubresource(p.namespace(), vm.name(), "restart", dryRun);
        } else if (vm.recreatesVmi()) {
            // No virt-api here: deleting the VMI restarts only an Always VM (vm.go:979-1037).
            delete(vmi, dryRun);
        } else {
            return new WriteOutcome.Refused(501, "not restarted: KubeVirt's restart API ("
                    + KubeVirtResources.SUBRESOURCES_GROUP + ") is not served, and deleting the VMI of a VM with"
                    + " run strategy " + vm.effectiveRunStrategy() + " would stop it, not restart it");
        }
        return new WriteOutcome.Done(null);
    }

    /**
     * The restart of a VMI whose owner replaces it when it is deleted: a VirtualMachineInstanceReplicaSet
     * (replicaset.go:248-250), or a VM with run strategy Once, which KubeVirt's restart refuses but
     * whose controller starts a fresh VMI after a delete (vm.go:1140-1148). Checked on the objects
     * as they are now: anything else would be a stop, not a restart.
     */
    private WriteOutcome restartByDeletion(PlannedAction p, GenericKubernetesResource vmi, VirtualMachine vm, boolean dryRun) {
        boolean replicaSet = vmi.getMetadata().getOwnerReferences().stream().anyMatch(o -> Boolean.TRUE.equals(o.getController())
                && "VirtualMachineInstanceReplicaSet".equals(o.getKind()));
        if (!replicaSet && (vm == null || !vm.once())) {
            return new WriteOutcome.Refused(409, "not restarted: " + p.namespace() + "/" + p.vmi() + " is no longer owned by"
                    + " a VirtualMachineInstanceReplicaSet or a VM with run strategy Once, so deleting it would stop it,"
                    + " not restart it");
        }
        delete(vmi, dryRun);
        return new WriteOutcome.Done(null);
    }

    WriteOutcome stop(PlannedAction p, boolean dryRun) {
        GenericKubernetesResource vmi = stillOutdated(p);
        if (vmi == null) {
            return leftAlone(p);
        }
        VirtualMachine current = currentVm(p);
        if (current != null && current.waitsAsReceiver()) {
            // rest/lifecycle.go:211-246: stop answers 202 for a WaitAsReceiver VM and does nothing.
            return new WriteOutcome.Refused(409, "not stopped: VirtualMachine " + p.namespace() + "/" + p.vm() + " has run"
                    + " strategy WaitAsReceiver, for which KubeVirt's stop does nothing");
        }
        if (p.vm() == null) {
            delete(vmi, dryRun);
        } else if (subresourcesServed()) {
            // What `virtctl stop` does: a Manual or RerunOnFailure VM keeps its run strategy.
            vmSubresource(p.namespace(), p.vm(), "stop", dryRun);
        } else {
            return haltWithoutVirtApi(p, dryRun);
        }
        return new WriteOutcome.Done(null);
    }

    /**
     * What `virtctl evacuate-cancel vmi` does (KubeVirt 1.8+, api.go:616-621): `PUT …/virtualmachineinstances/{name}/evacuate/cancel`
     * with the node the mark names, which virt-api turns into a JSON patch that tests that value and
     * removes `status.evacuationNodeName` (rest/evacuate_cancel.go:40-93); it refuses while the node
     * still carries the drain taint. Checked first on the VMI as it is now: the same VMI, the same mark.
     */
    WriteOutcome evacuateCancel(PlannedAction p, boolean dryRun) {
        GenericKubernetesResource vmi = stillOutdated(p);
        String node = p.change() == null ? null : String.valueOf(p.change().value());
        if (vmi == null) {
            return new WriteOutcome.AlreadyDone("left alone: " + p.namespace() + "/" + p.vmi() + " is not the VMI diagnosed"
                    + " (recreated or deleted since)");
        }
        Object mark = vmi.get("status", "evacuationNodeName");
        if (mark == null || !mark.equals(node)) {
            return new WriteOutcome.AlreadyDone("left alone: the VMI's evacuation mark is "
                    + (mark == null ? "gone" : "now for node " + mark) + ", not for node " + node);
        }
        if (!discovery.serves(io.remediator.kubevirt.VirtApiDiscovery.EVACUATE_CANCEL)) {
            return new WriteOutcome.Refused(501, "not cancelled: KubeVirt's evacuate/cancel ("
                    + KubeVirtResources.SUBRESOURCES_GROUP + "/v1 virtualmachineinstances/evacuate/cancel, KubeVirt 1.8"
                    + " and later) is not served here");
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("apiVersion", KubeVirtResources.SUBRESOURCES_GROUP + "/v1");
        body.put("kind", "EvacuateCancelOptions");
        body.put("evacuationNodeName", node);
        if (dryRun) {
            body.put("dryRun", List.of("All"));
        }
        client.raw("/apis/" + KubeVirtResources.SUBRESOURCES_GROUP + "/v1/namespaces/" + p.namespace()
                + "/virtualmachineinstances/" + p.vmi() + "/evacuate/cancel", "PUT", body);
        return new WriteOutcome.Done(null);
    }

    private VirtualMachine currentVm(PlannedAction p) {
        return p.vm() == null ? null : Optional.ofNullable(client.genericKubernetesResources(
                KubeVirtResources.VM).inNamespace(p.namespace()).withName(p.vm()).get())
                .map(VirtualMachine::from).orElse(null);
    }

    /** Whether virt-api's aggregated API is registered (discovery lists its group). */
    private boolean subresourcesServed() {
        return discovery.served();
    }

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

    /** One operation of an RFC 6902 JSON patch. */
    record JsonPatchOp(String op, String path, Object value) {}

    /**
     * Without virt-api, stop as its stop subresource does for Always and Once VMs: a JSON patch to
     * Halted guarded by a `test` of the run strategy diagnosed now (rest/lifecycle.go:238-245,
     * 633-650). Manual and RerunOnFailure VMs are refused: halting them would lose their strategy.
     */
    private WriteOutcome haltWithoutVirtApi(PlannedAction p, boolean dryRun) {
        VirtualMachine vm = currentVm(p);
        if (vm == null) {
            return new WriteOutcome.Refused(404, "not stopped: VirtualMachine " + p.namespace() + "/" + p.vm()
                    + " no longer exists");
        }
        List<JsonPatchOp> patch;
        if (vm.runStrategy() != null && List.of("Always", "Once").contains(vm.runStrategy())) {
            patch = List.of(new JsonPatchOp("test", "/spec/runStrategy", vm.runStrategy()),
                    new JsonPatchOp("replace", "/spec/runStrategy", "Halted"));
        } else if (vm.usesDeprecatedRunning() && Boolean.TRUE.equals(vm.running())) {
            patch = List.of(new JsonPatchOp("test", "/spec/running", true),
                    new JsonPatchOp("replace", "/spec/running", false));
        } else {
            return new WriteOutcome.Refused(501, "not stopped: KubeVirt's stop API (" + KubeVirtResources.SUBRESOURCES_GROUP
                    + ") is not served, and setting run strategy " + vm.effectiveRunStrategy() + " to Halted would lose"
                    + " it (a later start would make the VM Always)");
        }
        client.genericKubernetesResources(KubeVirtResources.VM).inNamespace(p.namespace()).withName(p.vm())
                .dryRun(dryRun).patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(patch));
        return new WriteOutcome.Done(null);
    }

    /**
     * The VMI as it is now, or null when it no longer runs an outdated launcher. The plan came
     * from a cache: a VMI recreated since (same name, up to date) must not be restarted or stopped.
     */
    private GenericKubernetesResource stillOutdated(PlannedAction p) {
        GenericKubernetesResource vmi = client.genericKubernetesResources(KubeVirtResources.VMI)
                .inNamespace(p.namespace()).withName(p.vmi()).get();
        boolean outdated = vmi != null && vmi.getMetadata().getDeletionTimestamp() == null
                && (p.anyLauncher() || KubeVirtResources.outdated(vmi))
                // A VMI re-created under the same name (a second update) is not the one approved.
                && (p.targetUid() == null || p.targetUid().equals(vmi.getMetadata().getUid()));
        return outdated ? vmi : null;
    }

    private static WriteOutcome leftAlone(PlannedAction p) {
        return new WriteOutcome.AlreadyDone("left alone: " + p.namespace() + "/" + p.vmi() + " no longer runs an outdated"
                + " launcher (updated, recreated or deleted since the diagnosis)");
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
}

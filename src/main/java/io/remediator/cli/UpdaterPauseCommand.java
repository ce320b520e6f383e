package io.remediator.cli;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.remediator.kubevirt.KubeVirtInstallation;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.remediation.UpdaterPause;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `pause-updates` / `resume-updates [--apply] [--kubeconfig F] [--context C]`: the exact,
 * HCO-correct patch that pauses (or resumes) KubeVirt's workload updater and its side effects;
 * `--apply` makes it with the user's own credentials, as the service's PAUSE_WORKLOAD_UPDATES and
 * RESUME_WORKLOAD_UPDATES do ({@link UpdaterPause}): a resourceVersion precondition, the previous
 * methods recorded in the annotation the resume reads. Without `--apply` it only reads.
 * Exit 0 (done or shown), 1 error, 2 nothing to do.
 */
public final class UpdaterPauseCommand {
    static final String USAGE = """
            usage: java -jar kubevirt-remediator.jar pause-updates|resume-updates [--apply]
                   [--kubeconfig FILE] [--context NAME]

            Prints the patch that pauses (or resumes) KubeVirt's workload updater on the object that
            sets it (the HyperConverged under HCO, else the KubeVirt CR) and what else it stops;
            --apply makes it, as you. Exit: 0 done or shown, 2 nothing to do, 1 error.
            """;

    private UpdaterPauseCommand() {}

    public static int run(String command, String[] args, PrintStream out, PrintStream err) {
        boolean resume = command.equals("resume-updates");
        boolean apply = false;
        String kubeconfig = null;
        String context = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--apply" -> apply = true;
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--kubeconfig", "--context" -> {
                    if (i + 1 >= args.length) {
                        err.print(command + ": " + args[i] + " needs a value\n" + USAGE);
                        return 1;
                    }
                    if (args[i].equals("--kubeconfig")) {
                        kubeconfig = args[++i];
                    } else {
                        context = args[++i];
                    }
                }
                default -> {
                    err.print(command + ": unknown argument " + args[i] + "\n" + USAGE);
                    return 1;
                }
            }
        }
        Optional<Config> config = io.remediator.preflight.UserCluster.config(command, kubeconfig, context, err);
        if (config.isEmpty()) {
            return 1;
        }
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config.get()).build()) {
            return resume ? resume(client, apply, out, err) : pause(client, apply, out, err);
        } catch (KubernetesClientException e) {
            err.println(io.remediator.preflight.UserCluster.failure(command, e, config.get(), (apply ? "--apply needs get and patch" : "it needs get")
                    + " on the HyperConverged (hco.kubevirt.io) or the KubeVirt CR (kubevirt.io), and list on kubevirts"
                    + " and virtualmachineinstances"));
            return 1;
        }
    }

    /** The object that sets the updater, as the service picks it: the HyperConverged managing the KubeVirt CR, else the CR. */
    private record Setting(String kind, io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> resource,
                           String namespace, String name, String apiVersion) {
        String describe() {
            return kind + " " + namespace + "/" + name + " (" + apiVersion + ")";
        }
    }

    private static Optional<Setting> setting(KubernetesClient client, PrintStream err, String command) {
        KubeVirtInstallation kv = KubeVirtInstallation.effective(client.genericKubernetesResources(KubeVirtResources.KUBEVIRT)
                .inAnyNamespace().list().getItems().stream().map(io.remediator.kubevirt.OneShotRead::kubeVirt).toList());
        if (kv == null) {
            err.println(command + ": no KubeVirt CR found");
            return Optional.empty();
        }
        if (kv.managedBy() != null) {
            // HCO reconciles the KubeVirt CR back from the HyperConverged: a patch there would be reverted.
            return Optional.of(new Setting("HyperConverged", client.genericKubernetesResources(KubeVirtResources.HYPERCONVERGED)
                    .inNamespace(kv.managedBy().namespace()).withName(kv.managedBy().name()), kv.managedBy().namespace(),
                    kv.managedBy().name(), KubeVirtResources.HYPERCONVERGED.getGroup() + "/"
                    + KubeVirtResources.HYPERCONVERGED.getVersion()));
        }
        return Optional.of(new Setting("KubeVirt", client.genericKubernetesResources(KubeVirtResources.KUBEVIRT)
                .inNamespace(kv.namespace()).withName(kv.name()), kv.namespace(), kv.name(),
                KubeVirtResources.GROUP + "/" + KubeVirtResources.VERSION));
    }

    /** The setting's object as it is now, or null after saying it is gone. */
    private static GenericKubernetesResource read(Setting s, PrintStream err, String command) {
        GenericKubernetesResource current = s.resource().get();
        if (current == null) {
            err.println(command + ": " + s.describe() + " not found");
        }
        return current;
    }

    private static int pause(KubernetesClient client, boolean apply, PrintStream out, PrintStream err) {
        Optional<Setting> s = setting(client, err, "pause-updates");
        GenericKubernetesResource current = s.isEmpty() ? null : read(s.get(), err, "pause-updates");
        if (current == null) {
            return 1;
        }
        List<String> previous = UpdaterPause.methods(current);
        if (previous.isEmpty()) {
            out.println("workloadUpdateMethods on " + s.get().describe() + " is already empty: KubeVirt's updater is paused");
            return 2;
        }
        long waiting = client.genericKubernetesResources(KubeVirtResources.VMI).inAnyNamespace().list().getItems().stream()
                .map(io.remediator.kubevirt.OneShotRead::vmi).filter(v -> !v.outdated() && v.pendingLiveUpdate() != null)
                .count();
        String json = client.getKubernetesSerialization().asJson(UpdaterPause.pause(current.getMetadata()
                .getResourceVersion(), client.getKubernetesSerialization().asJson(previous)));
        out.println("object:   " + s.get().describe());
        out.println("patch:    kubectl patch " + s.get().kind().toLowerCase(java.util.Locale.ROOT) + " -n " + s.get().namespace()
                + " " + s.get().name() + " --type merge -p '" + json + "'");
        out.println("restores: " + previous + " (recorded in " + UpdaterPause.ANNOTATION + "; resume-updates reads it)");
        out.println("effects:  " + UpdaterPause.sideEffects(s.get().kind(), (int) waiting));
        return applied(s.get(), json, apply, "applied: workloadUpdateMethods were " + previous, out);
    }

    /** Makes the shown patch with {@code --apply} (as the user), else says it was only shown. */
    private static int applied(Setting s, String json, boolean apply, String done, PrintStream out) {
        if (!apply) {
            out.println("not applied: give --apply to make it as you");
            return 0;
        }
        s.resource().patch(PatchContext.of(PatchType.JSON_MERGE), json);
        out.println(done);
        return 0;
    }

    private static int resume(KubernetesClient client, boolean apply, PrintStream out, PrintStream err) {
        Optional<Setting> s = setting(client, err, "resume-updates");
        GenericKubernetesResource current = s.isEmpty() ? null : read(s.get(), err, "resume-updates");
        if (current == null) {
            return 1;
        }
        Map<String, String> annotations = current.getMetadata().getAnnotations() == null ? Map.of()
                : current.getMetadata().getAnnotations();
        String recordedJson = annotations.get(UpdaterPause.ANNOTATION);
        if (recordedJson == null) {
            out.println(s.get().describe() + " carries no " + UpdaterPause.ANNOTATION + ": no pause recorded to resume");
            return 2;
        }
        List<String> recorded;
        try {
            recorded = List.of(client.getKubernetesSerialization().unmarshal(recordedJson, String[].class));
        } catch (RuntimeException e) {
            err.println("resume-updates: " + UpdaterPause.ANNOTATION + " holds '" + recordedJson
                    + "', not the list of methods a pause records");
            return 1;
        }
        List<String> now = UpdaterPause.methods(current);
        if (!now.isEmpty()) {
            err.println("resume-updates: someone changed workloadUpdateMethods meanwhile: now " + now + ", the pause"
                    + " recorded " + recorded + "; left as it is");
            return 1;
        }
        String json = client.getKubernetesSerialization().asJson(UpdaterPause.resume(current.getMetadata()
                .getResourceVersion(), recorded));
        out.println("object:   " + s.get().describe());
        out.println("patch:    kubectl patch " + s.get().kind().toLowerCase(java.util.Locale.ROOT) + " -n " + s.get().namespace()
                + " " + s.get().name() + " --type merge -p '" + json + "'");
        out.println("restores: " + recorded);
        return applied(s.get(), json, apply, "applied: workloadUpdateMethods " + recorded, out);
    }
}

package io.remediator.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.OneVmiRead;
import io.remediator.remediation.OwnerAnnotations;
import io.remediator.runbook.NamespaceScope;
import io.remediator.runbook.OutdatedVmi;
import io.remediator.runbook.OutdatedWorkloadsDiagnosis;
import io.remediator.runbook.OutdatedWorkloadsFindings;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * `java -jar kubevirt-remediator.jar explain vmi NAMESPACE/NAME [--kubeconfig F] [--context C]
 * [--server URL [--token T]]`: one VM the way the runbook sees it — its branch, why, and what
 * KubeVirt's updater does to it (as if it were outdated, when it is not) — read in-process with the
 * user's own credentials; what its namespace's and VM's annotations say (docs/owners.md); and,
 * when the service is reachable, what the service plans for it and when (its report's action and
 * decision, whose reason names the window). Reads only. Exit 0, or 1 with the reason.
 */
public final class ExplainCommand {
    static final String USAGE = """
            usage: java -jar kubevirt-remediator.jar explain vmi NAMESPACE/NAME [--kubeconfig FILE]
                   [--context NAME] [--server URL [--token TOKEN]]

            What KubeVirt's update does to this VM and why (the runbook's branch), read as you;
            with --server, what the service plans for it and when.
            """;
    static final String ALERTNAME = "OutdatedVirtualMachineInstanceWorkloads";

    private ExplainCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.print(USAGE);
            return 0;
        }
        if (args.length < 2 || !args[0].equals("vmi") || !args[1].matches("[a-z0-9.-]+/[a-z0-9.-]+")) {
            err.print("explain: give vmi NAMESPACE/NAME\n" + USAGE);
            return 1;
        }
        String namespace = args[1].substring(0, args[1].indexOf('/'));
        String name = args[1].substring(args[1].indexOf('/') + 1);
        String kubeconfig = null;
        String context = null;
        String server = null;
        String token = System.getenv("REMEDIATOR_API_TOKEN");
        for (int i = 2; i < args.length; i++) {
            if (i + 1 >= args.length) {
                err.print("explain: " + args[i] + " needs a value (or is unknown)\n" + USAGE);
                return 1;
            }
            String v = args[++i];
            switch (args[i - 1]) {
                case "--kubeconfig" -> kubeconfig = v;
                case "--context" -> context = v;
                case "--server" -> server = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
                case "--token" -> token = v;
                default -> {
                    err.print("explain: unknown argument " + args[i - 1] + "\n" + USAGE);
                    return 1;
                }
            }
        }
        Optional<Config> config = UserCluster.config("explain", kubeconfig, context, err);
        if (config.isEmpty()) {
            return 1;
        }
        OneVmiRead read;
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config.get()).build()) {
            Optional<OneVmiRead> found = OneVmiRead.of(client, namespace, name);
            if (found.isEmpty()) {
                err.println("explain: no VirtualMachineInstance " + namespace + "/" + name);
                return 1;
            }
            read = found.get();
        } catch (KubernetesClientException e) {
            err.println(UserCluster.failure("explain", e, config.get(), "explain needs get on the VMI and its"
                    + " namespace, and list on virtualmachines, virtualmachineinstancemigrations, pods and kubevirts"));
            return 1;
        }
        OutdatedWorkloadsDiagnosis d = OutdatedWorkloadsFindings.diagnose(read.snapshot(), NamespaceScope.ALL, 3,
                OwnerAnnotations.PREFIX + "skip");
        OutdatedVmi v = d.outdatedVmis().stream().filter(x -> x.namespace().equals(namespace) && x.name().equals(name))
                .findFirst().orElse(null);
        out.println("VMI " + namespace + "/" + name + (read.vmi().nodeName() == null ? "" : " on " + read.vmi().nodeName())
                + (read.vmi().vm() == null ? " (no VM)" : " (VM " + read.vmi().vm() + ")"));
        out.println("outdated:  " + (read.wasOutdated() ? "yes: it runs in an old virt-launcher"
                : "no: what follows is what KubeVirt's next update does to it"));
        if (v == null) {
            out.println("branch:    none: the runbook leaves it alone (not running, or being deleted)");
        } else {
            out.println("branch:    " + v.branchName());
            out.println("why:       " + v.explanation());
            if (v.mitigation() != null) {
                out.println("do:        " + v.mitigation());
            }
            out.println("action:    " + (v.recommendedAction() == null ? "none" : v.recommendedAction()));
        }
        // The cluster's settings as the runbook reads them; its counts would count this one VMI only.
        d.findings().stream().filter(f -> !f.matches("^\\d+ VMI.*") && !f.startsWith("Recommended:")
                        && !f.contains("this diagnosis sees"))
                .forEach(f -> out.println("cluster:   " + f));
        owners(read, out);
        if (server != null) {
            return service(server, token, namespace, name, out, err);
        }
        out.println("service:   not asked (give --server URL for what the service plans and when)");
        return 0;
    }

    /** What the namespace's annotations and the VM's say (the service combines them with its policy). */
    private static void owners(OneVmiRead read, PrintStream out) {
        Map<String, String> annotations = read.namespace() == null || read.namespace().getMetadata().getAnnotations() == null
                ? Map.of() : read.namespace().getMetadata().getAnnotations();
        annotations.entrySet().stream().filter(e -> OwnerAnnotations.NAMESPACE_KEYS.contains(e.getKey())).sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.println("namespace: " + e.getKey() + "=" + e.getValue()));
        read.snapshot().vms().stream().filter(vm -> vm.name().equals(read.vmi().vm())).findFirst().ifPresent(vm ->
                vm.annotations().entrySet().stream().filter(e -> OwnerAnnotations.VM_KEYS.contains(e.getKey()))
                        .sorted(Map.Entry.comparingByKey())
                        .forEach(e -> out.println("vm:        " + e.getKey() + "=" + e.getValue())));
    }

    /** The newest firing report that lists the VMI: its planned action and decision (the reason names the window). */
    static int service(String server, String token, String namespace, String name, PrintStream out, PrintStream err) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ObjectMapper json = new ObjectMapper();
        try {
            JsonNode index = json.readTree(ServiceApi.get(http, server + "/api/reports?status=firing&alert=" + ALERTNAME, token, err, "explain"));
            for (JsonNode summary : index) {
                String id = summary.path("id").asText();
                JsonNode report = json.readTree(ServiceApi.get(http, server + "/api/reports/" + id + "?namespace="
                        + URLEncoder.encode(namespace, StandardCharsets.UTF_8), token, err, "explain"));
                for (JsonNode a : report.path("remediation").path("actions")) {
                    if (name.equals(a.path("vmi").asText()) && (a.path("followUp").isMissingNode() || a.path("followUp").isNull())) {
                        out.println("service:   report " + id + ", pass " + report.path("remediation").path("pass").asInt()
                                + ": " + a.path("action").asText() + " " + a.path("decision").asText()
                                + (a.hasNonNull("why") ? " — " + a.get("why").asText() : ""));
                        out.println("report:    " + server + "/reports/" + id + "?namespace=" + namespace);
                        return 0;
                    }
                }
            }
            out.println("service:   no firing report plans anything for it");
            return 0;
        } catch (ServiceApi.Unanswered e) {
            return 1;
        } catch (java.io.IOException e) {
            err.println("explain: " + server + " did not answer with the service's JSON: " + e.getMessage());
            return 1;
        }
    }

}

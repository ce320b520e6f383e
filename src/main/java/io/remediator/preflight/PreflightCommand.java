package io.remediator.preflight;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.kubevirt.OneShotRead;
import io.remediator.runbook.KnownSignatures;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * `java -jar kubevirt-remediator.jar preflight [--kubeconfig F] [--context C] [-n NS]… [-l SELECTOR]
 * [-o table|json|markdown] [--fail-on warn|fail]`: read-only, with the user's own kubeconfig and RBAC, no
 * service needed. Exit 0 ready, 2 ready with warnings, 3 not ready, 1 error (docs/preflight.md).
 */
public final class PreflightCommand {
    static final String USAGE = """
            usage: java -jar kubevirt-remediator.jar preflight [--kubeconfig FILE] [--context NAME]
                   [-n NAMESPACE]... [-l SELECTOR] [-o table|json|markdown] [--fail-on warn|fail]
                   java -jar kubevirt-remediator.jar preflight --publish SERVICE_URL [--token-file FILE]

            What KubeVirt's next update will do to every running VM, per namespace, and the
            cluster's gates. Reads only, as you (your kubeconfig, your RBAC).
            Exit: 0 ready, 2 ready with warnings, 3 not ready (a FAIL gate), 1 error.
            """;

    private PreflightCommand() {}

    /** @return the exit code */
    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        String kubeconfig = null;
        String context = null;
        List<String> namespaces = new ArrayList<>();
        String selector = null;
        String output = "table";
        String failOn = "warn";
        String publish = null;
        String tokenFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(USAGE);
                return 0;
            }
            if (i + 1 >= args.length) {
                err.print("preflight: " + a + " needs a value (or is unknown)\n" + USAGE);
                return 1;
            }
            String v = args[++i];
            switch (a) {
                case "--kubeconfig" -> kubeconfig = v;
                case "--context" -> context = v;
                case "-n", "--namespace" -> namespaces.add(v);
                case "-l", "--selector" -> selector = v;
                case "-o", "--output" -> output = v;
                case "--fail-on" -> failOn = v;
                case "--publish" -> publish = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
                case "--token-file" -> tokenFile = v;
                default -> {
                    err.print("preflight: unknown argument " + a + "\n" + USAGE);
                    return 1;
                }
            }
        }
        if (publish != null) {
            return publish(publish, tokenFile, out, err);
        }
        if (!output.equals("table") && !output.equals("json") && !output.equals("markdown")) {
            err.println("preflight: -o must be table, json or markdown, got " + output);
            return 1;
        }
        if (!failOn.equals("warn") && !failOn.equals("fail")) {
            err.println("preflight: --fail-on must be warn or fail, got " + failOn);
            return 1;
        }
        java.util.Optional<Config> found = UserCluster.config("preflight", kubeconfig, context, err);
        if (found.isEmpty()) {
            return 1;
        }
        Config config = found.get();
        Preflight.Report report;
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            report = Preflight.assess(OneShotRead.of(client, namespaces, selector), clock.instant(), KnownSignatures.shipped());
        } catch (KubernetesClientException e) {
            err.println(UserCluster.failure("preflight", e, config, "the pre-flight needs get/list on"
                    + " virtualmachineinstances, virtualmachines, virtualmachineinstancemigrations and kubevirts"
                    + " (kubevirt.io) and on nodes"));
            return 1;
        }
        if (output.equals("json")) {
            out.println(json(report));
        } else if (output.equals("markdown")) {
            out.print(markdown(report));
        } else {
            out.print(table(report));
        }
        return failOn.equals("fail") && report.exitCode() == 2 ? 0 : report.exitCode();
    }

    /** Grouped by namespace, within 100 columns. */
    static String table(Preflight.Report r) {
        StringBuilder b = new StringBuilder();
        // 25 + 1 + 6 + 1 + 67 = 100 columns (the longest gate name has 25 letters).
        b.append(String.format("%-25s %-6s %s%n", "GATE", "RESULT", "EVIDENCE"));
        for (Preflight.Gate g : r.gates()) {
            b.append(String.format("%-25s %-6s %s%n", g.gate(), g.result(), cut(g.evidence(), 67)));
        }
        for (Preflight.Namespace ns : r.namespaces()) {
            b.append(String.format("%nNAMESPACE %s: %s%n", ns.namespace(), ns.counts().entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))));
            b.append(String.format("  %-28s %-19s %s%n", "VM", "OUTCOME", "FLAGS"));
            for (Preflight.Vm v : ns.vms()) {
                b.append(String.format("  %-28s %-19s %s%n", cut(v.name(), 28), v.outcome(), cut(v.flags().stream()
                        .map(Enum::name).sorted().collect(Collectors.joining(",")), 49)));
            }
        }
        b.append(String.format("%n%s%n", wrap(r.cannotPredict(), 100)));
        b.append(String.format("exit %d: %s%n", r.exitCode(), r.exitCode() == 0 ? "ready"
                : r.exitCode() == 2 ? "ready with warnings" : "not ready"));
        return b.toString();
    }

    /**
     * `--publish URL`: asks the service to run the pre-flight and publish it (its ConfigMap, Slack),
     * with the admin token (`--token-file`, else REMEDIATOR_API_TOKEN): what the chart's CronJob
     * runs. Exit 0 once published (the verdict is in the result, printed), 1 when it could not be:
     * a job fails only when publishing did.
     */
    static int publish(String server, String tokenFile, PrintStream out, PrintStream err) {
        String token = System.getenv("REMEDIATOR_API_TOKEN");
        if (tokenFile != null) {
            try {
                token = Files.readString(Path.of(tokenFile)).trim();
            } catch (java.io.IOException e) {
                err.println("preflight: cannot read --token-file " + tokenFile + ": " + e.getMessage());
                return 1;
            }
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(10)).build();
        java.net.http.HttpRequest.Builder req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server
                + "/api/preflight/publish")).timeout(java.time.Duration.ofMinutes(5))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
        if (token != null && !token.isBlank()) {
            req.header("Authorization", "Bearer " + token);
        }
        try {
            java.net.http.HttpResponse<String> r = http.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            out.println(r.body());
            if (r.statusCode() != 200) {
                err.println("preflight: " + server + " answered " + r.statusCode()
                        + (r.statusCode() == 401 || r.statusCode() == 403 ? " (publishing needs the admin token)" : ""));
                return 1;
            }
            return 0;
        } catch (java.io.IOException e) {
            err.println("preflight: cannot reach " + server + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The documented JSON (docs/preflight.md), indented. */
    public static String json(Preflight.Report r) {
        try {
            return new ObjectMapper().registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(r);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a pre-flight is plain records", e);
        }
    }

    /**
     * The same as Markdown, for a change request or a ticket: the gates, then a table per namespace
     * with each VM's outcome, flags and the sentence why. A `|` in a value is escaped.
     */
    public static String markdown(Preflight.Report r) {
        StringBuilder b = new StringBuilder("## KubeVirt update pre-flight\n\n");
        b.append("Exit ").append(r.exitCode()).append(": ").append(r.exitCode() == 0 ? "ready"
                : r.exitCode() == 2 ? "ready with warnings" : "not ready").append(" (").append(r.generatedAt()).append(")\n\n");
        b.append("| gate | result | evidence |\n|---|---|---|\n");
        for (Preflight.Gate g : r.gates()) {
            b.append("| ").append(g.gate()).append(" | **").append(g.result()).append("** | ").append(md(g.evidence()))
                    .append(" |\n");
        }
        for (Preflight.Namespace ns : r.namespaces()) {
            b.append("\n### Namespace `").append(md(ns.namespace())).append("`: ").append(ns.counts().entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))).append("\n\n");
            b.append("| VM | outcome | flags | why |\n|---|---|---|---|\n");
            for (Preflight.Vm v : ns.vms()) {
                b.append("| `").append(md(v.name())).append("` | ").append(v.outcome()).append(" | ")
                        .append(v.flags().stream().map(Enum::name).sorted().collect(Collectors.joining(", "))).append(" | ")
                        .append(md(v.why() == null ? "" : v.why())).append(" |\n");
            }
        }
        b.append("\n> ").append(md(r.cannotPredict())).append("\n");
        return b.toString();
    }

    private static String md(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Words onto lines of at most {@code width} columns (a longer word stays whole on its own line). */
    static String wrap(String s, int width) {
        StringBuilder out = new StringBuilder();
        int col = 0;
        for (String word : s.split(" ")) {
            if (col + word.length() + 1 > width) {
                out.append('\n');
                col = 0;
            } else if (col > 0) {
                out.append(' ');
                col++;
            }
            out.append(word);
            col += word.length();
        }
        return out.toString();
    }
}

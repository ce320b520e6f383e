package io.remediator.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * `signatures --server URL [--token T]`: the current rollout's migration failures by signature, as
 * the service accumulated them from its watch since T0 (docs/migration-failures.md): a later LIST
 * would miss most (KubeVirt keeps five finished migrations per VMI, Events an hour), so this asks
 * the service. Exit 0, 1 error.
 */
public final class SignaturesCommand {
    static final String USAGE = """
            usage: java -jar kubevirt-remediator.jar signatures --server URL [--token TOKEN]

            The current KubeVirt update's failed migrations by failure signature: how many, on how
            many VMs, their share, whether systemic, and the known upgrade defect it matches.
            """;

    private SignaturesCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String server = null;
        String token = System.getenv("REMEDIATOR_API_TOKEN");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-h") || args[i].equals("--help")) {
                out.print(USAGE);
                return 0;
            }
            if (i + 1 >= args.length || !(args[i].equals("--server") || args[i].equals("--token"))) {
                err.print("signatures: unknown argument or missing value: " + args[i] + "\n" + USAGE);
                return 1;
            }
            String v = args[++i];
            if (args[i - 1].equals("--server")) {
                server = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
            } else {
                token = v;
            }
        }
        if (server == null) {
            err.print("signatures: --server is required (the service's URL)\n" + USAGE);
            return 1;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode rollout;
        try {
            HttpResponse<String> r = ServiceApi.send(http, server + "/api/rollouts/current", token, err, "signatures");
            if (r.statusCode() == 404) {
                out.println("no KubeVirt update has been seen");
                return 0;
            }
            rollout = new ObjectMapper().readTree(ServiceApi.get(http, server + "/api/rollouts/current", token, err,
                    "signatures"));
        } catch (ServiceApi.Unanswered e) {
            return 1;
        } catch (java.io.IOException e) {
            err.println("signatures: not the service's JSON: " + e.getMessage());
            return 1;
        }
        out.print(table(rollout));
        return 0;
    }

    /** One line per signature, most failures first, within 100 columns; the systemic ones' findings after. */
    static String table(JsonNode rollout) {
        JsonNode f = rollout.path("migrationFailures");
        StringBuilder b = new StringBuilder("rollout " + rollout.path("id").asText() + " (" + rollout.path("stage").asText()
                + ")");
        if (f.isMissingNode() || f.isNull()) {
            return b.append(": no migration has finished since the control plane was updated\n").toString();
        }
        b.append("\nsince ").append(f.path("since").asText()).append(": ").append(f.path("succeeded").asInt())
                .append(" succeeded, ").append(f.path("failed").asInt()).append(" failed, ")
                .append(f.path("canceled").asInt()).append(" canceled\n");
        if (f.path("signatures").isEmpty()) {
            return b.append("no failure signature\n").toString();
        }
        // 34 + 1 + 14 + 1 + 8 + 1 + 5 + 1 + 6 + 1 + 8 + 1 + 19 = 100
        b.append(String.format("%-34s %-14s %8s %5s %6s %-8s %s%n", "SIGNATURE", "CLASS", "FAILURES", "VMS", "SHARE",
                "SYSTEMIC", "KNOWN"));
        for (JsonNode s : f.path("signatures")) {
            b.append(String.format("%-34s %-14s %8d %5d %5.0f%% %-8s %s%n", cut(s.path("key").asText(), 34),
                    cut(s.path("failureClass").asText(), 14), s.path("failures").asInt(), s.path("vmis").size(),
                    s.path("share").asDouble() * 100, s.path("systemic").asBoolean() ? "yes" : "no",
                    s.path("known").isObject() ? cut(s.path("known").path("key").asText(), 19) : "-"));
        }
        for (JsonNode finding : rollout.path("findings")) {
            b.append('\n').append(PreflightCommand.wrap(finding.asText(), 100)).append('\n');
        }
        return b.toString();
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}

package io.remediator.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * `java -jar kubevirt-remediator.jar rollout status --server URL [--token T] [--watch]
 * [--timeout 10m]`, like `kubectl rollout status`: the service's current rollout in one line.
 * Exit 0 done (Completed, NoWorkloadImpact), 1 a person is needed (Stalled, NeedsAction),
 * 2 still under way (or `--watch` timed out), 3 error. The history (T0, ETA) is the service's:
 * this asks its API (docs/rollouts.md).
 */
public final class RolloutStatusCommand {
    static final String USAGE = """
            usage: java -jar kubevirt-remediator.jar rollout status --server URL [--token TOKEN]
                   [--watch] [--timeout DURATION]

            The current KubeVirt rollout as the service follows it. Exit: 0 done, 1 stalled or
            needs a person, 2 still under way (or --watch timed out), 3 error.
            """;
    private static final Set<String> DONE = Set.of("Completed", "NoWorkloadImpact", "Superseded");
    private static final Set<String> NEEDS_A_PERSON = Set.of("Stalled", "NeedsAction");

    private RolloutStatusCommand() {}

    /** @param every how long --watch waits between looks */
    public static int run(String[] args, PrintStream out, PrintStream err, Duration every) {
        if (args.length == 0 || !args[0].equals("status")) {
            err.print(USAGE);
            return 3;
        }
        String server = null;
        String token = System.getenv("REMEDIATOR_API_TOKEN");
        boolean watch = false;
        Duration timeout = Duration.ofMinutes(10);
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--watch", "-w" -> watch = true;
                case "--server", "--token", "--timeout" -> {
                    if (i + 1 >= args.length) {
                        err.print("rollout status: " + args[i] + " needs a value\n" + USAGE);
                        return 3;
                    }
                    String v = args[++i];
                    if (args[i - 1].equals("--server")) {
                        server = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
                    } else if (args[i - 1].equals("--token")) {
                        token = v;
                    } else {
                        try {
                            timeout = io.remediator.config.GoDuration.parse(v);
                        } catch (IllegalArgumentException e) {
                            err.println("rollout status: --timeout must be a duration like 10m, got " + v);
                            return 3;
                        }
                    }
                }
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> {
                    err.print("rollout status: unknown argument " + args[i] + "\n" + USAGE);
                    return 3;
                }
            }
        }
        if (server == null) {
            err.print("rollout status: --server is required (the service's URL, e.g. http://localhost:8080)\n" + USAGE);
            return 3;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastLine = null;
        while (true) {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server + "/api/rollouts/current"))
                    .timeout(Duration.ofSeconds(30)).GET();
            if (token != null && !token.isBlank()) {
                req.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r;
            try {
                r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                err.println("rollout status: cannot reach " + server + ": " + e.getMessage());
                return 3;
            }
            if (r.statusCode() == 404) {
                out.println("no KubeVirt update has been seen");
                return 0;
            }
            if (r.statusCode() != 200) {
                err.println("rollout status: " + server + " answered " + r.statusCode()
                        + (r.statusCode() == 401 ? " (give --token or REMEDIATOR_API_TOKEN: api.readToken)" : ""));
                return 3;
            }
            JsonNode c;
            try {
                c = new ObjectMapper().readTree(r.body());
            } catch (Exception e) {
                err.println("rollout status: not the service's JSON: " + e.getMessage());
                return 3;
            }
            String stage = c.path("stage").asText("ControlPlaneUpdating");
            String line = line(c, stage);
            if (!line.equals(lastLine)) {
                out.println(line);
                lastLine = line;
            }
            if (DONE.contains(stage)) {
                return 0;
            }
            if (NEEDS_A_PERSON.contains(stage)) {
                return 1;
            }
            if (!watch || System.nanoTime() > deadline) {
                if (watch) {
                    err.println("rollout status: timed out after " + io.remediator.config.GoDuration.format(timeout));
                }
                return 2;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 3;
            }
        }
    }

    /** "KubeVirt v1.8.4 → v1.9.0: WorkloadsUpdating, 37 outdated VMI(s) left, ETA 18 min". */
    static String line(JsonNode c, String stage) {
        String from = c.path("fromVersion").isTextual() ? c.path("fromVersion").asText() + " → " : "";
        StringBuilder b = new StringBuilder("KubeVirt ").append(from).append(c.path("toVersion").asText("?"))
                .append(": ").append(stage);
        if (c.has("outdated")) {
            b.append(", ").append(c.path("outdated").asInt()).append(" outdated VMI(s) left");
        }
        if (c.path("etaSeconds").isNumber()) {
            long s = c.path("etaSeconds").asLong();
            b.append(", ETA ").append(s < 120 ? s + " s" : (s + 59) / 60 + " min");
        } else if (c.path("etaReason").isTextual()) {
            b.append(" (no ETA: ").append(c.path("etaReason").asText()).append(")");
        }
        return b.toString();
    }
}

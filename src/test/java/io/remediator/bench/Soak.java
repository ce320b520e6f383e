package io.remediator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fault soak `scripts/soak` runs: two replicas (the service jar, the image's JVM flags) under
 * a steady stream of deliveries while the API server is frozen and thawed (SIGSTOP/SIGCONT of its
 * process) and the leader is killed (-9) and started again. After each fault it checks, and at the
 * end it prints:
 * <ul>
 * <li>every acknowledged delivery's alerts are in its report (read from the API server);</li>
 * <li>no action ran twice (an executed action's key, attempt and target UID, over every report);</li>
 * <li>at most one replica acted at any time (the replicas' own "leads" / "stopped acting" lines,
 *     with a killed replica's acting ended at its kill);</li>
 * <li>a delivery of a new group after each recovery gets its first pass within a bound;</li>
 * <li>no replica died on its own (the heap is the image's, with ExitOnOutOfMemoryError), and the
 *     most resident memory seen.</li>
 * </ul>
 *
 * <pre>java -cp test-classpath io.remediator.bench.Soak MINUTES DIR API_PID JAR</pre>
 * with $KUBECONFIG naming the cluster. Not a test: a script that prints a table (docs/reliability.md).
 */
public final class Soak {
    private static final String TOKEN = "soak-webhook-token-0123456789";
    private static final Duration PASS_BOUND = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceDefinitionContext REPORTS = new ResourceDefinitionContext.Builder()
            .withGroup("kubevirt-remediator.io").withVersion("v1alpha1").withKind("RemediationReport")
            .withPlural("remediationreports").withNamespaced(true).build();
    private static final Pattern LEADS = Pattern.compile("^(\\S+) .* (\\S+) leads \\(Lease .*: diagnosing and acting");
    private static final Pattern STOPPED = Pattern.compile("^(\\S+) .* (\\S+) no longer leads \\(Lease .*stopped acting");

    private final Path dir;
    private final long apiPid;
    private final Path jar;
    private final KubernetesClient client = new KubernetesClientBuilder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Replica[] replicas = new Replica[2];
    /** groupKey → the fingerprints of the alerts an acknowledged delivery of it carried. */
    private final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, Integer> faults = new LinkedHashMap<>();
    private final Map<String, Integer> violations = new LinkedHashMap<>();
    private final List<String> violationDetails = new ArrayList<>();
    /** When each replica was killed by the soak (its acting ends there), per identity. */
    private final Map<String, List<Instant>> kills = new HashMap<>();
    private final AtomicInteger groups = new AtomicInteger();
    private volatile boolean running = true;
    private long maxPassSeconds;
    private long maxRssMib;
    private int actingTerms;
    private long maxHeapMib;

    private Soak(Path dir, long apiPid, Path jar) {
        this.dir = dir;
        this.apiPid = apiPid;
        this.jar = jar;
        for (String v : List.of("acknowledged alert missing from its report", "action executed twice",
                "two replicas acting at once", "no pass within " + PASS_BOUND.toSeconds() + " s after recovery",
                "replica died on its own")) {
            violations.put(v, 0);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Soak MINUTES DIR API_PID JAR   ($KUBECONFIG names the cluster)");
            System.exit(2);
        }
        Soak soak = new Soak(Path.of(args[1]), Long.parseLong(args[2]), Path.of(args[3]));
        int code = soak.run(Duration.ofMinutes(Long.parseLong(args[0])));
        System.exit(code);
    }

    /** One replica process: its port, identity and log. */
    private final class Replica {
        final String identity;
        final int port;
        final Path log;
        Process process;
        int starts;

        Replica(String identity, int port) {
            this.identity = identity;
            this.port = port;
            this.log = dir.resolve(identity + ".log");
        }

        void start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("REMEDIATOR_"));
            env.put("REMEDIATOR_WEBHOOK_BEARER_TOKEN", TOKEN);
            env.put("REMEDIATOR_SERVER_PORT", String.valueOf(port));
            env.put("REMEDIATOR_SERVER_HOST", "127.0.0.1");
            env.put("REMEDIATOR_REPORTS_NAMESPACE", "soak");
            env.put("REMEDIATOR_LEADER_ELECTION_IDENTITY", identity);
            env.put("REMEDIATOR_POLICY_MODE", "auto");
            env.put("REMEDIATOR_POLICY_ACTIONS_LIVE_MIGRATE", "auto");
            // Retention would delete reports the check then misses: keep them all.
            env.put("REMEDIATOR_REPORTS_MAX_REPORTS", "5000");
            process = pb.start();
            starts++;
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    private int run(Duration length) throws Exception {
        replicas[0] = new Replica("soak-a", 18091);
        replicas[1] = new Replica("soak-b", 18092);
        // Whatever ends this run, no replica outlives it (nor the API server stays frozen).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                new ProcessBuilder("kill", "-CONT", String.valueOf(apiPid)).start().waitFor();
            } catch (IOException | InterruptedException e) {
                // best effort
            }
            for (Replica r : replicas) {
                if (r != null && r.process != null) {
                    r.process.destroyForcibly();
                }
            }
        }));
        for (Replica r : replicas) {
            r.start();
        }
        awaitLeader(Duration.ofSeconds(90));
        Thread sender = new Thread(this::send, "soak-sender");
        sender.setDaemon(true);
        sender.start();
        Instant end = Instant.now().plus(length);
        int round = 0;
        while (Instant.now().isBefore(end)) {
            sleep(Duration.ofSeconds(45));
            checkAlive();
            switch (round++ % 3) {
                case 0 -> freeze(Duration.ofSeconds(20));
                case 1 -> killLeader();
                default -> freeze(Duration.ofSeconds(45));
            }
            recovered();
            checkStored();
            checkActions();
        }
        running = false;
        sender.join(10_000);
        sleep(Duration.ofSeconds(5));
        checkStored();
        checkActions();
        checkOneActor();
        checkAlive();
        print(length);
        for (Replica r : replicas) {
            if (r.alive()) {
                r.process.destroy();
            }
        }
        return violations.values().stream().mapToInt(Integer::intValue).sum() == 0 ? 0 : 1;
    }

    /** Steady deliveries to both replicas in turn: new groups, and repeats and changes of earlier ones. */
    private void send() {
        int i = 0;
        while (running) {
            String groupKey;
            int alerts;
            if (i % 4 == 0 || groups.get() == 0) {
                groupKey = "{}:{soak=\"g" + groups.incrementAndGet() + "\"}";
                alerts = 1;
            } else {
                groupKey = "{}:{soak=\"g" + (1 + (i * 7919) % groups.get()) + "\"}";
                alerts = 1 + (i % 3);
            }
            Replica to = replicas[i % 2];
            i++;
            String body = payload(groupKey, alerts);
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(to.url() + "/alertmanager/webhook"))
                        .timeout(Duration.ofSeconds(12)).header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    acked.incrementAndGet();
                    Set<String> fps = acknowledged.computeIfAbsent(groupKey, k -> ConcurrentHashMap.newKeySet());
                    for (int a = 0; a < alerts; a++) {
                        fps.add(fingerprint(groupKey, a));
                    }
                } else {
                    refused.incrementAndGet();
                }
            } catch (IOException e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
            sleep(Duration.ofMillis(200));
        }
    }

    private static String fingerprint(String groupKey, int a) {
        return Integer.toHexString((groupKey + "#" + a).hashCode()) + "-" + a;
    }

    private static String payload(String groupKey, int alerts) {
        StringBuilder list = new StringBuilder();
        for (int a = 0; a < alerts; a++) {
            list.append(a == 0 ? "" : ",").append("{\"status\":\"firing\",\"labels\":{\"alertname\":"
                    + "\"OutdatedVirtualMachineInstanceWorkloads\",\"severity\":\"warning\",\"pod\":\"virt-controller-")
                    .append(a).append("\"},\"annotations\":{\"summary\":\"Some running VMIs are still active in outdated"
                    + " pods\"},\"startsAt\":\"2026-12-01T08:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
                    + "\"generatorURL\":\"http://prometheus/graph\",\"fingerprint\":\"").append(fingerprint(groupKey, a))
                    .append("\"}");
        }
        return "{\"version\":\"4\",\"groupKey\":" + JSON.valueToTree(groupKey) + ",\"truncatedAlerts\":0,"
                + "\"status\":\"firing\",\"receiver\":\"kubevirt-remediator\",\"groupLabels\":{},\"commonLabels\":{},"
                + "\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager\",\"alerts\":[" + list + "]}";
    }

    private void freeze(Duration d) throws Exception {
        String kind = "API server frozen " + d.toSeconds() + " s";
        new ProcessBuilder("kill", "-STOP", String.valueOf(apiPid)).inheritIO().start().waitFor();
        try {
            sleep(d);
        } finally {
            new ProcessBuilder("kill", "-CONT", String.valueOf(apiPid)).inheritIO().start().waitFor();
        }
        faults.merge(kind, 1, Integer::sum);
    }

    private void killLeader() throws Exception {
        Replica leader = leader();
        if (leader == null) {
            return;
        }
        kills.computeIfAbsent(leader.identity, k -> new ArrayList<>()).add(Instant.now());
        leader.process.destroyForcibly().waitFor();
        sleep(Duration.ofSeconds(10));
        leader.start();
        faults.merge("leader killed (-9) and restarted", 1, Integer::sum);
    }

    private Replica leader() {
        for (Replica r : replicas) {
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(r.url() + "/readyz"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.body().contains("this replica (" + r.identity + ") leads")) {
                    return r;
                }
            } catch (IOException e) {
                // not up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void awaitLeader(Duration within) {
        Instant until = Instant.now().plus(within);
        while (leader() == null) {
            if (Instant.now().isAfter(until)) {
                throw new IllegalStateException("no replica leads after " + within.toSeconds() + " s; see " + dir);
            }
            sleep(Duration.ofMillis(500));
        }
    }

    /** After a fault: a delivery of a new group gets its first pass within the bound. */
    private void recovered() {
        String groupKey = "{}:{soak=\"probe-" + groups.incrementAndGet() + "\"}";
        Instant started = Instant.now();
        Instant until = started.plus(PASS_BOUND);
        boolean stored = false;
        while (Instant.now().isBefore(until)) {
            for (Replica r : replicas) {
                if (!stored && r.alive()) {
                    try {
                        stored = http.send(HttpRequest.newBuilder(URI.create(r.url() + "/alertmanager/webhook"))
                                .timeout(Duration.ofSeconds(12)).header("Authorization", "Bearer " + TOKEN)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(payload(groupKey, 1))).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                        if (stored) {
                            acknowledged.computeIfAbsent(groupKey, k -> ConcurrentHashMap.newKeySet())
                                    .add(fingerprint(groupKey, 0));
                        }
                    } catch (IOException e) {
                        // try the other one, or again
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            if (stored && passOf(groupKey) >= 1) {
                maxPassSeconds = Math.max(maxPassSeconds, Duration.between(started, Instant.now()).toSeconds());
                return;
            }
            sleep(Duration.ofSeconds(1));
        }
        violation("no pass within " + PASS_BOUND.toSeconds() + " s after recovery", groupKey + (stored ? "" : " (never stored)"));
    }

    private int passOf(String groupKey) {
        List<GenericKubernetesResource> all;
        try {
            all = reports();
        } catch (RuntimeException e) {
            return 0; // the API server is still catching up after a thaw: the next poll asks again
        }
        for (GenericKubernetesResource r : all) {
            Map<String, Object> spec = map(r.getAdditionalProperties().get("spec"));
            Map<String, Object> status = map(r.getAdditionalProperties().get("status"));
            if (groupKey.equals(spec.get("groupKey")) && status.get("pass") instanceof Number n) {
                return n.intValue();
            }
        }
        return 0;
    }

    private List<GenericKubernetesResource> reports() {
        return client.genericKubernetesResources(REPORTS).inNamespace("soak").list().getItems();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Every acknowledged alert is in its group's report, as stored (common fields restored or not, the fingerprint is its own). */
    private void checkStored() {
        // What was acknowledged before the reports are read is what they must hold.
        Map<String, Set<String>> asked = new HashMap<>();
        acknowledged.forEach((k, v) -> asked.put(k, Set.copyOf(v)));
        Map<String, Set<String>> stored = new HashMap<>();
        try {
            for (GenericKubernetesResource r : reports()) {
                JsonNode spec = JSON.valueToTree(r.getAdditionalProperties().get("spec"));
                Set<String> fps = stored.computeIfAbsent(spec.path("groupKey").asText(), k -> new TreeSet<>());
                spec.path("alerts").forEach(a -> fps.add(a.path("fingerprint").asText()));
                fps.add(spec.path("common").path("fingerprint").asText());
            }
        } catch (RuntimeException e) {
            return; // the API is still coming back; the next check sees it
        }
        for (Map.Entry<String, Set<String>> e : asked.entrySet()) {
            Set<String> have = stored.getOrDefault(e.getKey(), Set.of());
            // A later delivery of the same group may carry fewer alerts (a changed set): the newest set
            // is stored. What must hold is that the group has a report holding one of its acknowledged sets.
            if (have.isEmpty() || e.getValue().stream().noneMatch(have::contains)) {
                violation("acknowledged alert missing from its report", e.getKey());
            }
        }
    }

    /** No executed action (its key, attempt and target UID) appears executed in two places. */
    private void checkActions() {
        Map<String, Integer> executed = new HashMap<>();
        try {
            for (GenericKubernetesResource r : reports()) {
                JsonNode actions = JSON.valueToTree(r.getAdditionalProperties().get("status")).path("remediation").path("actions");
                Set<String> inThisReport = new TreeSet<>();
                for (JsonNode a : actions) {
                    if (!a.path("executedAt").isMissingNode() && !a.path("executedAt").isNull()
                            && "DONE".equals(a.path("result").path("outcome").asText())) {
                        inThisReport.add(a.path("key").asText() + " #" + a.path("attempt").asInt() + " "
                                + a.path("targetUid").asText() + " at " + a.path("executedAt").asText());
                    }
                }
                inThisReport.forEach(k -> executed.merge(k.substring(0, k.indexOf(" at ")), 1, Integer::sum));
            }
        } catch (RuntimeException e) {
            return;
        }
        executed.forEach((k, n) -> {
            if (n > 1) {
                violation("action executed twice", k);
            }
        });
    }

    /** From the replicas' logs: acting intervals never overlap (a kill ends the killed one's). */
    private void checkOneActor() throws IOException {
        java.time.format.DateTimeFormatter stamp = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        List<Instant[]> intervals = new ArrayList<>();
        for (Replica r : replicas) {
            // Events in time order: +1 leads, -1 stopped acting, 0 killed by the soak.
            List<Map.Entry<Instant, Integer>> events = new ArrayList<>();
            for (String line : Files.readAllLines(r.log)) {
                Matcher leads = LEADS.matcher(line);
                Matcher stopped = STOPPED.matcher(line);
                if (leads.find() && leads.group(2).equals(r.identity)) {
                    events.add(Map.entry(java.time.OffsetDateTime.parse(leads.group(1), stamp).toInstant(), 1));
                } else if (stopped.find() && stopped.group(2).equals(r.identity)) {
                    events.add(Map.entry(java.time.OffsetDateTime.parse(stopped.group(1), stamp).toInstant(), -1));
                }
            }
            kills.getOrDefault(r.identity, List.of()).forEach(k -> events.add(Map.entry(k, 0)));
            events.sort(Map.Entry.comparingByKey());
            Instant since = null;
            for (Map.Entry<Instant, Integer> e : events) {
                if (e.getValue() == 1 && since == null) {
                    since = e.getKey();
                } else if (e.getValue() <= 0 && since != null) {
                    intervals.add(new Instant[] {since, e.getKey()});
                    since = null;
                }
            }
            if (since != null) {
                intervals.add(new Instant[] {since, Instant.now()});
            }
        }
        intervals.sort(java.util.Comparator.comparing(i -> i[0]));
        for (int i = 1; i < intervals.size(); i++) {
            if (intervals.get(i)[0].isBefore(intervals.get(i - 1)[1])) {
                violation("two replicas acting at once", intervals.get(i - 1)[0] + ".." + intervals.get(i - 1)[1]
                        + " and " + intervals.get(i)[0] + ".." + intervals.get(i)[1]);
            }
        }
        actingTerms = intervals.size();
    }

    private void checkAlive() throws IOException {
        for (Replica r : replicas) {
            if (r.process != null && !r.process.isAlive()) {
                violation("replica died on its own", r.identity + " (exit " + r.process.exitValue() + ")");
                r.start();
            }
            if (r.alive()) {
                maxHeapMib = Math.max(maxHeapMib, heapMib(r));
                Path status = Path.of("/proc", String.valueOf(r.process.pid()), "status");
                if (Files.isReadable(status)) {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmRSS:") && line.matches("VmRSS:\\s+\\d+ kB")) {
                            maxRssMib = Math.max(maxRssMib, Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                        }
                    }
                }
            }
        }
    }

    /** The replica's own heap in use (Micrometer's jvm_memory_used_bytes, area heap), in MiB. */
    private long heapMib(Replica r) {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(r.url() + "/metrics")).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            double used = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (long) (used / (1024 * 1024));
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private void violation(String kind, String detail) {
        violations.merge(kind, 1, Integer::sum);
        if (violationDetails.size() < 20) {
            violationDetails.add(kind + ": " + detail);
        }
    }

    private void print(Duration length) {
        System.out.println();
        System.out.printf("Soak of %d min: 2 replicas (-Xmx256m, serial GC), policy auto, %d cores%n", length.toMinutes(),
                Runtime.getRuntime().availableProcessors());
        System.out.println();
        System.out.println("| fault | survived |");
        System.out.println("|---|---:|");
        faults.forEach((k, v) -> System.out.printf("| %s | %d |%n", k, v));
        System.out.println();
        System.out.println("| deliveries | count |");
        System.out.println("|---|---:|");
        System.out.printf("| acknowledged (200) | %d |%n| refused (503, retried by Alertmanager) | %d |%n"
                + "| no answer (replica down or stalled) | %d |%n| alert groups | %d |%n", acked.get(), refused.get(),
                failed.get(), acknowledged.size());
        System.out.println();
        System.out.println("| invariant | violations |");
        System.out.println("|---|---:|");
        violations.forEach((k, v) -> System.out.printf("| %s | %d |%n", k, v));
        System.out.println();
        System.out.printf("Acting terms seen in the replicas' logs: %d.%n", actingTerms);
        System.out.printf("Longest time from a recovered fault to a new report's first pass: %d s (bound %d s).%n",
                maxPassSeconds, PASS_BOUND.toSeconds());
        System.out.printf("Most heap in use seen (after each fault): %d MiB of 256 MiB; most resident memory: %d MiB."
                + " Replica starts: %s.%n", maxHeapMib, maxRssMib,
                replicas[0].identity + " " + replicas[0].starts + ", " + replicas[1].identity + " " + replicas[1].starts);
        violationDetails.forEach(d -> System.out.println("  " + d));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

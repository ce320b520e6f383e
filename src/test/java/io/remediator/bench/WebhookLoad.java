package io.remediator.bench;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load `scripts/bench-webhook` puts on a running service, as Alertmanager would: closed-loop
 * connections each sending the next delivery when the last was answered. Prints markdown tables.
 *
 * <pre>WebhookLoad URL TOKEN SECONDS   (uses $KUBECONFIG for the side-by-side raw API writes)</pre>
 */
public final class WebhookLoad {
    private static final String ALERTNAME = "OutdatedVirtualMachineInstanceWorkloads";
    private static final int SEQUENTIAL = 300;
    private static final int CONNECTIONS = 8;

    private final String url;
    private final String token;

    private WebhookLoad(String url, String token) {
        this.url = url;
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: WebhookLoad URL TOKEN SECONDS");
            System.exit(2);
        }
        WebhookLoad load = new WebhookLoad(args[0], args[1]);
        int seconds = Integer.parseInt(args[2]);
        String run = UUID.randomUUID().toString().substring(0, 6);
        if (seconds == 0) { // only the 10,000-VMI report's page
            load.bigReport(run);
            return;
        }

        System.out.println("### Sequential: one repeat delivery vs one raw API write (" + SEQUENTIAL + " each)");
        System.out.println();
        System.out.println("| request | n | non-2xx | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        String one = load.payload(run + "-seq", 0, 1);
        load.send(HttpClient.newHttpClient(), one); // stored once: what follows are repeats
        Latencies raw = rawWrites();
        Latencies repeats = load.sequential(one);
        System.out.println(raw.row("raw API write (merge patch of a ConfigMap)"));
        System.out.println(repeats.row("repeat delivery, 1 alert"));
        System.out.printf(Locale.ROOT, "%nrepeat p99 / raw write p99 = %.2f%n%n", repeats.p(0.99) / raw.p(0.99));

        System.out.println("### Concurrent: " + CONNECTIONS + " connections, " + seconds + " s each");
        System.out.println();
        System.out.println("| shape | alerts per delivery | deliveries | per s | non-2xx | p50 ms | p90 ms | p99 ms | max ms |"
                + " new reports | passes for repeats | per 1,000 repeats |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int alerts : new int[] {1, 100}) {
            for (int groups : new int[] {1, 100}) {
                String shape = groups == 1 ? "repeats of one group" : "100 distinct groups (new episodes first)";
                List<String> bodies = new ArrayList<>();
                for (int g = 0; g < groups; g++) {
                    bodies.add(load.payload(run + "-" + alerts + "-" + groups, g, alerts));
                }
                if (groups == 1) {
                    load.send(HttpClient.newHttpClient(), bodies.get(0));
                }
                load.quiet(); // the passes earlier rows started are done: each row has the cores to itself
                double repeatPassesBefore = load.passesStarted("REPEAT") + load.passesStarted("ALERTS_CHANGED");
                long started = System.nanoTime();
                Latencies l = load.concurrent(bodies, Duration.ofSeconds(seconds));
                double took = (System.nanoTime() - started) / 1e9;
                Thread.sleep(3_000); // a pass a delivery caused has started by now
                double repeatPasses = load.passesStarted("REPEAT") + load.passesStarted("ALERTS_CHANGED")
                        - repeatPassesBefore;
                int newReports = groups == 1 ? 0 : groups;
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %d | %.1f | %.1f | %.1f | %.1f | %d | %.0f | %.2f |%n",
                        shape, alerts, l.count(), l.count() / took, l.bad, l.p(0.5), l.p(0.9), l.p(0.99), l.max(),
                        newReports, repeatPasses, repeatPasses * 1000 / (l.count() - newReports));
                if (groups > 1) {
                    Latencies f = load.firsts;
                    System.out.printf(Locale.ROOT, "| … of which the first of each group (creates its report) | %d | %d | | %d"
                            + " | %.1f | %.1f | %.1f | %.1f | | | |%n", alerts, f.count(), f.bad, f.p(0.5), f.p(0.9), f.p(0.99),
                            f.max());
                }
            }
        }
        System.out.println();
        load.index(run, 1000);
        load.bigReport(run);
    }

    /**
     * One report of a 10,000-VMI diagnosis (stored as the leader stores it: bounded to
     * reports.maxObjectBytes, the rest counted), then its page and JSON, 50 GETs each.
     */
    private void bigReport(String run) throws Exception {
        String id;
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            io.remediator.report.ReportStore store = new io.remediator.report.ReportStore(client, "default", 1_000_000);
            // Resolved, so the leader closes it (keeping this diagnosis) instead of diagnosing again.
            io.remediator.report.StoredReport created = store.recordDelivery(io.remediator.report.ReportStoreTestAccess
                    .delivery("{}:{bench=\"" + run + "-10000\"}", "resolved", java.time.Instant.now()));
            List<io.remediator.runbook.OutdatedVmi> vmis = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                vmis.add(io.remediator.report.ReportStoreTestAccess.vmi(i, i % 100 == 0
                        ? io.remediator.runbook.RecommendedAction.STOP : io.remediator.runbook.RecommendedAction.LIVE_MIGRATE));
            }
            id = created.name();
            // The leader closes the resolved report; then its stored diagnosis becomes this one.
            for (int i = 0; i < 100 && store.get(id).orElseThrow().status() == null; i++) {
                Thread.sleep(100);
            }
            store.writeStatus(store.get(id).orElseThrow(), io.remediator.report.ReportStoreTestAccess.status(vmis, List.of())
                    .withPhase(io.remediator.report.ReportPhase.Closed));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        System.out.println("### A report of 10,000 outdated VMIs (50 GETs each)");
        System.out.println();
        System.out.println("| URL | bytes | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|");
        for (String path : List.of("/reports/" + id, "/reports/" + id + "?page=3", "/reports/" + id + "?action=STOP",
                "/api/reports/" + id)) {
            Latencies l = new Latencies(50);
            int bytes = 0;
            for (int i = 0; i < 55; i++) {
                long t = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (i >= 5) {
                    l.add(System.nanoTime() - t, r.statusCode() == 200);
                }
                bytes = r.body().length();
            }
            System.out.printf(Locale.ROOT, "| `%s` | %d | %.1f | %.1f | %.1f | %.1f |%n",
                    path.replace(id, "{id}"), bytes, l.p(0.5), l.p(0.9), l.p(0.99), l.max());
        }
        System.out.println();
    }

    /**
     * The index at {@code reports} stored reports: 300 sequential GETs of each URL, as a person
     * paging and filtering, or a tool polling.
     */
    private void index(String run, int reports) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int stored = total(http, "/api/reports");
        for (int g = 0; stored + g < reports; g++) {
            if (send(http, payload(run + "-index", g, 1)) == 503) {
                Thread.sleep(1_000); // past the new-report budget per minute: as Alertmanager, retry
                g--;
            }
        }
        quiet();
        System.out.println("### The index with " + total(http, "/api/reports") + " stored reports (300 GETs each)");
        System.out.println();
        System.out.println("| URL | rows | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|");
        for (String path : List.of("/api/reports", "/api/reports?page=7", "/api/reports?status=firing&phase=Done&alert="
                + ALERTNAME, "/api/reports?phase=Received", "/reports", "/reports?page=7&status=firing",
                "/reports?phase=Done&alert=" + ALERTNAME + "&pageSize=500")) {
            Latencies l = new Latencies(300);
            int rows = 0;
            for (int i = 0; i < 320; i++) {
                long t = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (i >= 20) {
                    l.add(System.nanoTime() - t, r.statusCode() == 200);
                }
                rows = path.startsWith("/api") ? r.body().split("\"id\":", -1).length - 1
                        : r.body().split("<a href=\"/reports/", -1).length - 1;
            }
            System.out.printf(Locale.ROOT, "| `%s` | %d | %.1f | %.1f | %.1f | %.1f |%n", path, rows, l.p(0.5), l.p(0.9),
                    l.p(0.99), l.max());
        }
        System.out.println();
    }

    private int total(HttpClient http, String path) throws Exception {
        return Integer.parseInt(http.send(HttpRequest.newBuilder(URI.create(url + path)).build(),
                HttpResponse.BodyHandlers.discarding()).headers().firstValue("X-Total-Count").orElse("0"));
    }

    /** One alert group's delivery: {@code alerts} alerts of KubeVirt's rule, from {@code alerts} virt-controller targets. */
    String payload(String run, int group, int alerts) {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < alerts; i++) {
            list.append(i == 0 ? "" : ",").append("""
                    {"status":"firing","labels":{"alertname":"%s","severity":"warning","operator_health_impact":"none",
                       "kubernetes_operator_part_of":"kubevirt","kubernetes_operator_component":"kubevirt",
                       "namespace":"kubevirt","pod":"virt-controller-%d","container":"virt-controller",
                       "endpoint":"metrics","service":"kubevirt-prometheus-metrics","job":"kubevirt-prometheus-metrics",
                       "instance":"10.244.%d.%d:8443","cluster":"%s-%d"},
                     "annotations":{"summary":"Some running VMIs are still active in outdated pods after KubeVirt control plane update has completed.",
                       "runbook_url":"https://kubevirt.io/monitoring/runbooks/OutdatedVirtualMachineInstanceWorkloads"},
                     "startsAt":"2026-11-26T08:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",
                     "generatorURL":"http://prometheus.example:9090/graph?g0.expr=kubevirt_vmi_number_of_outdated",
                     "fingerprint":"%016x"}""".formatted(ALERTNAME, i, i / 250, i % 250, run, group,
                    (run + group + "/" + i).hashCode() & 0xffffffffL));
        }
        return """
                {"receiver":"kubevirt-remediator","status":"firing","alerts":[%s],
                 "groupLabels":{"alertname":"%s","cluster":"%s-%d"},"commonLabels":{"alertname":"%s"},"commonAnnotations":{},
                 "externalURL":"http://alertmanager.example:9093","version":"4",
                 "groupKey":"{}:{alertname=\\"%s\\",cluster=\\"%s-%d\\"}","truncatedAlerts":0}
                """.formatted(list, ALERTNAME, run, group, ALERTNAME, ALERTNAME, run, group);
    }

    private int send(HttpClient http, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/alertmanager/webhook"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Latencies sequential(String body) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Latencies l = new Latencies(SEQUENTIAL);
        for (int i = 0; i < 20; i++) {
            send(http, body); // warm-up
        }
        for (int i = 0; i < SEQUENTIAL; i++) {
            long t = System.nanoTime();
            int code = send(http, body);
            l.add(System.nanoTime() - t, code / 100 == 2);
        }
        return l;
    }

    /** The first delivery of each group in the last concurrent run: the ones that created a report. */
    private Latencies firsts = new Latencies(128);

    private Latencies concurrent(List<String> bodies, Duration duration) throws Exception {
        firsts = new Latencies(128);
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        AtomicInteger next = new AtomicInteger();
        long end = System.nanoTime() + duration.toNanos();
        List<Future<Latencies>> workers = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            workers.add(pool.submit(() -> {
                // One client per worker: its own HTTP/1.1 connection, as each Alertmanager sender has.
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                Latencies l = new Latencies(1024);
                while (System.nanoTime() < end) {
                    int i = next.getAndIncrement();
                    String body = bodies.get(Math.floorMod(i, bodies.size()));
                    long t = System.nanoTime();
                    int code = send(http, body);
                    long took = System.nanoTime() - t;
                    l.add(took, code / 100 == 2);
                    if (i < bodies.size() && bodies.size() > 1) {
                        synchronized (firsts) {
                            firsts.add(took, code / 100 == 2);
                        }
                    }
                }
                return l;
            }));
        }
        Latencies all = new Latencies(4096);
        for (Future<Latencies> w : workers) {
            all.addAll(w.get());
        }
        pool.shutdown();
        return all;
    }

    private static final Pattern PASSES = Pattern.compile("(?m)^remediator_passes_total\\{reason=\"([A-Z_]+)\"} ([0-9.eE+]+)$");

    /** Passes the leader started, for one reason or (null) all. */
    private double passesStarted(String reason) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        Matcher m = PASSES.matcher(metrics);
        while (m.find()) {
            if (reason == null || reason.equals(m.group(1))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** Waits until no pass has started for 5 s (at most 5 minutes). */
    private void quiet() throws Exception {
        double last = -1;
        for (int i = 0; i < 60; i++) {
            double now = passesStarted(null);
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(5_000);
        }
    }

    /** The floor: one small write to the same API server, from a client on the same machine. */
    private static Latencies rawWrites() {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            var cms = client.configMaps().inNamespace("default");
            String name = "bench-raw-write-" + UUID.randomUUID().toString().substring(0, 6);
            cms.resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("n", "0").build())
                    .create();
            Latencies l = new Latencies(SEQUENTIAL);
            for (int i = 0; i < SEQUENTIAL + 20; i++) {
                long t = System.nanoTime();
                cms.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"n\":\"" + i + "\"}}");
                if (i >= 20) {
                    l.add(System.nanoTime() - t, true);
                }
            }
            cms.withName(name).delete();
            return l;
        }
    }

    /** Latencies in nanoseconds, and how many answers were not 2xx. */
    static final class Latencies {
        private long[] nanos;
        private int n;
        int bad;

        Latencies(int capacity) {
            nanos = new long[capacity];
        }

        void add(long took, boolean ok) {
            if (n == nanos.length) {
                nanos = Arrays.copyOf(nanos, n * 2);
            }
            nanos[n++] = took;
            bad += ok ? 0 : 1;
        }

        void addAll(Latencies other) {
            for (int i = 0; i < other.n; i++) {
                add(other.nanos[i], true);
            }
            bad += other.bad;
        }

        int count() {
            return n;
        }

        /** The q-quantile in ms (nearest rank). */
        double p(double q) {
            long[] sorted = Arrays.copyOf(nanos, n);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(q * n) - 1;
            return sorted[Math.max(0, Math.min(n - 1, rank))] / 1e6;
        }

        double max() {
            return p(1.0);
        }

        String row(String what) {
            return String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f |", what, n, bad, p(0.5), p(0.9),
                    p(0.99), max());
        }
    }
}

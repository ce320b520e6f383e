package io.remediator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.remediator.kubevirt.KubeVirtResources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The rollout watch at scale, for `scripts/bench-rollout`. Two steps, each its own run:
 *
 * <pre>RolloutBench complete              (virt-operator: the control plane completed a minute ago)
 * RolloutBench burn URL N RATE SECONDS (KubeVirt's VMI controller: RATE outdated labels removed per
 *                                       second; prints when the service's count showed each one)</pre>
 *
 * The latency of the k-th removal is from the moment its PATCH returned to the first poll of
 * `/api/rollouts/current` (every 100 ms, at the response) whose burn-down counts k fewer VMIs.
 */
public final class RolloutBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        io.fabric8.kubernetes.client.Config config = io.fabric8.kubernetes.client.Config.autoConfigure(null);
        config.setRequestTimeout(300_000); // one LIST of every outdated VMI is ~65 MB at 10,000
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            switch (args[0]) {
                case "complete" -> complete(client);
                case "first" -> first(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "burn" -> burn(client, args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]));
                default -> throw new IllegalArgumentException("complete | first URL N TIMEOUT | burn URL N RATE SECONDS");
            }
        }
    }

    /** The status virt-operator writes when the control plane is done: the IDs equal, Progressing False since a minute. */
    static void complete(KubernetesClient client) {
        String at = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString();
        GenericKubernetesResource kv = client.genericKubernetesResources(KubeVirtResources.KUBEVIRT).inNamespace("kubevirt")
                .withName("kubevirt").get();
        kv.getAdditionalProperties().put("status", Map.of("phase", "Deployed",
                "observedKubeVirtVersion", "v1.9.0", "targetKubeVirtVersion", "v1.9.0",
                "observedDeploymentID", "deploy-bench-" + at, "targetDeploymentID", "deploy-bench-" + at,
                "conditions", List.of(Map.of("type", "Available", "status", "True", "lastTransitionTime", at),
                        Map.of("type", "Progressing", "status", "False", "lastTransitionTime", at))));
        client.resource(kv).updateStatus();
    }

    /** The current rollout, or null while there is none (or the service is not listening yet). */
    private static JsonNode current(HttpClient http, String url) throws Exception {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/rollouts/current"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return null;
        }
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    /** Waits until the current rollout counts n outdated VMIs; prints the milliseconds it took. */
    static void first(String url, int n, int timeoutSeconds) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long start = System.nanoTime();
        JsonNode c = null;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(timeoutSeconds)) {
            c = current(http, url);
            if (c != null && c.path("outdated").asInt() == n) {
                System.out.println((System.nanoTime() - start) / 1_000_000);
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the rollout never counted " + n + " outdated VMIs: " + c);
    }

    static void burn(KubernetesClient client, String url, int n, int rate, int seconds) throws Exception {
        // Only the VMIs it will change: one unpaged LIST of 50,000 from etcd (the API server's watch
        // cache off, as this machine needs at that size) took the API server past 16 GiB.
        List<GenericKubernetesResource> vmis = client.genericKubernetesResources(KubeVirtResources.VMI).inAnyNamespace()
                .withLabel(KubeVirtResources.OUTDATED_LABEL)
                .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit((long) rate * seconds).build())
                .getItems();
        int total = Math.min(vmis.size(), rate * seconds);
        HttpClient http = HttpClient.newHttpClient();
        List<long[]> polls = Collections.synchronizedList(new ArrayList<>()); // {nanos, outdated}
        ConcurrentLinkedQueue<Long> removed = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService writers = Executors.newScheduledThreadPool(16);
        Thread poller = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    JsonNode c = current(http, url);
                    if (c != null) {
                        polls.add(new long[] {System.nanoTime(), c.path("outdated").asInt()});
                    }
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a slow answer is a gap in the polls, measured as latency
                }
            }
        });
        poller.start();
        long startNanos = System.nanoTime();
        long periodMicros = 1_000_000L / rate;
        for (int i = 0; i < total; i++) {
            writers.schedule(() -> {
                GenericKubernetesResource v = vmis.get(next.getAndIncrement());
                client.genericKubernetesResources(KubeVirtResources.VMI).inNamespace(v.getMetadata().getNamespace())
                        .withName(v.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON),
                                "[{\"op\":\"remove\",\"path\":\"/metadata/labels/kubevirt.io~1outdatedLauncherImage\"}]");
                removed.add(System.nanoTime());
            }, i * periodMicros, TimeUnit.MICROSECONDS);
        }
        writers.shutdown();
        writers.awaitTermination(seconds * 10L, TimeUnit.SECONDS);
        double achieved = total / ((System.nanoTime() - startNanos) / 1e9);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            synchronized (polls) {
                if (!polls.isEmpty() && polls.get(polls.size() - 1)[1] <= n - total) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        poller.interrupt();
        poller.join();
        List<Long> at = new ArrayList<>(removed);
        Collections.sort(at);
        List<Long> latencies = new ArrayList<>();
        List<long[]> seen;
        synchronized (polls) {
            seen = new ArrayList<>(polls);
        }
        int missing = 0;
        for (int k = 1; k <= at.size(); k++) {
            long when = at.get(k - 1);
            int left = n - k;
            long shown = -1;
            for (long[] p : seen) {
                if (p[0] >= when && p[1] <= left) {
                    shown = p[0];
                    break;
                }
            }
            if (shown < 0) {
                missing++;
            } else {
                latencies.add((shown - when) / 1_000_000);
            }
        }
        Collections.sort(latencies);
        System.out.printf("removed=%d rate=%.1f/s p50=%d p99=%d max=%d never=%d polls=%d%n", at.size(), achieved,
                pct(latencies, 50), pct(latencies, 99), latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1),
                missing, seen.size());
    }

    private static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}

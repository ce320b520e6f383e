package io.remediator.web;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javalin.config.RoutesConfig;
import io.remediator.kubevirt.ApiErrors;
import io.remediator.kubevirt.OneShotRead;
import io.remediator.metrics.RemediatorMetrics;
import io.remediator.preflight.Preflight;
import io.remediator.runbook.KnownSignatures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pre-flight in the service (docs/preflight.md): `POST /api/preflight` (JSON) and
 * `GET /preflight` (HTML), read like the reports. One computation at a time, its result kept 60 s:
 * a second request gets the kept (or the running) one, never a second round of LISTs.
 */
public final class PreflightRoutes {
    static final Duration KEEP = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final RemediatorMetrics metrics;
    private final Clock clock;
    private final KnownSignatures known = KnownSignatures.shipped();
    private final com.github.mustachejava.Mustache page = new com.github.mustachejava.DefaultMustacheFactory("templates")
            .compile("preflight.mustache");
    private Preflight.Report last;
    private Instant lastAt;

    public PreflightRoutes(KubernetesClient client, RemediatorMetrics metrics, Clock clock) {
        this.client = client;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Where a published pre-flight goes: answers where it went, in words; a failure throws. */
    @FunctionalInterface
    public interface Publisher {
        String publish(Preflight.Report r);
    }

    private final List<Publisher> publishers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** `POST /api/preflight/publish` also hands the result to this (the ConfigMap, Slack). */
    public PreflightRoutes publishingTo(Publisher p) {
        publishers.add(p);
        return this;
    }

    /** The kept result while it is younger than {@link #KEEP}, else a new one; one at a time. */
    synchronized Preflight.Report current() {
        Instant now = clock.instant();
        if (last != null && lastAt != null && now.isBefore(lastAt.plus(KEEP))) {
            return last;
        }
        Preflight.Report r = Preflight.assess(OneShotRead.of(client, List.of(), null), now, known);
        last = r;
        lastAt = now;
        Map<String, String> gates = new LinkedHashMap<>();
        r.gates().forEach(g -> gates.put(g.gate(), g.result().name()));
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (Preflight.Outcome o : Preflight.Outcome.values()) {
            outcomes.put(o.name(), 0);
        }
        r.namespaces().forEach(ns -> ns.counts().forEach((o, n) -> outcomes.merge(o.name(), n, Integer::sum)));
        metrics.preflight(gates, List.of("PASS", "WARN", "FAIL", "INFO"), outcomes);
        return r;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/preflight", ctx -> {
            try {
                ctx.json(current());
            } catch (KubernetesClientException e) {
                ctx.status(502).json(Map.of("error", "the pre-flight could not read the cluster: " + ApiErrors.describe(e)));
            }
        }, Access.REPORT_READER);
        // The chart's CronJob (preflight.schedule): a fresh (or the kept) result, kept in the
        // ConfigMap and posted to Slack; admin only, since it writes.
        routes.post("/api/preflight/publish", ctx -> {
            Preflight.Report r;
            try {
                r = current();
            } catch (KubernetesClientException e) {
                ctx.status(502).json(Map.of("error", "the pre-flight could not read the cluster: " + ApiErrors.describe(e)));
                return;
            }
            List<String> published = new java.util.ArrayList<>();
            List<String> failed = new java.util.ArrayList<>();
            for (Publisher p : publishers) {
                try {
                    published.add(p.publish(r));
                } catch (KubernetesClientException e) {
                    failed.add(ApiErrors.describe(e));
                } catch (RuntimeException e) {
                    failed.add(String.valueOf(e.getMessage()));
                }
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("generatedAt", r.generatedAt());
            answer.put("exitCode", r.exitCode());
            answer.put("published", published);
            answer.put("failed", failed);
            ctx.status(failed.isEmpty() ? 200 : 502).json(answer);
        }, Access.APPROVER);
        routes.get("/preflight", ctx -> {
            Preflight.Report r;
            try {
                r = current();
            } catch (KubernetesClientException e) {
                ctx.status(502).result("the pre-flight could not read the cluster: " + ApiErrors.describe(e));
                return;
            }
            Map<String, Object> view = new java.util.HashMap<>();
            view.put("r", r);
            view.put("verdict", r.exitCode() == 0 ? "ready" : r.exitCode() == 2 ? "ready with warnings" : "not ready");
            view.put("namespaces", r.namespaces().stream().map(ns -> Map.of("namespace", ns.namespace(), "counts",
                    ns.counts().toString(), "vms", ns.vms().stream().map(v -> Map.of("name", v.name(), "outcome",
                            v.outcome().name(), "flags", String.join(", ", v.flags().stream().map(Enum::name).sorted().toList()),
                            "why", v.why())).toList())).toList());
            java.io.StringWriter out = new java.io.StringWriter();
            page.execute(out, view);
            ctx.html(out.toString());
        }, Access.REPORT_READER);
    }
}

package io.remediator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.remediator.kubevirt.KubeVirtResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A STAND-IN for KubeVirt's virt-api, serving only the three subresources `virtctl restart`,
 * `virtctl stop` and `virtctl evacuate-cancel vmi` call:
 * `PUT /apis/subresources.kubevirt.io/v1/namespaces/{ns}/virtualmachines/{name}/restart|stop` and
 * `PUT …/virtualmachineinstances/{name}/evacuate/cancel`.
 * virt-api itself cannot run here; this one is registered the way virt-api is, as an aggregated
 * API (an `APIService` `v1.subresources.kubevirt.io` in front of a Service), so every request goes
 * through the real kube-apiserver's aggregator, authentication and RBAC (a caller without
 * `update` on `virtualmachines/restart` gets the API server's own 403 and never reaches this).
 *
 * <p>Its answers follow KubeVirt v1.9.0's `pkg/virt-api/rest/lifecycle.go`:
 * <ul>
 * <li>restart (RestartVMRequestHandler): 404 for a missing VM; 409 "RunStategy Halted|Once does not
 *     support manual restart requests"; 409 "VM is not running" without a VMI; otherwise a status
 *     patch `stateChangeRequests: [Stop{uid: the VMI's UID}, Start]` and 202.</li>
 * <li>stop (StopVMRequestHandler, no grace period): Halted → 409 (only shorter grace periods);
 *     Manual / RerunOnFailure → 409 "VM is not running" without a VMI, else a status patch
 *     `stateChangeRequests: [Stop{uid}]` (the run strategy is kept); Always / Once → a JSON patch
 *     with a `test` of the current `spec.runStrategy` (or `spec.running`) setting Halted (false).</li>
 * <li>`dryRun: [All]` in the options body: every check, no write (KubeVirt passes it on to its
 *     own patch as PatchOptions.DryRun).</li>
 * </ul>
 * What it does not do: KubeVirt's VM controller is not here, so nothing acts on the state-change
 * requests; tests assert the requests themselves, which is where virt-api's job ends.
 */
public final class KubeVirtApiStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile(
            "/apis/subresources\\.kubevirt\\.io/v1/namespaces/([^/]+)/(virtualmachines/([^/]+)/(restart|stop)"
                    + "|virtualmachineinstances/([^/]+)/(evacuate/cancel))");
    static final String NAMESPACE = "kubevirt";
    static final String SERVICE = "virt-api";
    static final String API_SERVICE = "v1.subresources.kubevirt.io";

    /** @param user the caller the aggregator names in X-Remote-User */
    public record Call(String verb, String namespace, String vm, boolean dryRun, String user, int answered) {}

    private final TestCluster cluster;
    private final HttpsServer server;
    private static final String ANSWER_HOOK = "virt-api-stand-in.answer";
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private KubeVirtApiStandIn(TestCluster cluster, HttpsServer server) {
        this.cluster = cluster;
        this.server = server;
    }

    /** Serves and registers it, and waits until the aggregator reports the APIService Available. */
    public static KubeVirtApiStandIn register(TestCluster cluster, Path workDir) {
        try {
            LoopbackTls tls = LoopbackTls.create(workDir, "virt-api");
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls.context()));
            KubeVirtApiStandIn api = new KubeVirtApiStandIn(cluster, server);
            server.createContext("/", api::handle);
            // One thread per request, as virt-api serves them: the API server's proxy can resend a request
            // without its body on a stale connection (seen in CI), and a dispatcher blocked reading that body
            // held every other call for the client's 30 s timeout.
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "virt-api-stand-in");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            int port = server.getAddress().getPort();
            cluster.namespace(NAMESPACE);
            cluster.client().resource("""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: %s, namespace: %s}
                    spec:
                      type: ExternalName
                      externalName: localhost
                      ports: [{port: %d, protocol: TCP}]
                    """.formatted(SERVICE, NAMESPACE, port)).createOr(op -> op.update());
            cluster.client().resource("""
                    apiVersion: apiregistration.k8s.io/v1
                    kind: APIService
                    metadata: {name: %s}
                    spec:
                      group: subresources.kubevirt.io
                      version: v1
                      groupPriorityMinimum: 1000
                      versionPriority: 15
                      insecureSkipTLSVerify: true
                      service: {name: %s, namespace: %s, port: %d}
                    """.formatted(API_SERVICE, SERVICE, NAMESPACE, port)).createOr(op -> op.update());
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!api.available()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("APIService " + API_SERVICE + " did not become Available: "
                            + cluster.client().genericKubernetesResources("apiregistration.k8s.io/v1", "APIService")
                            .withName(API_SERVICE).get());
                }
                Thread.sleep(200);
            }
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean available() {
        GenericKubernetesResource s = cluster.client().genericKubernetesResources("apiregistration.k8s.io/v1", "APIService")
                .withName(API_SERVICE).get();
        if (s == null || !(s.get("status", "conditions") instanceof List<?> conditions)) {
            return false;
        }
        boolean up = conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m
                && "Available".equals(m.get("type")) && "True".equals(m.get("status")));
        if (!up || cluster.client().getApiGroup(KubeVirtResources.SUBRESOURCES_GROUP) == null) {
            return false;
        }
        // The aggregator's proxy picks the APIService up on its own schedule: wait until a request
        // through the API server reaches this server.
        try {
            String answer = cluster.client().raw("/apis/subresources.kubevirt.io/v1");
            return answer != null && answer.contains("virtualmachines/restart");
        } catch (KubernetesClientException e) {
            return false;
        }
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try {
            if ("GET".equals(exchange.getRequestMethod())) {
                discovery(exchange, path);
                return;
            }
            Matcher m = PATH.matcher(path);
            if (!"PUT".equals(exchange.getRequestMethod()) || !m.matches()) {
                System.err.println("virt-api stand-in: no route for " + exchange.getRequestMethod() + " " + path);
                status(exchange, 404, "NotFound", "the server could not find the requested resource");
                return;
            }
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode options = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
            boolean dryRun = false;
            for (JsonNode d : options.path("dryRun")) {
                dryRun |= "All".equals(d.asText());
            }
            boolean isDryRun = dryRun;
            String ns = m.group(1);
            boolean onVmi = m.group(5) != null;
            String name = onVmi ? m.group(5) : m.group(3);
            String verb = onVmi ? m.group(6) : m.group(4);
            String user = exchange.getRequestHeaders().getFirst("X-Remote-User");
            // Recorded just before the answer goes out, so a test that read the answer always finds the call.
            exchange.setAttribute(ANSWER_HOOK, (IntConsumer) code -> calls.add(new Call(verb, ns, name, isDryRun, user, code)));
            if ("restart".equals(verb)) {
                restart(exchange, ns, name, dryRun);
            } else if (onVmi) {
                evacuateCancel(exchange, ns, name, raw.length == 0 ? null : options.path("evacuationNodeName").asText(""),
                        dryRun);
            } else {
                stop(exchange, ns, name, dryRun);
            }
        } catch (RuntimeException e) {
            status(exchange, 500, "InternalError", String.valueOf(e.getMessage()));
        }
    }

    private int restart(HttpExchange exchange, String ns, String name, boolean dryRun) throws IOException {
        GenericKubernetesResource vm = vm(ns, name);
        if (vm == null) {
            return status(exchange, 404, "NotFound", "virtualmachine.kubevirt.io \"" + name + "\" not found");
        }
        String strategy = runStrategy(vm);
        if ("Halted".equals(strategy) || "Once".equals(strategy)) {
            return conflict(exchange, name, "RunStategy " + strategy + " does not support manual restart requests");
        }
        GenericKubernetesResource vmi = vmi(ns, name);
        if (vmi == null) {
            return conflict(exchange, name, "VM is not running: Halted");
        }
        requestStateChange(vm, dryRun, Map.of("action", "Stop", "uid", vmi.getMetadata().getUid()), Map.of("action", "Start"));
        return accepted(exchange);
    }

    /**
     * evacuate/cancel (EvacuateCancelHandler, rest/evacuate_cancel.go:40-133): 404 for a missing VMI;
     * 400 "Node … has NodeDrainTaintKey" while the VMI's evacuation node carries the drain taint; 200
     * without a mark; else a JSON patch testing the given node and removing `status.evacuationNodeName`
     * (a mismatch fails the test: 500, as KubeVirt wraps the patch error).
     */
    private int evacuateCancel(HttpExchange exchange, String ns, String name, String node, boolean dryRun)
            throws IOException {
        GenericKubernetesResource vmi = vmi(ns, name);
        if (vmi == null) {
            return status(exchange, 404, "NotFound", "virtualmachineinstance.kubevirt.io \"" + name + "\" not found");
        }
        Object mark = vmi.get("status", "evacuationNodeName");
        String evacuating = mark != null ? mark.toString() : String.valueOf(vmi.get("status", "nodeName"));
        var n = cluster.client().nodes().withName(evacuating).get();
        if (n != null && n.getSpec().getTaints() != null && n.getSpec().getTaints().stream()
                .anyMatch(t -> "kubevirt.io/drain".equals(t.getKey()) && "NoSchedule".equals(t.getEffect()))) {
            return status(exchange, 400, "BadRequest", "Node \"" + evacuating + "\" has NodeDrainTaintKey"
                    + " \"kubevirt.io/drain:NoSchedule\"");
        }
        if (mark == null) {
            beforeAnswer(exchange, 200);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            return 200;
        }
        if (node == null) {
            // KubeVirt decodes the options after the checks above: no body is a 400, and nothing happens
            // (the API server's proxy can resend a request without its body on a stale connection).
            return status(exchange, 400, "BadRequest", "No body");
        }
        try {
            cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace(ns).withName(name)
                    .dryRun(dryRun).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON), "[{\"op\":\"test\","
                            + "\"path\":\"/status/evacuationNodeName\",\"value\":" + JSON.writeValueAsString(node) + "},"
                            + "{\"op\":\"remove\",\"path\":\"/status/evacuationNodeName\"}]");
        } catch (KubernetesClientException e) {
            return status(exchange, 500, "InternalError", "Internal error occurred: " + e.getMessage());
        }
        beforeAnswer(exchange, 200);
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
        return 200;
    }

    private int stop(HttpExchange exchange, String ns, String name, boolean dryRun) throws IOException {
        GenericKubernetesResource vm = vm(ns, name);
        if (vm == null) {
            return status(exchange, 404, "NotFound", "virtualmachine.kubevirt.io \"" + name + "\" not found");
        }
        GenericKubernetesResource vmi = vmi(ns, name);
        Object phase = vmi == null ? null : vmi.get("status", "phase");
        boolean running = vmi != null && !List.of("Succeeded", "Failed").contains(String.valueOf(phase));
        String strategy = runStrategy(vm);
        switch (strategy) {
            case "Halted" -> {
                return conflict(exchange, name, running ? "Halted only supports manual stop requests with a shorter graceperiod"
                        : "VM is not running");
            }
            case "WaitAsReceiver" -> {
                // lifecycle.go:211-246 has no case for it: 202, and nothing happens.
                return accepted(exchange);
            }
            case "Manual", "RerunOnFailure" -> {
                if (!running) {
                    return conflict(exchange, name, "VM is not running");
                }
                requestStateChange(vm, dryRun, Map.of("action", "Stop", "uid", vmi.getMetadata().getUid()));
            }
            default -> {
                Object declared = vm.get("spec", "runStrategy");
                Object legacyRunning = vm.get("spec", "running");
                String patch = declared != null
                        ? "[{\"op\":\"test\",\"path\":\"/spec/runStrategy\",\"value\":\"" + declared + "\"},"
                                + "{\"op\":\"replace\",\"path\":\"/spec/runStrategy\",\"value\":\"Halted\"}]"
                        : "[{\"op\":\"test\",\"path\":\"/spec/running\",\"value\":" + legacyRunning + "},"
                                + "{\"op\":\"replace\",\"path\":\"/spec/running\",\"value\":false}]";
                try {
                    cluster.client().genericKubernetesResources(KubeVirtResources.VM).inNamespace(ns).withName(name)
                            .dryRun(dryRun).patch(PatchContext.of(PatchType.JSON), patch);
                } catch (KubernetesClientException e) {
                    return e.getCode() == 422 || e.getCode() == 409 ? conflict(exchange, name, e.getMessage())
                            : status(exchange, 500, "InternalError", e.getMessage());
                }
            }
        }
        return accepted(exchange);
    }

    /** KubeVirt's VirtualMachine.RunStrategy(): runStrategy, else running true/false, else Halted. */
    private static String runStrategy(GenericKubernetesResource vm) {
        Object s = vm.get("spec", "runStrategy");
        if (s != null) {
            return String.valueOf(s);
        }
        return Boolean.TRUE.equals(vm.get("spec", "running")) ? "Always" : "Halted";
    }

    @SafeVarargs
    private void requestStateChange(GenericKubernetesResource vm, boolean dryRun, Map<String, Object>... requests) {
        List<Object> all = new ArrayList<>(List.of(requests));
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) vm.getAdditionalProperties()
                .computeIfAbsent("status", k -> new java.util.LinkedHashMap<String, Object>());
        status.put("stateChangeRequests", all);
        cluster.client().resource(vm).dryRun(dryRun).updateStatus();
    }

    private GenericKubernetesResource vm(String ns, String name) {
        return cluster.client().genericKubernetesResources(KubeVirtResources.VM).inNamespace(ns).withName(name).get();
    }

    private GenericKubernetesResource vmi(String ns, String name) {
        return cluster.client().genericKubernetesResources(KubeVirtResources.VMI).inNamespace(ns).withName(name).get();
    }

    private void discovery(HttpExchange exchange, String path) throws IOException {
        Object body;
        if (path.equals("/apis/subresources.kubevirt.io/v1")) {
            body = Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", "subresources.kubevirt.io/v1",
                    "resources", List.of(
                            Map.of("name", "virtualmachines/restart", "singularName", "", "namespaced", true,
                                    "kind", "VirtualMachine", "verbs", List.of("update")),
                            Map.of("name", "virtualmachines/stop", "singularName", "", "namespaced", true,
                                    "kind", "VirtualMachine", "verbs", List.of("update")),
                            Map.of("name", "virtualmachineinstances/evacuate/cancel", "singularName", "",
                                    "namespaced", true, "kind", "VirtualMachineInstance", "verbs", List.of("update"))));
        } else if (path.equals("/apis/subresources.kubevirt.io")) {
            Map<String, Object> version = Map.of("groupVersion", "subresources.kubevirt.io/v1", "version", "v1");
            body = Map.of("kind", "APIGroup", "apiVersion", "v1", "name", "subresources.kubevirt.io",
                    "versions", List.of(version), "preferredVersion", version);
        } else {
            status(exchange, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        send(exchange, 200, toJson(body));
    }

    private static int accepted(HttpExchange exchange) throws IOException {
        beforeAnswer(exchange, 202);
        exchange.sendResponseHeaders(202, -1);
        exchange.close();
        return 202;
    }

    private static int conflict(HttpExchange exchange, String name, String message) throws IOException {
        return status(exchange, 409, "Conflict", "Operation cannot be fulfilled on virtualmachine.kubevirt.io \"" + name
                + "\": " + message);
    }

    private static int status(HttpExchange exchange, int code, String reason, String message) throws IOException {
        send(exchange, code, toJson(Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure",
                "reason", reason, "code", code, "message", message)));
        return code;
    }

    private static void beforeAnswer(HttpExchange exchange, int code) {
        if (exchange.getAttribute(ANSWER_HOOK) instanceof IntConsumer hook) {
            hook.accept(code);
        }
    }

    private static void send(HttpExchange exchange, int code, String json) throws IOException {
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        beforeAnswer(exchange, code);
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unregisters it: the API server stops serving the group, as on a cluster without virt-api. */
    @Override
    public void close() {
        cluster.client().genericKubernetesResources("apiregistration.k8s.io/v1", "APIService").withName(API_SERVICE).delete();
        cluster.client().services().inNamespace(NAMESPACE).withName(SERVICE).delete();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (cluster.client().getApiGroup(KubeVirtResources.SUBRESOURCES_GROUP) != null && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
    }
}

package io.remediator.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seeds the cluster that `scripts/bench-diagnosis` measures: outdated VMIs spread over 100
 * namespaces, each with the objects a real one has around it (most with a VirtualMachine, every
 * one with a virt-launcher pod, every third with a migration, a third of those failed). Objects
 * are shaped and sized like real ones (templates under `bench/`), because the cost of a LIST is
 * mostly the bytes it carries.
 *
 * <pre>java -cp kubevirt-remediator.jar io.remediator.bench.BenchmarkCluster FROM TO</pre>
 * creates VMIs number FROM (inclusive) to TO (exclusive), so a run can grow 1,000 to 10,000.
 */
public final class BenchmarkCluster {
    static final int NAMESPACES = 100;
    private static final String MIGRATABLE =
            "{\"lastProbeTime\": null, \"lastTransitionTime\": null, \"status\": \"True\", \"type\": \"LiveMigratable\"}";
    private static final String NOT_MIGRATABLE = "{\"lastProbeTime\": null, \"lastTransitionTime\": null,"
            + " \"status\": \"False\", \"type\": \"LiveMigratable\", \"reason\": \"DisksNotLiveMigratable\","
            + " \"message\": \"cannot migrate VMI: PVC VMNAME-data is not shared, live migration requires that all PVCs"
            + " must be shared (using ReadWriteMany access mode)\"}";
    private static final String[] RUN_STRATEGIES = {"Always", "Always", "RerunOnFailure", "Manual"};

    private final KubernetesClient client;
    private final String vmiTemplate = template("vmi.json");
    private final String vmTemplate = template("vm.json");
    private final String podTemplate = template("launcher-pod.json");
    private final AtomicInteger created = new AtomicInteger();

    BenchmarkCluster(KubernetesClient client) {
        this.client = client;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BenchmarkCluster FROM TO   (VMI numbers; uses $KUBECONFIG)");
            System.exit(2);
        }
        int from = Integer.parseInt(args[0]);
        int to = Integer.parseInt(args[1]);
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            new BenchmarkCluster(client).seed(from, to);
        }
    }

    void seed(int from, int to) throws Exception {
        long start = System.nanoTime();
        if (from == 0) {
            for (int n = 0; n < NAMESPACES; n++) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace(n))
                        .endMetadata().build()).createOr(op -> op.update());
            }
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kubevirt")
                    .endMetadata().build()).createOr(op -> op.update());
            client.resource(Serialization.unmarshal(template("kubevirt.json"), GenericKubernetesResource.class))
                    .createOr(op -> op.update());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int n = i;
            work.add(pool.submit(() -> seedOne(n)));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        System.err.printf("seeded VMIs %d..%d: %d objects in %.1f s%n", from, to - 1, created.get(),
                (System.nanoTime() - start) / 1e9);
    }

    private void seedOne(int i) {
        String ns = namespace(i % NAMESPACES);
        String name = "vm-" + i;
        boolean hasVm = i % 10 != 0;
        boolean migratable = i % 10 < 7;
        String node = "worker-" + (i % 50);
        if (hasVm) {
            String vm = fill(vmTemplate, ns, name, node, "")
                    .replace("\"runStrategy\": \"Always\"", i % 7 == 0 ? "\"running\": true"
                            : "\"runStrategy\": \"" + RUN_STRATEGIES[i % RUN_STRATEGIES.length] + "\"");
            create(Serialization.unmarshal(vm, GenericKubernetesResource.class));
        }
        GenericKubernetesResource vmi = Serialization.unmarshal(fill(vmiTemplate
                .replace("LIVE_MIGRATABLE_CONDITION", migratable ? MIGRATABLE : NOT_MIGRATABLE), ns, name, node, ""),
                GenericKubernetesResource.class);
        if (hasVm) {
            vmi.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("kubevirt.io/v1")
                    .withKind("VirtualMachine").withName(name).withUid("7b0f6d3c-1d2e-4f5a-8b9c-" + String.format("%012d", i))
                    .withController(true).withBlockOwnerDeletion(true).build()));
        }
        GenericKubernetesResource createdVmi = create(vmi);
        String uid = createdVmi.getMetadata().getUid();
        Pod pod = Serialization.unmarshal(fill(podTemplate, ns, name, node, uid), Pod.class);
        client.resource(pod).create();
        created.incrementAndGet();
        if (i % 3 == 0) {
            String phase = i % 9 == 0 ? "Failed" : i % 9 == 3 ? "Succeeded" : "Running";
            GenericKubernetesResource m = new GenericKubernetesResource();
            m.setApiVersion("kubevirt.io/v1");
            m.setKind("VirtualMachineInstanceMigration");
            m.setMetadata(new ObjectMetaBuilder().withNamespace(ns)
                    .withName("kubevirt-workload-update-" + name).addToLabels("kubevirt.io/vmi-name", name)
                    .addToAnnotations("kubevirt.io/workloadUpdateMigration", "").build());
            m.getAdditionalProperties().put("spec", Map.of("vmiName", name));
            GenericKubernetesResource createdMigration = create(m);
            String now = Instant.now().toString();
            createdMigration.getAdditionalProperties().put("status", Map.of(
                    "phase", phase,
                    "phaseTransitionTimestamps", List.of(Map.of("phase", phase, "phaseTransitionTimestamp", now)),
                    "migrationState", "Failed".equals(phase)
                            ? Map.of("failed", true, "failureReason", "target virt-launcher pod did not become ready in time",
                                    "sourceNode", node, "targetNode", "worker-" + ((i + 1) % 50))
                            : Map.of("sourceNode", node, "targetNode", "worker-" + ((i + 1) % 50))));
            client.resource(createdMigration).updateStatus();
        }
    }

    private GenericKubernetesResource create(GenericKubernetesResource r) {
        GenericKubernetesResource out = client.resource(r).create();
        created.incrementAndGet();
        return out;
    }

    static String namespace(int n) {
        return "bench-" + n;
    }

    private static String fill(String template, String ns, String name, String node, String uid) {
        return template.replace("NAMESPACE", ns).replace("VMNAME", name).replace("NODENAME", node)
                .replace("VMIUID", uid);
    }

    private static String template(String file) {
        try (InputStream in = BenchmarkCluster.class.getResourceAsStream("/bench/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing bench template " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

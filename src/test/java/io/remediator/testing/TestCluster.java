package io.remediator.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.remediator.report.ReportStore;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.remediator.kubevirt.KubeVirtResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** One running API server with KubeVirt's CRDs, and the few operations the tests need on it. */
public final class TestCluster implements AutoCloseable {
    private static final List<ResourceDefinitionContext> KUBEVIRT_KINDS = List.of(
            KubeVirtResources.VMI, KubeVirtResources.VM, KubeVirtResources.MIGRATION, KubeVirtResources.KUBEVIRT,
            KubeVirtResources.HYPERCONVERGED);

    private final String kubeconfigYaml;
    private final String description;
    private final KubernetesClient client;
    private final Runnable stop;
    private final AuditLog audit;

    private TestCluster(String kubeconfigYaml, String description, Runnable stop, AuditLog audit) {
        this.kubeconfigYaml = kubeconfigYaml;
        this.description = description;
        this.stop = stop;
        this.audit = audit;
        this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfigYaml)).build();
    }

    static TestCluster connect(String kubeconfigYaml, String description, Runnable stop, AuditLog audit) {
        TestCluster cluster = new TestCluster(kubeconfigYaml, description, stop, audit);
        cluster.installKubeVirtCrds();
        return cluster;
    }

    /**
     * Freezes the local kube-apiserver process (SIGSTOP) for {@code how long}, then thaws it
     * (SIGCONT): a stall as a hung node or a long GC pause gives it. Every client's calls hang meanwhile.
     */
    public void freezeApiServer(Duration howLong) throws InterruptedException {
        AuditLog log = audit();
        ProcessHandle server = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("kube-apiserver")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(log.file().toString()))
                        .orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("the test's kube-apiserver process is not found"));
        signal("STOP", server.pid());
        try {
            Thread.sleep(howLong.toMillis());
        } finally {
            signal("CONT", server.pid());
        }
    }

    private static void signal(String signal, long pid) throws InterruptedException {
        try {
            int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " exited " + rc);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The API server's audit log of every write; only the local kube-apiserver has one. */
    public AuditLog audit() {
        org.junit.jupiter.api.Assumptions.assumeTrue(audit != null, "only the local kube-apiserver writes an audit log");
        return audit;
    }

    public KubernetesClient client() {
        return client;
    }

    /**
     * A new client, for code under test that should own (and close) its own connection, set up as
     * the service's Main sets up its own: 3 retries, not fabric8's 10.
     */
    public KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.fromKubeconfig(kubeconfigYaml))
                .withConnectionTimeout(5_000).withRequestTimeout(30_000).withRequestRetryBackoffLimit(3).build()).build();
    }

    public String kubeconfigYaml() {
        return kubeconfigYaml;
    }

    public Path writeKubeconfig(Path dir) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), kubeconfigYaml);
    }

    public String description() {
        return description;
    }

    /** The service's own CRD, read from the chart the way Helm installs it. */
    public static final Path REPORT_CRD = Path.of("charts/kubevirt-remediator/crds/remediationreports.yaml");

    /**
     * KubeVirt v1.9.0's own CRDs and HCO v1.18.1's HyperConverged CRD (vendored with their
     * provenance in src/test/resources/kubevirt/): structural schemas, so the API server prunes a
     * misspelt field here exactly as it does on a real cluster.
     */
    private void installKubeVirtCrds() {
        installCrds(TestCluster.class.getResourceAsStream("/kubevirt/kubevirt-crds.yaml"));
        installCrds(TestCluster.class.getResourceAsStream("/kubevirt/hco-crds.yaml"));
        try {
            installCrds(Files.newInputStream(REPORT_CRD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Another replica holds the leader Lease in {@code namespace} for an hour: a service started
     * there only takes webhooks and serves reports (no pass, no retention).
     */
    public void someoneElseLeads(String namespace) {
        client.resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder().withNewMetadata()
                .withName("kubevirt-remediator").withNamespace(namespace).endMetadata().withNewSpec()
                .withHolderIdentity("someone-else").withLeaseDurationSeconds(3600)
                .withAcquireTime(java.time.ZonedDateTime.now()).withRenewTime(java.time.ZonedDateTime.now())
                .endSpec().build()).create();
    }

    /**
     * prometheus-operator v0.93.0's CRDs (ServiceMonitor, PodMonitor, PrometheusRule,
     * AlertmanagerConfig), vendored with their provenance in src/test/resources/prometheus-operator/.
     */
    public void installPrometheusOperatorCrds() {
        installCrds(TestCluster.class.getResourceAsStream("/prometheus-operator/crds.yaml"));
    }

    private void installCrds(InputStream in) {
        try (InputStream crds = in) {
            for (HasMetadata item : client.load(crds).items()) {
                try {
                    client.resource(item).create();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
                client.apiextensions().v1().customResourceDefinitions().withName(item.getMetadata().getName())
                        .waitUntilCondition(TestCluster::established, 30, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * Deletes every KubeVirt object in every namespace. Diagnosis reads cluster-wide, so tests that
     * share this server start from an empty slate.
     */
    public void reset() {
        for (ResourceDefinitionContext kind : KUBEVIRT_KINDS) {
            Set<String> namespaces = client.genericKubernetesResources(kind).inAnyNamespace().list().getItems().stream()
                    .map(r -> r.getMetadata().getNamespace()).collect(Collectors.toSet());
            namespaces.forEach(ns -> client.genericKubernetesResources(kind).inNamespace(ns).delete());
        }
        // Cluster-wide settings a test may leave: a MigrationPolicy changes every later diagnosis.
        client.genericKubernetesResources(KubeVirtResources.MIGRATION_POLICY).delete();
        client.genericKubernetesResources(policyApiVersion(), "PodDisruptionBudget").inAnyNamespace().list().getItems()
                .forEach(b -> client.resource(b).delete());
        // The failures a leader counted with no rollout (systemic.window) would make an earlier
        // test's signatures systemic in the next one.
        client.configMaps().inAnyNamespace().withField("metadata.name", io.remediator.rollout.FailureWindows.NAME).list()
                .getItems().forEach(c -> client.resource(c).delete());
        // No kubelet runs here to confirm a graceful delete of a pod bound to a node.
        client.pods().inAnyNamespace().withLabel(KubeVirtResources.LAUNCHER_LABEL, "virt-launcher").list().getItems()
                .forEach(p -> client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                        .withGracePeriod(0).delete());
    }

    /** policy/v1 where served (1.21+), else v1beta1: the test server is 1.20. */
    public String policyApiVersion() {
        return "policy/" + KubeVirtResources.policyVersion(client);
    }

    public void namespace(String name) {
        if (name == null) {
            return; // a cluster-scoped object
        }
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /**
     * Creates the object as KubeVirt would have left it: where the kind has a status subresource
     * (the API server drops `status` on create), the status is written in a second step.
     */
    public GenericKubernetesResource create(GenericKubernetesResource object) {
        namespace(object.getMetadata().getNamespace());
        GenericKubernetesResource created = client.resource(object).create();
        Object status = object.getAdditionalProperties().get("status");
        if (status != null && created.getAdditionalProperties().get("status") == null) {
            created.getAdditionalProperties().put("status", status);
            created = client.resource(created).updateStatus();
        }
        assertSurvivedPruning(object, created);
        return created;
    }

    /**
     * A fixture is only worth something if the real schema keeps it: every field written must read
     * back unchanged (the API server may add defaults, never drop or alter what was sent).
     */
    static void assertSurvivedPruning(GenericKubernetesResource sent, GenericKubernetesResource stored) {
        List<String> lost = new java.util.ArrayList<>();
        for (String part : List.of("spec", "status")) {
            lost(part, sent.getAdditionalProperties().get(part), stored.getAdditionalProperties().get(part), lost);
        }
        lost("metadata.labels", sent.getMetadata().getLabels(), stored.getMetadata().getLabels(), lost);
        lost("metadata.annotations", sent.getMetadata().getAnnotations(), stored.getMetadata().getAnnotations(), lost);
        if (!lost.isEmpty()) {
            throw new AssertionError("the API server pruned or changed fields of " + sent.getKind() + " "
                    + sent.getMetadata().getNamespace() + "/" + sent.getMetadata().getName()
                    + " (not in KubeVirt's schema?): " + lost);
        }
    }

    private static void lost(String path, Object sent, Object stored, List<String> out) {
        if (sent == null) {
            return;
        }
        if (sent instanceof java.util.Map<?, ?> m) {
            if (!(stored instanceof java.util.Map<?, ?> s)) {
                out.add(path);
                return;
            }
            m.forEach((k, v) -> lost(path + "." + k, v, s.get(k), out));
        } else if (sent instanceof List<?> l) {
            if (!(stored instanceof List<?> s) || s.size() != l.size()) {
                out.add(path);
                return;
            }
            for (int i = 0; i < l.size(); i++) {
                lost(path + "[" + i + "]", l.get(i), s.get(i), out);
            }
        } else if (!String.valueOf(sent).equals(String.valueOf(stored))) {
            out.add(path + " (sent " + sent + ", stored " + stored + ")");
        }
    }

    public <T extends HasMetadata> T create(T object) {
        namespace(object.getMetadata().getNamespace());
        return client.resource(object).create();
    }

    /**
     * A client that authenticates as the service account (created if missing) with a bound token,
     * as the service does in a pod; it has exactly the RBAC the test grants that account.
     */
    public KubernetesClient serviceAccountClient(String namespace, String name) {
        namespace(namespace);
        client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
                .withNewMetadata().withName(name).endMetadata().build()).createOr(existing -> existing.update());
        String token = client.serviceAccounts().inNamespace(namespace).withName(name)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
        Config admin = Config.fromKubeconfig(kubeconfigYaml);
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(admin.getMasterUrl())
                .withCaCertData(admin.getCaCertData())
                .withCaCertFile(admin.getCaCertFile())
                .withOauthToken(token)
                .withRequestRetryBackoffLimit(0)
                .build()).build();
    }

    /**
     * Lets a service account keep its reports and its leader Lease in one namespace (created if
     * missing): the same namespaced Role the chart gives the service.
     */
    public void grantReportStore(String reportsNamespace, String accountNamespace, String account) {
        namespace(reportsNamespace);
        client.resource(new RoleBuilder().withNewMetadata().withName("report-store").withNamespace(reportsNamespace)
                .endMetadata().withRules(
                        new PolicyRuleBuilder().withApiGroups(ReportStore.KIND.getGroup())
                                .withResources("remediationreports", "remediationreports/status")
                                .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").build(),
                        new PolicyRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases")
                                .withVerbs("get", "create", "update", "patch").build())
                .build()).createOr(op -> op.update());
        client.resource(new RoleBindingBuilder().withNewMetadata().withName("report-store-" + account)
                .withNamespace(reportsNamespace).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("report-store")
                .endRoleRef().addNewSubject().withKind("ServiceAccount").withNamespace(accountNamespace).withName(account)
                .endSubject().build()).createOr(op -> op.update());
    }

    @Override
    public void close() {
        client.close();
        stop.run();
    }
}

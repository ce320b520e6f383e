package io.remediator.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Gives a test a {@link TestCluster}: a real kube-apiserver with KubeVirt's CRDs, started once per
 * JVM and shared by every test class. Local binaries (scripts/provision-test-cluster) come first;
 * where they are missing and a Docker engine answers, a K3s container serves instead. With
 * neither, the run fails under CI and is reported as skipped elsewhere — never silently passes.
 */
public final class RealCluster implements ParameterResolver {
    public static final String KUBE_VERSION = "1.20.2";
    static final Path BINARIES = Path.of(System.getProperty("user.home"), ".kubeapitest", "k8s",
            KUBE_VERSION + "-linux-amd64");
    static final String K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealCluster.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NS).computeIfAbsent(TestCluster.class, k -> start(), TestCluster.class);
    }

    private static TestCluster start() {
        if (Files.isExecutable(BINARIES.resolve("kube-apiserver")) && Files.isExecutable(BINARIES.resolve("etcd"))) {
            Path audit;
            try {
                Path dir = Files.createTempDirectory("kube-audit");
                Files.writeString(dir.resolve("policy.yaml"), AuditLog.POLICY);
                audit = dir.resolve("audit.log");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            KubeAPIServer server = null;
            // Started twice at most: once in a while the first start does not come up (seen once on
            // this machine, "Kube API Server did not start properly"); a second start does.
            for (int attempt = 1; server == null; attempt++) {
                KubeAPIServer candidate = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                        .withApiServerVersion(KUBE_VERSION)
                        .withOfflineMode(true)
                        .withUpdateKubeConfig(false)
                        .withApiServerFlag("--audit-policy-file", audit.resolveSibling("policy.yaml").toString())
                        .withApiServerFlag("--audit-log-path", audit.toString())
                        .build());
                try {
                    candidate.start();
                    server = candidate;
                } catch (RuntimeException e) {
                    try {
                        candidate.stop();
                    } catch (RuntimeException ignored) {
                        // it did not start: nothing to stop
                    }
                    if (attempt >= 2) {
                        throw e;
                    }
                }
            }
            KubeAPIServer started = server;
            return TestCluster.connect(started.getKubeConfigYaml(), "kube-apiserver " + KUBE_VERSION, started::stop,
                    new AuditLog(audit));
        }
        if (dockerAvailable()) {
            K3sContainer k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
            k3s.start();
            return TestCluster.connect(k3s.getKubeConfigYaml(), "k3s " + K3S_IMAGE, k3s::stop, null);
        }
        String message = "No real Kubernetes API server for the integration tests: neither " + BINARIES
                + " holds kube-apiserver and etcd, nor does a Docker engine answer. Run scripts/provision-test-cluster"
                + " (or scripts/test, which runs it) first.";
        if (System.getenv("CI") != null) {
            throw new IllegalStateException(message);
        }
        Assumptions.abort(message);
        return null;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}

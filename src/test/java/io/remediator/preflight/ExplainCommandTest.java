package io.remediator.preflight;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vm;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.remediator.remediation.OwnerAnnotations;
import io.remediator.testing.AuditLog;
import io.remediator.testing.Payloads;
import io.remediator.testing.Policies;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `explain vmi NS/NAME` on the real API server with KubeVirt's CRDs: the runbook's branch and
 * sentence for each kind of VM, as if outdated when it is not; the namespace's and VM's
 * annotations; with --server, what the running service plans for it; and nothing written.
 */
@ExtendWith(RealCluster.class)
class ExplainCommandTest {
    private TestCluster cluster;
    private Path kubeconfig;

    @BeforeEach
    void cluster(TestCluster cluster, @TempDir Path dir) throws Exception {
        this.cluster = cluster;
        cluster.reset();
        kubeconfig = cluster.writeKubeconfig(dir);
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate"))
                .deployed("v1.9.0", Instant.now().minusSeconds(86_400)).build());
        cluster.namespace("explain");
        cluster.client().namespaces().withName("explain").edit(n -> new NamespaceBuilder(n).editMetadata()
                .withAnnotations(Map.of(OwnerAnnotations.WINDOW, "Sat 02:00-06:00", OwnerAnnotations.TIME_ZONE,
                        "Europe/Berlin")).endMetadata().build());
        cluster.create(vmi("explain", "web").migratable().build());
        GenericKubernetesResource db = vm("explain", "db", "Always");
        db.getMetadata().setAnnotations(Map.of(OwnerAnnotations.POLICY, "approve"));
        cluster.create(db);
        cluster.create(vmi("explain", "db").ownedBy("db").notMigratable("DisksNotLiveMigratable", "RWO disk").build());
        cluster.create(vmi("explain", "fresh").outdated(false).migratable().build());
    }

    @AfterEach
    void strip() {
        cluster.client().namespaces().withName("explain").edit(n -> new NamespaceBuilder(n).editMetadata()
                .withAnnotations(Map.of()).endMetadata().build());
    }

    private record Run(int code, String out, String err) {}

    private Run explain(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", kubeconfig.toString()));
        int code = ExplainCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void eachVmIsExplainedAsTheRunbookSeesItAndTheServiceSaysWhatItPlans() throws Exception {
        AuditLog audit = cluster.audit();
        long mark = audit.mark();

        Run web = explain("vmi", "explain/web");
        assertThat(web.code()).as(web.err()).isZero();
        assertThat(web.out()).contains("outdated:  yes").contains("branch:    KUBEVIRT_WILL_MIGRATE")
                .contains("action:    WAIT").doesNotContain("Recommended:").doesNotContain("this diagnosis sees").contains("namespace: kubevirt-remediator/maintenance-window=Sat 02:00-06:00");

        Run db = explain("vmi", "explain/db");
        assertThat(db.code()).isZero();
        assertThat(db.out()).contains("branch:    NOT_MIGRATABLE_NOT_AUTOMATED").contains("action:    RESTART")
                .contains("vm:        kubevirt-remediator/policy=approve");
        assertThat(db.out().lines().filter(l -> l.startsWith("why:")).findFirst().orElseThrow()).hasSizeGreaterThan(20);

        // Not outdated: what KubeVirt's next update does to it.
        Run fresh = explain("vmi", "explain/fresh");
        assertThat(fresh.out()).contains("outdated:  no: what follows is what KubeVirt's next update does to it")
                .contains("branch:    KUBEVIRT_WILL_MIGRATE");

        Run missing = explain("vmi", "explain/nope");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no VirtualMachineInstance explain/nope");
        assertThat(explain("vm", "explain/db").code()).isEqualTo(1);
        assertThat(audit.writesSince(mark)).as("explain only reads").isEmpty();

        // The service's plan: the decision and its reason, from the report that lists it.
        io.remediator.config.RemediatorConfig c = RunningService.withPolicy(Policies.mode("auto").restart("auto").build());
        String readToken = "explain-read-token-0123456789";
        io.remediator.config.RemediatorConfig withReader = new io.remediator.config.RemediatorConfig(c.server(), c.webhook(),
                c.diagnosis(), c.reports(), c.policy(), new io.remediator.config.RemediatorConfig.Api(RunningService.ADMIN_TOKEN,
                readToken, null), c.leaderElection(), c.publicUrl(), c.slack());
        try (RunningService s = RunningService.start(cluster.newClient(), withReader).awaitReady()) {
            s.postWebhook(Payloads.firing(), RunningService.TOKEN);
            java.util.concurrent.atomic.AtomicReference<Run> last = new java.util.concurrent.atomic.AtomicReference<>();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).alias("the report's plan")
                    .failFast(() -> {
                        if (last.get() != null && last.get().code() != 0) {
                            throw new AssertionError(last.get().err());
                        }
                    })
                    .until(() -> {
                        last.set(explain("vmi", "explain/db", "--server", s.baseUrl(), "--token", readToken));
                        return last.get().out().contains("service:   report");
                    });
            Run planned = explain("vmi", "explain/db", "--server", s.baseUrl(), "--token", readToken);
            assertThat(planned.code()).as(planned.err()).isZero();
            assertThat(planned.out()).containsPattern("service:   report \\S+, pass \\d+: RESTART AWAITING_APPROVAL")
                    .contains("kubevirt-remediator/policy=approve");
            Run unauthorised = explain("vmi", "explain/db", "--server", s.baseUrl(), "--token", "wrong");
            assertThat(unauthorised.code()).isEqualTo(1);
            assertThat(unauthorised.err()).contains("answered 401");
        }
    }
}

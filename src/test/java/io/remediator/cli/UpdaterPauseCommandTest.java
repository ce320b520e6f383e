package io.remediator.cli;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.remediator.kubevirt.KubeVirtResources;
import io.remediator.remediation.UpdaterPause;
import io.remediator.testing.AuditLog;
import io.remediator.testing.KubeVirtObjects;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `pause-updates` / `resume-updates` on the real API server with KubeVirt's and HCO's CRDs: the
 * exact patch on the object HCO does not revert, its side effects, nothing written without
 * `--apply`, the service's own record with it, and a user who may read but not patch refused by
 * the API with nothing changed.
 */
@ExtendWith(RealCluster.class)
class UpdaterPauseCommandTest {
    private TestCluster cluster;
    private Path kubeconfig;

    @BeforeEach
    void cluster(TestCluster cluster, @TempDir Path dir) throws Exception {
        this.cluster = cluster;
        cluster.reset();
        kubeconfig = cluster.writeKubeconfig(dir);
    }

    private record Run(int code, String out, String err) {}

    private Run run(String command, Path config, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", config.toString()));
        int code = UpdaterPauseCommand.run(command, all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private GenericKubernetesResource kubeVirtCr() {
        return cluster.client().genericKubernetesResources(KubeVirtResources.KUBEVIRT).inNamespace("kubevirt")
                .withName("kubevirt").get();
    }

    @SuppressWarnings("unchecked")
    private static Object methods(GenericKubernetesResource r) {
        return r.get("spec", "workloadUpdateStrategy", "workloadUpdateMethods");
    }

    @Test
    void thePatchIsShownAppliedWithTheServicesRecordAndUndoneExactly() throws Exception {
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate", "Evict")).build());
        AuditLog audit = cluster.audit();
        long mark = audit.mark();

        Run shown = run("pause-updates", kubeconfig);
        assertThat(shown.code()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("object:   KubeVirt kubevirt/kubevirt (kubevirt.io/v1)")
                .contains("kubectl patch kubevirt -n kubevirt kubevirt --type merge -p '")
                .contains("\"workloadUpdateMethods\":[]").contains("\"resourceVersion\":\"")
                .contains(UpdaterPause.ANNOTATION).contains("restores: [LiveMigrate, Evict]")
                .contains("hot-plug and volume-update migrations stop").contains("not applied");
        assertThat(audit.writesSince(mark)).as("without --apply it only reads").isEmpty();

        assertThat(run("pause-updates", kubeconfig, "--apply").code()).isZero();
        assertThat(methods(kubeVirtCr())).isEqualTo(List.of());
        assertThat(kubeVirtCr().getMetadata().getAnnotations()).containsEntry(UpdaterPause.ANNOTATION,
                "[\"LiveMigrate\",\"Evict\"]");
        assertThat(run("pause-updates", kubeconfig).code()).as("already paused").isEqualTo(2);

        Run resumed = run("resume-updates", kubeconfig, "--apply");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(methods(kubeVirtCr())).isEqualTo(List.of("LiveMigrate", "Evict"));
        assertThat(kubeVirtCr().getMetadata().getAnnotations()).doesNotContainKey(UpdaterPause.ANNOTATION);
        assertThat(run("resume-updates", kubeconfig).code()).as("nothing recorded").isEqualTo(2);
    }

    @Test
    void underHcoTheHyperConvergedIsPatchedAndAUserWhoMayOnlyReadIsRefusedByTheApi(@TempDir Path dir) throws Exception {
        GenericKubernetesResource hco = cluster.create(KubeVirtObjects.hyperConverged("kubevirt", List.of("LiveMigrate")));
        cluster.create(kubeVirt("kubevirt").methods(List.of("LiveMigrate")).ownedBy(hco).build());

        Run shown = run("pause-updates", kubeconfig);
        assertThat(shown.out()).contains("object:   HyperConverged kubevirt/kubevirt-hyperconverged (hco.kubevirt.io/v1beta1)")
                .contains("kubectl patch hyperconverged -n kubevirt kubevirt-hyperconverged")
                .contains("HCO drops an empty list from the KubeVirt CR");

        // Someone bound to read KubeVirt's and HCO's objects, not to patch them.
        cluster.client().resource(new ClusterRoleBuilder().withNewMetadata().withName("updates-reader").endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("kubevirt.io", "hco.kubevirt.io")
                        .withResources("kubevirts", "hyperconvergeds", "virtualmachineinstances")
                        .withVerbs("get", "list").build()).build()).createOr(o -> o.update());
        var reader = cluster.serviceAccountClient("pause-users", "reader");
        cluster.client().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("updates-reader").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("updates-reader")
                .endRoleRef().addNewSubject().withKind("ServiceAccount").withNamespace("pause-users").withName("reader")
                .endSubject().build()).createOr(o -> o.update());
        Config admin = Config.fromKubeconfig(cluster.kubeconfigYaml());
        Path limited = Files.writeString(dir.resolve("reader"), "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n"
                + "  cluster:\n    server: " + admin.getMasterUrl() + "\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n"
                + "  user:\n    token: " + reader.getConfiguration().getOauthToken() + "\ncontexts:\n- name: x\n  context:\n"
                + "    cluster: c\n    user: u\ncurrent-context: x\n");
        reader.close();

        assertThat(run("pause-updates", limited).code()).as("reading is allowed").isZero();
        Run denied = run("pause-updates", limited, "--apply");
        assertThat(denied.code()).isEqualTo(1);
        assertThat(denied.err()).contains("forbidden").contains("cannot patch resource \"hyperconvergeds\"");
        GenericKubernetesResource after = cluster.client().genericKubernetesResources(KubeVirtResources.HYPERCONVERGED)
                .inNamespace("kubevirt").withName("kubevirt-hyperconverged").get();
        assertThat(methods(after)).isEqualTo(List.of("LiveMigrate"));
        assertThat(after.getMetadata().getAnnotations() == null ? java.util.Map.of() : after.getMetadata().getAnnotations())
                .doesNotContainKey(UpdaterPause.ANNOTATION);
    }
}

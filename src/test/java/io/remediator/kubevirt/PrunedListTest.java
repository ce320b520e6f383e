package io.remediator.kubevirt;

import static io.remediator.testing.KubeVirtObjects.launcherPod;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.testing.RealCluster;
import io.remediator.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A LIST read as a stream from the real API server keeps only the fields asked for. */
@ExtendWith(RealCluster.class)
class PrunedListTest {
    private static final KeptFields VMI_FIELDS = new KeptFields(List.of("spec.evictionStrategy", "status.phase"),
            Set.of(KeptFields.ALL), Set.of("kept.example.org/opt-out"));
    private final ExecutorService parsing = Executors.newCachedThreadPool();
    private TestCluster cluster;

    @BeforeEach
    void clean(TestCluster cluster) {
        this.cluster = cluster;
        cluster.reset();
    }

    @AfterEach
    void stop() {
        parsing.shutdownNow();
    }

    private PrunedList<GenericKubernetesResource, GenericKubernetesResourceList> vmis(KubernetesClient client, Long limit) {
        return PrunedList.keeping(client.genericKubernetesResources(KubeVirtResources.VMI).inAnyNamespace()
                .withLimit(limit), client.getHttpClient(), VMI_FIELDS, parsing);
    }

    private void createVmis(int count) {
        for (int i = 0; i < count; i++) {
            GenericKubernetesResource v = vmi("pruned-" + (i % 2), "vmi-" + i).evictionStrategy("LiveMigrate").build();
            v.getMetadata().setAnnotations(Map.of("kept.example.org/opt-out", "true",
                    "kubectl.kubernetes.io/last-applied-configuration", "x".repeat(20_000)));
            cluster.create(v);
        }
    }

    @Test
    void aListFromTheWatchCacheKeepsOnlyTheNamedFieldsOfEveryItem() {
        createVmis(3);

        GenericKubernetesResourceList list = vmis(cluster.client(), null)
                .submitList(new ListOptionsBuilder().withResourceVersion("0").build()).join();

        assertThat(list.getMetadata().getResourceVersion()).isNotBlank();
        assertThat(list.getItems()).extracting(i -> i.getMetadata().getName())
                .containsExactlyInAnyOrder("vmi-0", "vmi-1", "vmi-2");
        GenericKubernetesResource one = list.getItems().get(0);
        assertThat(one.getKind()).isEqualTo("VirtualMachineInstance");
        assertThat(one.getMetadata().getUid()).isNotBlank();
        assertThat(one.getMetadata().getResourceVersion()).isNotBlank();
        assertThat(one.getMetadata().getCreationTimestamp()).isNotBlank();
        assertThat(one.getMetadata().getLabels()).containsKey(KubeVirtResources.OUTDATED_LABEL);
        assertThat(one.getMetadata().getAnnotations()).isEqualTo(Map.of("kept.example.org/opt-out", "true"));
        assertThat(one.getMetadata().getManagedFields()).isEmpty();
        // Of spec and status only the two paths: the domain, volumes and node are never built.
        assertThat(one.getAdditionalProperties()).isEqualTo(Map.of(
                "spec", Map.of("evictionStrategy", "LiveMigrate"),
                "status", Map.of("phase", "Running")));
        assertThat(KubeVirtRecords.vmi(one).outdated()).isTrue();
    }

    @Test
    void pagesFollowTheContinueTokenAndAnEmptyListIsAList() {
        createVmis(5);
        var paged = vmis(cluster.client(), 2L);

        List<String> names = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            GenericKubernetesResourceList page = paged.submitList(
                    new ListOptionsBuilder().withLimit(2L).withContinue(next).build()).join();
            page.getItems().forEach(i -> names.add(i.getMetadata().getName()));
            next = page.getMetadata().getContinue();
            pages++;
        } while (next != null && !next.isEmpty());

        assertThat(pages).isEqualTo(3);
        assertThat(names).containsExactlyInAnyOrder("vmi-0", "vmi-1", "vmi-2", "vmi-3", "vmi-4");
        assertThat(PrunedList.keeping(cluster.client().genericKubernetesResources(KubeVirtResources.MIGRATION)
                .inAnyNamespace(), cluster.client().getHttpClient(), VMI_FIELDS, parsing)
                .submitList(new ListOptionsBuilder().build()).join().getItems()).isEmpty();
    }

    @Test
    void theOperationsLabelSelectorNarrowsTheList() {
        GenericKubernetesResource v = cluster.create(vmi("pods", "db").build());
        cluster.create(launcherPod(v, "virt-launcher-db-abcde", "node-1"));
        cluster.create(new PodBuilder().withNewMetadata().withNamespace("pods").withName("not-a-launcher").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build());

        GenericKubernetesResourceList pods = PrunedList.keeping(cluster.client().genericKubernetesResources(KubeVirtResources.POD)
                .inAnyNamespace().withLabel(KubeVirtResources.LAUNCHER_LABEL, "virt-launcher"),
                cluster.client().getHttpClient(),
                new KeptFields(List.of("spec.nodeName"), Set.of(KubeVirtRecords.CREATED_BY_LABEL), Set.of()), parsing)
                .submitList(new ListOptionsBuilder().withResourceVersion("0").build()).join();

        assertThat(pods.getItems()).singleElement().satisfies(p -> {
            assertThat(p.getMetadata().getName()).isEqualTo("virt-launcher-db-abcde");
            assertThat(p.getMetadata().getLabels()).containsOnlyKeys(KubeVirtRecords.CREATED_BY_LABEL);
            assertThat(p.getAdditionalProperties()).isEqualTo(Map.of("spec", Map.of("nodeName", "node-1")));
        });
    }

    @Test
    void aRefusalComesBackInTheApiServersWordsAndTheConnectionStaysUsable() {
        createVmis(1);
        KubernetesClient nobody = cluster.serviceAccountClient("pruned-0", "nobody");

        assertThatThrownBy(() -> vmis(nobody, null).submitList(new ListOptionsBuilder().build()).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> {
                    assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("virtualmachineinstances").contains("forbidden");
                });
        // Lists read to their end leave fabric8's pooled connections whole: many in a row all answer.
        var admin = vmis(cluster.client(), null);
        for (int i = 0; i < 20; i++) {
            assertThat(admin.submitList(new ListOptionsBuilder().build()).join().getItems()).hasSize(1);
            assertThat(cluster.client().namespaces().withName("pruned-0").get()).isNotNull();
        }
    }
}

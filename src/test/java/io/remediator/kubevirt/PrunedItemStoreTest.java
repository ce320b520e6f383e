package io.remediator.kubevirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrunedItemStoreTest {
    private static final String VMI = """
            {"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance",
             "metadata": {"name": "db", "namespace": "prod", "uid": "u-1", "resourceVersion": "42",
                          "labels": {"kubevirt.io/outdatedLauncherImage": "", "app": "db"},
                          "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...huge...}",
                                          "kubevirt.io/workloadUpdateMigration": ""},
                          "ownerReferences": [{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine",
                                               "name": "db", "uid": "vm-1", "controller": true}]},
             "spec": {"evictionStrategy": "LiveMigrate", "domain": {"devices": {"disks": [{"name": "root"}]}}},
             "status": {"phase": "Running", "nodeName": "worker-1", "guestOSInfo": {"id": "rhel"}}}
            """;

    @Test
    void keepsTheKeyFieldsAndTheNamedOnesAndDropsTheRest() {
        PrunedItemStore store = new PrunedItemStore(List.of("spec.evictionStrategy", "status.phase", "status.absent"),
                Set.of("app"), Set.of("kubevirt.io/workloadUpdateMigration"));
        GenericKubernetesResource full = Serialization.unmarshal(VMI, GenericKubernetesResource.class);

        store.put(store.getKey(full), full);
        GenericKubernetesResource kept = store.get("prod/db");

        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(kept.getMetadata().getUid()).isEqualTo("u-1");
        assertThat(kept.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo("db"));
        assertThat(kept.getMetadata().getLabels()).isEqualTo(Map.of("app", "db"));
        assertThat(kept.getMetadata().getAnnotations()).containsOnlyKeys("kubevirt.io/workloadUpdateMigration");
        assertThat(kept.getAdditionalProperties()).isEqualTo(Map.of(
                "spec", Map.of("evictionStrategy", "LiveMigrate"),
                "status", Map.of("phase", "Running")));
        assertThat(KubeVirtRecords.vmi(kept).vm()).isEqualTo("db");
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.remove("prod/db")).isSameAs(kept);
        assertThat(store.keySet()).isEmpty();
    }
}

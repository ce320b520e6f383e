package io.remediator.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for KubeVirt objects as KubeVirt itself would have written them. */
public final class KubeVirtObjects {
    private KubeVirtObjects() {}

    public static VmiBuilder vmi(String namespace, String name) {
        return new VmiBuilder(namespace, name);
    }

    public static final class VmiBuilder {
        private final String namespace;
        private final String name;
        private boolean outdated = true;
        private String node = "node-1";
        private final List<Map<String, Object>> conditions = new ArrayList<>();

        private VmiBuilder(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        public VmiBuilder outdated(boolean outdated) {
            this.outdated = outdated;
            return this;
        }

        public VmiBuilder node(String node) {
            this.node = node;
            return this;
        }

        public VmiBuilder migratable() {
            conditions.add(Map.of("type", "LiveMigratable", "status", "True"));
            return this;
        }

        public VmiBuilder notMigratable(String reason, String message) {
            conditions.add(Map.of("type", "LiveMigratable", "status", "False", "reason", reason, "message", message));
            return this;
        }

        public GenericKubernetesResource build() {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("kubevirt.io/nodeName", node);
            if (outdated) {
                labels.put("kubevirt.io/outdatedLauncherImage", "");
            }
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("phase", "Running");
            status.put("nodeName", node);
            List<Map<String, Object>> all = new ArrayList<>(conditions);
            all.add(Map.of("type", "Ready", "status", "True"));
            status.put("conditions", all);
            status.put("launcherContainerImageVersion", outdated ? "quay.io/kubevirt/virt-launcher:v1.5.0"
                    : "quay.io/kubevirt/virt-launcher:v1.6.0");
            return new GenericKubernetesResourceBuilder()
                    .withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstance")
                    .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
                    .withAdditionalProperties(Map.of(
                            "spec", Map.of("domain", Map.of("devices", Map.of())),
                            "status", status))
                    .build();
        }
    }

    /** A KubeVirt CR; `methods` null leaves `workloadUpdateStrategy` out entirely. */
    public static GenericKubernetesResource kubeVirt(String namespace, List<String> methods, Integer batchEvictSize,
                                                     String batchEvictInterval) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("imagePullPolicy", "IfNotPresent");
        if (methods != null) {
            Map<String, Object> strategy = new LinkedHashMap<>();
            strategy.put("workloadUpdateMethods", methods);
            if (batchEvictSize != null) {
                strategy.put("batchEvictSize", batchEvictSize);
            }
            if (batchEvictInterval != null) {
                strategy.put("batchEvictInterval", batchEvictInterval);
            }
            spec.put("workloadUpdateStrategy", strategy);
        }
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("kubevirt.io/v1").withKind("KubeVirt")
                .withNewMetadata().withNamespace(namespace).withName("kubevirt").endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }
}

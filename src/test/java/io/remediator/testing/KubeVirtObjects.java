package io.remediator.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
        private String phase = "Running";
        private String vm;
        private String ownerKind = "VirtualMachine";
        private String ownerApiVersion = "kubevirt.io/v1";
        /**
         * KubeVirt's VMI mutator writes the cluster default (None unless the KubeVirt CR says
         * otherwise) into every VMI's spec at creation (defaults.go:193-212): a real VMI always has one.
         */
        private String evictionStrategy = "None";
        private String evacuationNodeName;
        private final List<Map<String, Object>> conditions = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>();

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

        public VmiBuilder phase(String phase) {
            this.phase = phase;
            return this;
        }

        /** Owned (controller reference) by the VirtualMachine of that name, as KubeVirt sets it. */
        public VmiBuilder ownedBy(String vm) {
            this.vm = vm;
            return this;
        }

        /** `spec.evictionStrategy`; null leaves it out, which only a VMI created before KubeVirt v1.1 can be. */
        public VmiBuilder evictionStrategy(String evictionStrategy) {
            this.evictionStrategy = evictionStrategy;
            return this;
        }

        /** Owned (controller reference) by a VirtualMachineInstanceReplicaSet of that name. */
        public VmiBuilder ownedByReplicaSet(String replicaSet) {
            this.vm = replicaSet;
            this.ownerKind = "VirtualMachineInstanceReplicaSet";
            return this;
        }

        /** `status.evacuationNodeName`, as KubeVirt's eviction webhook sets it. */
        public VmiBuilder evacuationNode(String node) {
            this.evacuationNodeName = node;
            return this;
        }

        /** Condition Paused=True, reason PausedByUser, as `virtctl pause vmi` leaves it. */
        public VmiBuilder paused() {
            conditions.add(Map.of("type", "Paused", "status", "True", "reason", "PausedByUser"));
            return this;
        }

        /** Any label (the launcher pod carries the VMI's labels; PDBs and MigrationPolicies select by them). */
        public VmiBuilder label(String key, String value) {
            this.labels.put(key, value);
            return this;
        }

        public VmiBuilder migratable() {
            conditions.add(Map.of("type", "LiveMigratable", "status", "True"));
            return this;
        }

        /** Any other condition KubeVirt sets, e.g. HotVCPUChange for a pending CPU hot-plug. */
        public VmiBuilder condition(String type, String status) {
            conditions.add(Map.of("type", type, "status", status));
            return this;
        }

        public VmiBuilder notMigratable(String reason, String message) {
            conditions.add(Map.of("type", "LiveMigratable", "status", "False", "reason", reason, "message", message));
            return this;
        }

        public GenericKubernetesResource build() {
            Map<String, String> labels = new LinkedHashMap<>(this.labels);
            labels.put("kubevirt.io/nodeName", node);
            if (outdated) {
                labels.put("kubevirt.io/outdatedLauncherImage", "");
            }
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("phase", phase);
            status.put("nodeName", node);
            List<Map<String, Object>> all = new ArrayList<>(conditions);
            all.add(Map.of("type", "Ready", "status", "True"));
            status.put("conditions", all);
            if (evacuationNodeName != null) {
                status.put("evacuationNodeName", evacuationNodeName);
            }
            status.put("launcherContainerImageVersion", outdated ? "quay.io/kubevirt/virt-launcher:v1.5.0"
                    : "quay.io/kubevirt/virt-launcher:v1.6.0");
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("domain", Map.of("devices", Map.of()));
            if (evictionStrategy != null) {
                spec.put("evictionStrategy", evictionStrategy);
            }
            GenericKubernetesResourceBuilder b = new GenericKubernetesResourceBuilder()
                    .withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstance")
                    .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
                    .withAdditionalProperties(Map.of("spec", spec, "status", status));
            GenericKubernetesResource vmi = b.build();
            if (vm != null) {
                vmi.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
                        .withApiVersion(ownerApiVersion).withKind(ownerKind).withName(vm)
                        .withUid("00000000-0000-0000-0000-" + String.format("%012d", Math.abs(vm.hashCode())))
                        .withController(true).withBlockOwnerDeletion(true).build()));
            }
            return vmi;
        }
    }

    /** A VirtualMachine with `spec.runStrategy` (null leaves it out). */
    public static GenericKubernetesResource vm(String namespace, String name, String runStrategy) {
        Map<String, Object> spec = new LinkedHashMap<>();
        if (runStrategy != null) {
            spec.put("runStrategy", runStrategy);
        }
        spec.put("template", Map.of("spec", Map.of("domain", Map.of("devices", Map.of()))));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("kubevirt.io/v1").withKind("VirtualMachine")
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }

    /** A VirtualMachine whose spec changed in a way that waits for a restart (condition RestartRequired). */
    public static GenericKubernetesResource vmRestartRequired(String namespace, String name, String runStrategy) {
        GenericKubernetesResource vm = vm(namespace, name, runStrategy);
        vm.getAdditionalProperties().put("status", Map.of("conditions", List.of(Map.of("type", "RestartRequired",
                "status", "True", "message", "a non-live-updatable field was changed in the template spec"))));
        return vm;
    }

    /** A VirtualMachine using the deprecated `spec.running` instead of a run strategy. */
    public static GenericKubernetesResource vmRunning(String namespace, String name, boolean running) {
        GenericKubernetesResource vm = vm(namespace, name, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) vm.getAdditionalProperties().get("spec");
        spec.put("running", running);
        return vm;
    }

    public static MigrationBuilder migration(String namespace, String name, String vmiName) {
        return new MigrationBuilder(namespace, name, vmiName);
    }

    public static final class MigrationBuilder {
        private final String namespace;
        private final String name;
        private final String vmiName;
        private String phase;
        private boolean byWorkloadUpdater;
        private String evacuationNode;
        private String failureReason;
        private Instant failedAt;
        private Instant schedulingAt;
        private Instant succeededAt;

        private MigrationBuilder(String namespace, String name, String vmiName) {
            this.namespace = namespace;
            this.name = name;
            this.vmiName = vmiName;
        }

        public MigrationBuilder phase(String phase) {
            this.phase = phase;
            return this;
        }

        public MigrationBuilder failed(String reason, Instant at) {
            this.phase = "Failed";
            this.failureReason = reason;
            // metav1.Time has whole seconds, as KubeVirt writes it.
            this.failedAt = at.truncatedTo(ChronoUnit.SECONDS);
            return this;
        }

        /** Succeeded, through Scheduling at {@code scheduling} and Succeeded {@code seconds} later (whole seconds). */
        public MigrationBuilder succeeded(Instant scheduling, long seconds) {
            this.phase = "Succeeded";
            this.schedulingAt = scheduling.truncatedTo(ChronoUnit.SECONDS);
            this.succeededAt = schedulingAt.plusSeconds(seconds);
            return this;
        }

        private boolean abortRequested;

        /** Deleted by someone (virtctl migrate-cancel): KubeVirt's `migrationAbortRequested` condition (migration.go:575-588). */
        public MigrationBuilder abortRequested() {
            this.abortRequested = true;
            return this;
        }

        /** Created by KubeVirt's workload updater (its annotation). */
        public MigrationBuilder byWorkloadUpdater() {
            this.byWorkloadUpdater = true;
            return this;
        }

        /** Created by KubeVirt's evacuation controller for a drain of that node (its annotation, evacuation.go:326-334). */
        public MigrationBuilder byEvacuation(String node) {
            this.evacuationNode = node;
            return this;
        }

        public GenericKubernetesResource build() {
            Map<String, Object> additional = new LinkedHashMap<>();
            additional.put("spec", Map.of("vmiName", vmiName));
            if (phase != null) {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("phase", phase);
                if (failedAt != null) {
                    status.put("phaseTransitionTimestamps", List.of(
                            Map.of("phase", "Pending", "phaseTransitionTimestamp", failedAt.minusSeconds(60).toString()),
                            Map.of("phase", "Failed", "phaseTransitionTimestamp", failedAt.toString())));
                }
                if (failureReason != null) {
                    status.put("migrationState", Map.of("failed", true, "failureReason", failureReason));
                }
                if (abortRequested) {
                    status.put("conditions", List.of(Map.of("type", "migrationAbortRequested", "status", "True")));
                }
                if (succeededAt != null) {
                    status.put("phaseTransitionTimestamps", List.of(
                            Map.of("phase", "Pending", "phaseTransitionTimestamp", schedulingAt.minusSeconds(5).toString()),
                            Map.of("phase", "Scheduling", "phaseTransitionTimestamp", schedulingAt.toString()),
                            Map.of("phase", "Running", "phaseTransitionTimestamp", schedulingAt.plusSeconds(3).toString()),
                            Map.of("phase", "Succeeded", "phaseTransitionTimestamp", succeededAt.toString())));
                }
                additional.put("status", status);
            }
            GenericKubernetesResource m = new GenericKubernetesResourceBuilder()
                    .withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstanceMigration")
                    .withNewMetadata().withNamespace(namespace).withName(name)
                    .addToLabels("kubevirt.io/vmi-name", vmiName).endMetadata()
                    .withAdditionalProperties(additional)
                    .build();
            if (byWorkloadUpdater) {
                m.getMetadata().setAnnotations(Map.of("kubevirt.io/workloadUpdateMigration", ""));
            }
            if (evacuationNode != null) {
                m.getMetadata().setAnnotations(Map.of("kubevirt.io/evacuationMigration", evacuationNode));
            }
            return m;
        }
    }

    /**
     * HCO's HyperConverged (hco.kubevirt.io/v1beta1, the name its CRD requires), with
     * `spec.workloadUpdateStrategy.workloadUpdateMethods` set (null leaves it to HCO's schema default).
     */
    public static GenericKubernetesResource hyperConverged(String namespace, List<String> methods) {
        Map<String, Object> spec = new LinkedHashMap<>();
        if (methods != null) {
            spec.put("workloadUpdateStrategy", Map.of("workloadUpdateMethods", methods));
        }
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("hco.kubevirt.io/v1beta1").withKind("HyperConverged")
                .withNewMetadata().withNamespace(namespace).withName("kubevirt-hyperconverged").endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }

    /** The virt-launcher pod of a VMI, labelled the way KubeVirt labels it. */
    public static Pod launcherPod(GenericKubernetesResource vmi, String podName, String node) {
        return new PodBuilder()
                .withNewMetadata().withNamespace(vmi.getMetadata().getNamespace()).withName(podName)
                .addToLabels("kubevirt.io", "virt-launcher")
                .addToLabels("kubevirt.io/created-by", vmi.getMetadata().getUid())
                // KubeVirt's controller ownerReference to the VMI (template.go:714-720).
                .addNewOwnerReference().withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstance")
                .withName(vmi.getMetadata().getName()).withUid(vmi.getMetadata().getUid()).withController(true)
                .withBlockOwnerDeletion(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName(node)
                .addNewContainer().withName("compute").withImage("quay.io/kubevirt/virt-launcher:v1.5.0").endContainer()
                .endSpec()
                .build();
    }

    /** A KubeVirt CR; `methods` null leaves `workloadUpdateStrategy` out entirely. */
    public static GenericKubernetesResource kubeVirt(String namespace, List<String> methods, Integer batchEvictionSize,
                                                     String batchEvictionInterval) {
        return kubeVirt(namespace).methods(methods).batch(batchEvictionSize, batchEvictionInterval).build();
    }

    public static KubeVirtBuilder kubeVirt(String namespace) {
        return new KubeVirtBuilder(namespace);
    }

    public static final class KubeVirtBuilder {
        private final String namespace;
        private List<String> methods;
        private Integer batchEvictionSize;
        private String batchEvictionInterval;
        private Integer perCluster;
        private Integer perNode;
        private String evictionStrategy;
        private Integer outdatedCount;
        private GenericKubernetesResource ownedBy;
        private String name = "kubevirt";
        /** As a real cluster has it: virt-operator deployed v1.9.0 30 hours ago (the audit's scenarios' default). */
        private Map<String, Object> status = deployedStatus("v1.9.0", Instant.now().minusSeconds(30 * 3600));
        private Boolean allowPostCopy;

        private KubeVirtBuilder(String namespace) {
            this.namespace = namespace;
        }

        public KubeVirtBuilder methods(List<String> methods) {
            this.methods = methods;
            return this;
        }

        public KubeVirtBuilder batch(Integer size, String interval) {
            this.batchEvictionSize = size;
            this.batchEvictionInterval = interval;
            return this;
        }

        /** `spec.configuration.evictionStrategy`: the default of every VMI without its own. */
        public KubeVirtBuilder evictionStrategy(String strategy) {
            this.evictionStrategy = strategy;
            return this;
        }

        /** `status.outdatedVirtualMachineInstanceWorkloads`, the count KubeVirt's updater writes. */
        public KubeVirtBuilder outdatedCount(int n) {
            this.outdatedCount = n;
            return this;
        }

        public KubeVirtBuilder name(String name) {
            this.name = name;
            return this;
        }

        /** Generated by this HyperConverged, as HCO makes it: controller owner reference and its labels. */
        public KubeVirtBuilder ownedBy(GenericKubernetesResource hyperConverged) {
            this.ownedBy = hyperConverged;
            return this;
        }

        public KubeVirtBuilder migrations(Integer parallelPerCluster, Integer parallelOutboundPerNode) {
            this.perCluster = parallelPerCluster;
            this.perNode = parallelOutboundPerNode;
            return this;
        }

        /** No status at all: a CR virt-operator has not picked up yet. */
        public KubeVirtBuilder noStatus() {
            status = null;
            return this;
        }

        /** The status virt-operator writes once it has deployed `version` (completed at `at`). */
        public KubeVirtBuilder deployed(String version, Instant completedAt) {
            status = deployedStatus(version, completedAt);
            return this;
        }

        private static Map<String, Object> deployedStatus(String version, Instant completedAt) {
            Instant at = completedAt.truncatedTo(ChronoUnit.SECONDS);
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("phase", "Deployed");
            status.put("observedKubeVirtVersion", version);
            status.put("targetKubeVirtVersion", version);
            status.put("observedDeploymentID", "deploy-" + version);
            status.put("targetDeploymentID", "deploy-" + version);
            status.put("conditions", List.of(
                    Map.of("type", "Available", "status", "True", "lastTransitionTime", at.toString()),
                    Map.of("type", "Progressing", "status", "False", "lastTransitionTime", at.toString())));
            return status;
        }

        /**
         * The status while virt-operator rolls out an update from `observed` to `target`, as v1.9.0
         * writes it: phase stays Deployed, Progressing=True reason UpdateInProgress since `started`
         * (virt-operator/kubevirt.go:1010-1026, 1053-1058).
         */
        public KubeVirtBuilder updating(String observed, String target, Instant started) {
            String at = started.truncatedTo(ChronoUnit.SECONDS).toString();
            status = new LinkedHashMap<>();
            status.put("phase", "Deployed");
            status.put("observedKubeVirtVersion", observed);
            status.put("targetKubeVirtVersion", target);
            status.put("observedDeploymentID", "deploy-" + observed);
            status.put("targetDeploymentID", "deploy-" + target);
            String message = "Transitioning from previous version " + observed + " to target version " + target;
            status.put("conditions", List.of(
                    Map.of("type", "Available", "status", "True", "reason", "UpdateInProgress", "message", message,
                            "lastTransitionTime", at),
                    Map.of("type", "Progressing", "status", "True", "reason", "UpdateInProgress", "message", message,
                            "lastTransitionTime", at),
                    Map.of("type", "Degraded", "status", "True", "reason", "UpdateInProgress", "message", message,
                            "lastTransitionTime", at)));
            return this;
        }

        /** `spec.configuration.migrations.allowPostCopy`. */
        public KubeVirtBuilder allowPostCopy(boolean allow) {
            this.allowPostCopy = allow;
            return this;
        }

        /** The status while virt-operator is still rolling out `target`. */
        public KubeVirtBuilder deploying(String observed, String target) {
            status = new LinkedHashMap<>();
            status.put("phase", "Deploying");
            status.put("observedKubeVirtVersion", observed);
            status.put("targetKubeVirtVersion", target);
            status.put("observedDeploymentID", "deploy-" + observed);
            status.put("targetDeploymentID", "deploy-" + target);
            return this;
        }

        public GenericKubernetesResource build() {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("imagePullPolicy", "IfNotPresent");
            if (methods != null) {
                Map<String, Object> strategy = new LinkedHashMap<>();
                strategy.put("workloadUpdateMethods", methods);
                if (batchEvictionSize != null) {
                    strategy.put("batchEvictionSize", batchEvictionSize);
                }
                if (batchEvictionInterval != null) {
                    strategy.put("batchEvictionInterval", batchEvictionInterval);
                }
                spec.put("workloadUpdateStrategy", strategy);
            }
            Map<String, Object> configuration = new LinkedHashMap<>();
            if (perCluster != null || perNode != null || allowPostCopy != null) {
                Map<String, Object> migrations = new LinkedHashMap<>();
                if (allowPostCopy != null) {
                    migrations.put("allowPostCopy", allowPostCopy);
                }
                if (perCluster != null) {
                    migrations.put("parallelMigrationsPerCluster", perCluster);
                }
                if (perNode != null) {
                    migrations.put("parallelOutboundMigrationsPerNode", perNode);
                }
                configuration.put("migrations", migrations);
            }
            if (evictionStrategy != null) {
                configuration.put("evictionStrategy", evictionStrategy);
            }
            if (!configuration.isEmpty()) {
                spec.put("configuration", configuration);
            }
            Map<String, Object> additional = new LinkedHashMap<>();
            additional.put("spec", spec);
            Map<String, Object> st = status == null && outdatedCount == null ? null
                    : new LinkedHashMap<>(status == null ? Map.of() : status);
            if (outdatedCount != null) {
                st.put("outdatedVirtualMachineInstanceWorkloads", outdatedCount);
            }
            if (st != null) {
                additional.put("status", st);
            }
            GenericKubernetesResource kv = new GenericKubernetesResourceBuilder()
                    .withApiVersion("kubevirt.io/v1").withKind("KubeVirt")
                    .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                    .withAdditionalProperties(additional)
                    .build();
            if (ownedBy != null) {
                kv.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
                        .withApiVersion(ownedBy.getApiVersion()).withKind("HyperConverged")
                        .withName(ownedBy.getMetadata().getName()).withUid(ownedBy.getMetadata().getUid())
                        .withController(true).withBlockOwnerDeletion(true).build()));
                kv.getMetadata().setLabels(Map.of("app.kubernetes.io/managed-by", "hco-operator",
                        "app.kubernetes.io/part-of", "hyperconverged-cluster", "app.kubernetes.io/component", "compute"));
            }
            return kv;
        }
    }
}

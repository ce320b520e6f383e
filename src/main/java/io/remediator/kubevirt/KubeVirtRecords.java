package io.remediator.kubevirt;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the fields the runbooks need out of KubeVirt's objects as the API server returns them. */
final class KubeVirtRecords {
    static final String WORKLOAD_UPDATE_ANNOTATION = KubeVirtResources.WORKLOAD_UPDATE_ANNOTATION;
    /** HCO labels the KubeVirt CR it generates (HCO pkg/util/consts.go). */
    static final String HCO_MANAGED_BY = "hco-operator";
    /** HCO's HyperConverged is named this (HCO pkg/util/consts.go:79; its CRD requires it). */
    static final String HCO_DEFAULT_NAME = "kubevirt-hyperconverged";
    static final String CREATED_BY_LABEL = "kubevirt.io/created-by";
    /** On a migration's target launcher pod: the migration's UID. */
    static final String MIGRATION_JOB_LABEL = "kubevirt.io/migrationJobUID";

    private KubeVirtRecords() {}

    static VirtualMachineInstance vmi(GenericKubernetesResource r) {
        List<VirtualMachineInstance.Condition> conditions = new ArrayList<>();
        for (Map<?, ?> c : maps(r.get("status", "conditions"))) {
            conditions.add(new VirtualMachineInstance.Condition(
                    str(c.get("type")), str(c.get("status")), str(c.get("reason")), str(c.get("message"))));
        }
        String vm = null;
        String ownerKind = null;
        for (OwnerReference o : r.getMetadata().getOwnerReferences()) {
            boolean kubeVirts = o.getApiVersion() != null && (o.getApiVersion().startsWith(KubeVirtResources.GROUP + "/")
                    || o.getApiVersion().startsWith("pool." + KubeVirtResources.GROUP + "/"));
            if ("VirtualMachine".equals(o.getKind()) && kubeVirts
                    && (vm == null || Boolean.TRUE.equals(o.getController()))) {
                vm = o.getName();
            }
            if (Boolean.TRUE.equals(o.getController()) || ownerKind == null) {
                ownerKind = o.getKind();
            }
        }
        return new VirtualMachineInstance(
                r.getMetadata().getNamespace(),
                r.getMetadata().getName(),
                r.getMetadata().getUid(),
                time(r.getMetadata().getCreationTimestamp()),
                r.getMetadata().getDeletionTimestamp() != null,
                str(r.get("status", "phase")),
                str(r.get("status", "nodeName")),
                List.copyOf(conditions),
                str(r.get("spec", "evictionStrategy")),
                vm,
                orEmpty(r.getMetadata().getLabels()),
                orEmpty(r.getMetadata().getAnnotations()),
                vm != null ? "VirtualMachine" : ownerKind,
                str(r.get("status", "evacuationNodeName")),
                activePods(r.get("status", "activePods")),
                migrationState(r.get("status", "migrationState")));
    }

    private static Map<String, String> activePods(Object o) {
        if (!(o instanceof Map<?, ?> m)) {
            return Map.of();
        }
        Map<String, String> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        return out;
    }

    private static VirtualMachineInstance.MigrationState migrationState(Object o) {
        if (!(o instanceof Map<?, ?> m) || m.isEmpty()) {
            return null;
        }
        return new VirtualMachineInstance.MigrationState(str(m.get("migrationUid")),
                Boolean.TRUE.equals(m.get("completed")), Boolean.TRUE.equals(m.get("failed")), str(m.get("sourcePod")),
                str(m.get("targetPod")));
    }

    static VirtualMachine vm(GenericKubernetesResource r) {
        Object running = r.get("spec", "running");
        boolean restartRequired = maps(r.get("status", "conditions")).stream()
                .anyMatch(c -> "RestartRequired".equals(c.get("type")) && "True".equals(str(c.get("status"))));
        return new VirtualMachine(r.getMetadata().getNamespace(), r.getMetadata().getName(),
                str(r.get("spec", "runStrategy")), running instanceof Boolean b ? b : null,
                orEmpty(r.getMetadata().getLabels()), orEmpty(r.getMetadata().getAnnotations()), restartRequired);
    }

    static VirtualMachineInstanceMigration migration(GenericKubernetesResource r) {
        String phase = str(r.get("status", "phase"));
        Instant failedAt = null;
        String reason = null;
        if ("Failed".equals(phase)) {
            for (Map<?, ?> t : maps(r.get("status", "phaseTransitionTimestamps"))) {
                if ("Failed".equals(t.get("phase"))) {
                    failedAt = time(str(t.get("phaseTransitionTimestamp")));
                }
            }
            if (failedAt == null) {
                failedAt = time(str(r.get("status", "migrationState", "endTimestamp")));
            }
            if (failedAt == null) {
                failedAt = time(r.getMetadata().getCreationTimestamp());
            }
            reason = failureReason(r);
        }
        // When it entered Scheduling and Succeeded, from its own phaseTransitionTimestamps: what a
        // rollout's ETA samples (next-capabilities §1.3).
        Instant scheduling = null;
        Instant succeeded = null;
        for (Map<?, ?> t : maps(r.get("status", "phaseTransitionTimestamps"))) {
            if ("Scheduling".equals(t.get("phase"))) {
                scheduling = time(str(t.get("phaseTransitionTimestamp")));
            } else if ("Succeeded".equals(t.get("phase"))) {
                succeeded = time(str(t.get("phaseTransitionTimestamp")));
            }
        }
        Map<String, String> annotations = r.getMetadata().getAnnotations();
        return new VirtualMachineInstanceMigration(
                r.getMetadata().getNamespace(),
                r.getMetadata().getName(),
                str(r.get("spec", "vmiName")),
                phase,
                time(r.getMetadata().getCreationTimestamp()),
                failedAt,
                reason,
                annotations != null && annotations.containsKey(WORKLOAD_UPDATE_ANNOTATION),
                createdByRemediator(r),
                annotations != null && annotations.containsKey(KubeVirtResources.EVACUATION_ANNOTATION),
                scheduling, "Succeeded".equals(phase) ? succeeded : null,
                maps(r.get("status", "conditions")).stream().anyMatch(c -> "migrationAbortRequested".equals(c.get("type"))
                        && !"False".equals(c.get("status"))),
                str(r.get("status", "migrationState", "sourceNode")), str(r.get("status", "migrationState", "targetNode")));
    }

    /** Whether this service created the object: it carries {@link KubeVirtResources#MANAGED_BY_LABEL}. */
    static boolean createdByRemediator(GenericKubernetesResource r) {
        return r.getMetadata().getLabels() != null && KubeVirtResources.MANAGED_BY_VALUE.equals(
                r.getMetadata().getLabels().get(KubeVirtResources.MANAGED_BY_LABEL));
    }

    /**
     * KubeVirt has put the reason in different places over the years: the migration state's
     * failureReason, an abort status, or the message of a condition.
     */
    private static String failureReason(GenericKubernetesResource r) {
        String reason = str(r.get("status", "migrationState", "failureReason"));
        if (reason == null && r.get("status", "migrationState", "abortStatus") != null) {
            reason = "aborted (" + r.get("status", "migrationState", "abortStatus") + ")";
        }
        if (reason == null) {
            for (Map<?, ?> c : maps(r.get("status", "conditions"))) {
                String text = c.get("message") != null ? str(c.get("message")) : str(c.get("reason"));
                if (text != null && !text.isEmpty()) {
                    reason = text;
                }
            }
        }
        return reason;
    }

    static LauncherPod launcherPod(GenericKubernetesResource r) {
        Map<String, String> labels = r.getMetadata().getLabels();
        String vmi = r.getMetadata().getOwnerReferences() == null ? null : r.getMetadata().getOwnerReferences().stream()
                .filter(o -> "VirtualMachineInstance".equals(o.getKind()) && Boolean.TRUE.equals(o.getController()))
                .map(io.fabric8.kubernetes.api.model.OwnerReference::getName).findFirst().orElse(null);
        return new LauncherPod(r.getMetadata().getNamespace(), r.getMetadata().getName(),
                labels == null ? null : labels.get(CREATED_BY_LABEL),
                str(r.get("spec", "nodeName")), str(r.get("status", "phase")),
                r.getMetadata().getDeletionTimestamp() != null, vmi, time(r.getMetadata().getCreationTimestamp()));
    }

    static KubeVirtInstallation kubeVirt(GenericKubernetesResource r) {
        KubeVirtInstallation.WorkloadUpdateStrategy strategy = null;
        if (r.get("spec", "workloadUpdateStrategy") instanceof Map<?, ?> s) {
            List<String> methods = null;
            if (s.get("workloadUpdateMethods") instanceof List<?> m) {
                methods = m.stream().map(String::valueOf).toList();
            }
            strategy = new KubeVirtInstallation.WorkloadUpdateStrategy(
                    methods, integer(s.get("batchEvictionSize")), str(s.get("batchEvictionInterval")));
        }
        KubeVirtInstallation.MigrationLimits limits = new KubeVirtInstallation.MigrationLimits(
                integer(r.get("spec", "configuration", "migrations", "parallelMigrationsPerCluster")),
                integer(r.get("spec", "configuration", "migrations", "parallelOutboundMigrationsPerNode")),
                str(r.get("spec", "configuration", "migrations", "nodeDrainTaintKey")));
        Instant completedAt = null;
        Instant startedAt = null;
        for (Map<?, ?> c : maps(r.get("status", "conditions"))) {
            if ("Progressing".equals(c.get("type")) && "False".equals(c.get("status"))) {
                completedAt = time(str(c.get("lastTransitionTime")));
            }
            if ("Progressing".equals(c.get("type")) && "True".equals(c.get("status"))) {
                startedAt = time(str(c.get("lastTransitionTime")));
            }
        }
        KubeVirtInstallation.HyperConvergedRef hco = null;
        for (OwnerReference o : r.getMetadata().getOwnerReferences()) {
            if ("HyperConverged".equals(o.getKind()) && o.getApiVersion() != null
                    && o.getApiVersion().startsWith(KubeVirtResources.HYPERCONVERGED.getGroup() + "/")) {
                hco = new KubeVirtInstallation.HyperConvergedRef(r.getMetadata().getNamespace(), o.getName());
            }
        }
        Map<String, String> labels = orEmpty(r.getMetadata().getLabels());
        if (hco == null && HCO_MANAGED_BY.equals(labels.get(KubeVirtResources.MANAGED_BY_LABEL))) {
            hco = new KubeVirtInstallation.HyperConvergedRef(r.getMetadata().getNamespace(), HCO_DEFAULT_NAME);
        }
        return new KubeVirtInstallation(
                r.getMetadata().getNamespace(),
                r.getMetadata().getName(),
                strategy,
                limits,
                str(r.get("spec", "configuration", "evictionStrategy")),
                str(r.get("status", "phase")),
                str(r.get("status", "observedKubeVirtVersion")),
                str(r.get("status", "targetKubeVirtVersion")),
                str(r.get("status", "observedDeploymentID")),
                str(r.get("status", "targetDeploymentID")),
                completedAt,
                integer(r.get("status", "outdatedVirtualMachineInstanceWorkloads")),
                hco,
                startedAt,
                bool(r.get("spec", "configuration", "migrations", "allowPostCopy")),
                bool(r.get("spec", "configuration", "migrations", "allowWorkloadDisruption")),
                null);
    }

    private static Boolean bool(Object o) {
        return o instanceof Boolean b ? b : null;
    }

    static HyperConverged hyperConverged(GenericKubernetesResource r) {
        List<String> methods = null;
        if (r.get("spec", "workloadUpdateStrategy", "workloadUpdateMethods") instanceof List<?> m) {
            methods = m.stream().map(String::valueOf).toList();
        }
        Map<String, String> annotations = orEmpty(r.getMetadata().getAnnotations());
        return new HyperConverged(r.getMetadata().getNamespace(), r.getMetadata().getName(), methods,
                str(r.get("spec", "evictionStrategy")),
                pinsWorkloadUpdateMethods(annotations.get(HyperConverged.JSON_PATCH_ANNOTATION)));
    }

    /**
     * The annotation itself when one of its JSON-patch operations writes the KubeVirt CR's
     * workloadUpdateStrategy (or all of spec): HCO applies it last, so it decides the methods.
     * Text that is not a JSON patch is what HCO itself would refuse; it pins nothing.
     */
    static String pinsWorkloadUpdateMethods(String jsonPatch) {
        if (jsonPatch == null || jsonPatch.isBlank()) {
            return null;
        }
        try {
            var ops = new com.fasterxml.jackson.databind.ObjectMapper().readTree(jsonPatch);
            if (!ops.isArray()) {
                return null;
            }
            for (var op : ops) {
                String path = op.path("path").asText("");
                if (path.equals("/spec") || path.startsWith("/spec/workloadUpdateStrategy")) {
                    return jsonPatch;
                }
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }

    static ClusterNode node(GenericKubernetesResource r) {
        long kvm = 0;
        if (r.get("status", "allocatable") instanceof Map<?, ?> a && a.get(ClusterNode.KVM_RESOURCE) != null) {
            try {
                kvm = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
                        new io.fabric8.kubernetes.api.model.Quantity(String.valueOf(a.get(ClusterNode.KVM_RESOURCE))))
                        .longValue();
            } catch (RuntimeException e) {
                kvm = 0; // not a quantity: the node is not counted
            }
        }
        List<String> taints = maps(r.get("spec", "taints")).stream().map(t -> str(t.get("key")))
                .filter(java.util.Objects::nonNull).toList();
        Map<String, String> mco = new java.util.HashMap<>();
        if (r.getMetadata().getAnnotations() != null) {
            r.getMetadata().getAnnotations().forEach((k, v) -> {
                if (ClusterNode.MCO_ANNOTATIONS.contains(k)) {
                    mco.put(k, v);
                }
            });
        }
        // The node lifecycle controller derives not-ready and unreachable taints from the Ready condition
        // (and admission puts not-ready on every new node until then): the condition is read instead.
        List<String> noSchedule = maps(r.get("spec", "taints")).stream()
                .filter(t -> "NoSchedule".equals(str(t.get("effect"))) || "NoExecute".equals(str(t.get("effect"))))
                .map(t -> str(t.get("key"))).filter(java.util.Objects::nonNull)
                .filter(k -> !k.equals("node.kubernetes.io/not-ready") && !k.equals("node.kubernetes.io/unreachable"))
                .toList();
        Boolean ready = maps(r.get("status", "conditions")).stream().filter(c -> "Ready".equals(str(c.get("type"))))
                .map(c -> "True".equals(str(c.get("status")))).findFirst().orElse(null);
        return new ClusterNode(r.getMetadata().getName(), kvm, Boolean.TRUE.equals(r.get("spec", "unschedulable")),
                r.getMetadata().getLabels(), taints, mco, ready, noSchedule);
    }

    static DisruptionBudget disruptionBudget(GenericKubernetesResource r) {
        Map<String, String> matchLabels = new java.util.LinkedHashMap<>();
        if (r.get("spec", "selector", "matchLabels") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> matchLabels.put(String.valueOf(k), String.valueOf(v)));
        }
        List<DisruptionBudget.Requirement> expressions = new ArrayList<>();
        for (Map<?, ?> e : maps(r.get("spec", "selector", "matchExpressions"))) {
            List<String> values = e.get("values") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
            expressions.add(new DisruptionBudget.Requirement(str(e.get("key")), str(e.get("operator")), values));
        }
        boolean kubeVirts = matchLabels.containsKey(CREATED_BY_LABEL) || r.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> "VirtualMachineInstance".equals(o.getKind()));
        return new DisruptionBudget(r.getMetadata().getNamespace(), r.getMetadata().getName(), Map.copyOf(matchLabels),
                List.copyOf(expressions), integer(r.get("status", "disruptionsAllowed")), kubeVirts);
    }

    static MigrationPolicy migrationPolicy(GenericKubernetesResource r) {
        return new MigrationPolicy(r.getMetadata().getName(),
                stringMap(r.get("spec", "selectors", "namespaceSelector")),
                stringMap(r.get("spec", "selectors", "virtualMachineInstanceSelector")),
                bool(r.get("spec", "allowPostCopy")), bool(r.get("spec", "allowWorkloadDisruption")));
    }

    private static Map<String, String> stringMap(Object raw) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return Map.copyOf(out);
    }

    private static List<Map<?, ?>> maps(Object raw) {
        List<Map<?, ?>> out = new ArrayList<>();
        if (raw instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    private static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private static Integer integer(Object o) {
        return o instanceof Number n ? n.intValue() : null;
    }

    static Instant time(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}

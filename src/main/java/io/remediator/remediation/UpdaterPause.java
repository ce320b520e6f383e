package io.remediator.remediation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes that pause and resume KubeVirt's workload updater (next-capabilities §2.4), built
 * once for the service's actions and the CLI's `pause-updates`/`resume-updates`: JSON merge patches
 * of `spec.workloadUpdateStrategy.workloadUpdateMethods` on the object that sets it (the
 * HyperConverged under HCO, else the KubeVirt CR), with the object's resourceVersion as a
 * precondition, the pause recording what it found in {@link RemediationPlanner#PAUSED_ANNOTATION}.
 * Pure.
 */
public final class UpdaterPause {
    public static final String ANNOTATION = RemediationPlanner.PAUSED_ANNOTATION;

    private UpdaterPause() {}

    /**
     * @param recordedJson the previous methods as JSON (the annotation's value)
     */
    public static Map<String, Object> pause(String resourceVersion, String recordedJson) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("resourceVersion", resourceVersion);
        metadata.put("annotations", Map.of(ANNOTATION, recordedJson));
        return Map.of("metadata", metadata, "spec", Map.of("workloadUpdateStrategy", Map.of("workloadUpdateMethods",
                List.of())));
    }

    /** Restores {@code recorded} and drops the annotation (a merge patch's null removes a key). */
    public static Map<String, Object> resume(String resourceVersion, List<String> recorded) {
        Map<String, Object> annotations = new java.util.HashMap<>();
        annotations.put(ANNOTATION, null);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("resourceVersion", resourceVersion);
        metadata.put("annotations", annotations);
        return Map.of("metadata", metadata, "spec", Map.of("workloadUpdateStrategy", Map.of("workloadUpdateMethods",
                recorded)));
    }

    /** `spec.workloadUpdateStrategy.workloadUpdateMethods` of the KubeVirt CR or HyperConverged, as read (empty when unset). */
    public static List<String> methods(io.fabric8.kubernetes.api.model.GenericKubernetesResource r) {
        List<String> methods = new java.util.ArrayList<>();
        if (r.get("spec", "workloadUpdateStrategy", "workloadUpdateMethods") instanceof List<?> l) {
            l.forEach(m -> methods.add(String.valueOf(m)));
        }
        return methods;
    }

    /** What a pause of {@code kind} stops besides the updater (said before it is approved or applied). */
    public static String sideEffects(String kind, int waitingLive) {
        return "hot-plug and volume-update migrations stop while paused (kubevirt/kubevirt#17329; " + waitingLive
                + " VMI(s) wait for one now); outdated VMIs stay outdated and the alert keeps firing"
                + ("HyperConverged".equals(kind)
                ? "; HCO drops an empty list from the KubeVirt CR, which then has no methods: the same effect" : "");
    }
}

package io.remediator.runbook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import java.util.List;
import java.util.Map;

/**
 * What one runbook's diagnosis found, as the engine sees it: the report stores it, its page and
 * Slack message show it, the pass plans its VMIs. Each runbook has its own record implementing
 * this; the stored JSON names it by `runbook` (its alertname) and {@link Runbooks} maps the name
 * back to the record. A diagnosis stored before runbooks were named reads as the outdated-workloads one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "runbook",
        visible = false, defaultImpl = OutdatedWorkloadsDiagnosis.class)
@JsonTypeIdResolver(Runbooks.TypeIds.class)
public interface Findings {
    /** The alertname of the runbook that made these findings. */
    @com.fasterxml.jackson.annotation.JsonProperty("runbook")
    String runbook();

    /** KubeVirt's settings as the diagnosis read them, or null when it read none. */
    ClusterFindings cluster();

    /** Cluster-level observations, in the operator's words. */
    List<String> findings();

    /** How many VMIs get each recommended action (all of them, also those a listing leaves out), or null. */
    Map<RecommendedAction, Integer> recommendedActionCounts();

    /** The VMIs this diagnosis lists, each with its branch and recommendation: what a pass plans. */
    @JsonIgnore
    List<? extends VmiFinding> vmis();

    /** The same findings listing only these of its VMIs (a report's size limit leaves the rest out). */
    Findings listing(List<? extends VmiFinding> vmis);

    /** What {@code n} listed VMIs are called in a title: "1 outdated VMI", "3 outdated VMIs". */
    default String vmiNoun(int n) {
        return n == 1 ? "VMI" : "VMIs";
    }

    /** The same findings without any VMI list (counts and findings stay): what a listing keeps. */
    Findings withoutLists();

    /** What a follow-up says of a VMI this diagnosis no longer lists. */
    default String noLongerListed(String namespace, String name) {
        return namespace + "/" + name + " is no longer in " + runbook() + "'s findings";
    }

    /** What a follow-up says of a VMI this diagnosis still lists after an action on it. */
    default String stillListed() {
        return "the VMI is still in " + runbook() + "'s findings";
    }

    /**
     * Whether enabling KubeVirt's workload updater (LiveMigrate) would help these VMIs. Only a
     * runbook about KubeVirt's own updater says yes.
     */
    default boolean enablingWorkloadUpdatesHelps() {
        return false;
    }

    /** How many disruptions KubeVirt's own updater takes from this interval's batch (it shares the number). */
    default int kubeVirtDisruptionsThisBatch() {
        return 0;
    }
}

package io.remediator.runbook.nonevictable;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.remediator.runbook.ClusterFindings;
import io.remediator.runbook.Findings;
import io.remediator.runbook.RecommendedAction;
import io.remediator.runbook.VmiFinding;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the VMCannotBeEvicted runbook found for the VMIs its alerts name.
 *
 * @param alerts           firing alerts read (several for one VMI when only scrape labels differ)
 * @param drainBlockedNodes cordoned or drain-tainted nodes that one of these VMIs holds up
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NonEvictableFindings(
        ClusterFindings cluster,
        Map<RecommendedAction, Integer> recommendedActionCounts,
        List<String> findings,
        List<NonEvictableVmi> nonEvictableVmis,
        int alerts,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> drainBlockedNodes) implements Findings {

    public NonEvictableFindings {
        findings = findings == null ? List.of() : List.copyOf(findings);
        nonEvictableVmis = nonEvictableVmis == null ? List.of() : List.copyOf(nonEvictableVmis);
        drainBlockedNodes = drainBlockedNodes == null ? List.of() : List.copyOf(drainBlockedNodes);
        recommendedActionCounts = recommendedActionCounts == null || recommendedActionCounts.isEmpty()
                ? recommendedActionCounts : new EnumMap<>(recommendedActionCounts);
    }

    @Override
    public String runbook() {
        return NonEvictableRunbook.ALERTNAME;
    }

    @Override
    public List<NonEvictableVmi> vmis() {
        return nonEvictableVmis;
    }

    @Override
    public NonEvictableFindings listing(List<? extends VmiFinding> vmis) {
        return new NonEvictableFindings(cluster, recommendedActionCounts, findings,
                vmis.stream().map(NonEvictableVmi.class::cast).toList(), alerts, drainBlockedNodes);
    }

    @Override
    public NonEvictableFindings withoutLists() {
        return listing(List.of());
    }

    @Override
    public String vmiNoun(int n) {
        return n == 1 ? "VMI that cannot be evicted" : "VMIs that cannot be evicted";
    }

    @Override
    public String noLongerListed(String namespace, String name) {
        return namespace + "/" + name + " no longer refuses eviction (or is gone)";
    }

    @Override
    public String stillListed() {
        return "the VMI still refuses eviction";
    }

    /** The findings of one diagnosis, with the sentences an operator reads first. */
    static NonEvictableFindings of(List<NonEvictableVmi> vmis, ClusterFindings cluster, NonEvictableRunbook.Alerted alerted,
                                   List<String> problems, int notRead) {
        List<String> findings = new java.util.ArrayList<>();
        problems.forEach(p -> findings.add("Could not read everything: " + p + "."));
        findings.add(alerted.alerts() + " firing alert(s) name " + alerted.vmis().size() + " VMI(s)"
                + (alerted.alerts() > alerted.vmis().size() + alerted.unnamed()
                ? "; alerts that differ only in scrape labels (pod, instance: a virt-controller leader change) count once" : "")
                + ".");
        if (alerted.unnamed() > 0) {
            findings.add(alerted.unnamed() + " alert(s) carry no namespace and name label and were not diagnosed.");
        }
        if (notRead > 0) {
            findings.add(notRead + " more VMI(s) were not read in this pass (at most " + NonEvictableRunbook.MAX_VMIS
                    + " per pass).");
        }
        var blocked = NonEvictableRunbook.drainBlockedNodes(vmis);
        if (!blocked.isEmpty()) {
            findings.add("A drain is waiting now on node(s) " + String.join(", ", blocked) + ": each VMI below marked"
                    + " VCE_DRAIN_BLOCKED holds it up until it is restarted elsewhere or stopped.");
        }
        if (vmis.stream().anyMatch(v -> v.branch() == NonEvictableBranch.VCE_STRATEGY_MISMATCH)) {
            findings.add("The upstream runbook's fix cannot be applied as written: its strategy value is not one KubeVirt"
                    + " accepts (LiveMigrate, LiveMigrateIfPossible, None, External), and a VMI's spec cannot be changed."
                    + " The strategy is changed on the VM's template instead, and takes effect at the VM's next restart.");
        }
        if (cluster != null && "LiveMigrate".equals(cluster.defaultEvictionStrategy())) {
            findings.add("The cluster's default eviction strategy is LiveMigrate: every new VMI that cannot migrate (a GPU,"
                    + " SR-IOV, ReadWriteOnce disks) will fire this alert. Changing the default affects only VMIs created"
                    + " afterwards (defaults.go:193-212).");
        }
        return new NonEvictableFindings(cluster, NonEvictableRunbook.counts(vmis), findings, vmis, alerted.alerts(),
                List.copyOf(blocked));
    }
}

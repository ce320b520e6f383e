package io.remediator.testing;

/**
 * Alertmanager webhook bodies shaped as Alertmanager 0.25 sends them for KubeVirt's real rule
 * (src/test/resources/kubevirt/kubevirt-alert-rule.yaml): the rule's labels plus the scrape-target
 * labels of the virt-controller leader's series that Prometheus adds.
 */
public final class Payloads {
    public static final String OUTDATED = "OutdatedVirtualMachineInstanceWorkloads";

    private Payloads() {}

    public static String alert(String status, String alertname, String extraLabels) {
        return """
                {"status":"%s","labels":{"alertname":"%s","severity":"warning","operator_health_impact":"none",
                   "kubernetes_operator_part_of":"kubevirt","kubernetes_operator_component":"kubevirt",
                   "namespace":"kubevirt","pod":"virt-controller-7d9c8b6f54-x2kqp","container":"virt-controller",
                   "endpoint":"metrics","service":"kubevirt-prometheus-metrics","job":"kubevirt-prometheus-metrics",
                   "instance":"10.244.1.17:8443"%s},
                 "annotations":{"summary":"Some running VMIs are still active in outdated pods after KubeVirt control plane update has completed.",
                   "runbook_url":"https://kubevirt.io/monitoring/runbooks/OutdatedVirtualMachineInstanceWorkloads"},
                 "startsAt":"2026-11-23T10:00:00.000Z",
                 "endsAt":"%s",
                 "generatorURL":"http://prometheus.example/graph?g0.expr=kubevirt_vmi_number_of_outdated+%%21%%3D+0",
                 "fingerprint":"%08x"}
                """.formatted(status, alertname, extraLabels == null ? "" : "," + extraLabels,
                "resolved".equals(status) ? "2026-11-24T10:00:00.000Z" : "0001-01-01T00:00:00Z",
                (alertname + status + extraLabels).hashCode());
    }

    public static String group(String status, int truncatedAlerts, String... alerts) {
        return """
                {"receiver":"kubevirt-remediator","status":"%s","alerts":[%s],
                 "groupLabels":{"alertname":"%s"},
                 "commonLabels":{"alertname":"%s","severity":"warning","operator_health_impact":"none",
                   "kubernetes_operator_part_of":"kubevirt","kubernetes_operator_component":"kubevirt","namespace":"kubevirt"},
                 "commonAnnotations":{"runbook_url":"https://kubevirt.io/monitoring/runbooks/OutdatedVirtualMachineInstanceWorkloads"},
                 "externalURL":"http://alertmanager.example:9093",
                 "version":"4",
                 "groupKey":"{}:{alertname=\\"%s\\"}",
                 "truncatedAlerts":%d}
                """.formatted(status, String.join(",", alerts), OUTDATED, OUTDATED, OUTDATED, truncatedAlerts);
    }

    public static String firing() {
        return group("firing", 0, alert("firing", OUTDATED, null));
    }
}

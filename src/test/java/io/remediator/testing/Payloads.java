package io.remediator.testing;

/** Alertmanager webhook bodies shaped as Alertmanager 0.25 sends them. */
public final class Payloads {
    public static final String OUTDATED = "OutdatedVirtualMachineInstanceWorkloads";

    private Payloads() {}

    public static String alert(String status, String alertname, String extraLabels) {
        return """
                {"status":"%s","labels":{"alertname":"%s","severity":"warning","operator_health_impact":"none"%s},
                 "annotations":{"summary":"Some virtual machines have outdated virt-launcher images",
                   "runbook_url":"https://kubevirt.io/monitoring/runbooks/OutdatedVirtualMachineInstanceWorkloads"},
                 "startsAt":"2026-11-23T10:00:00.000Z",
                 "endsAt":"%s",
                 "generatorURL":"http://prometheus.example/graph?g0.expr=kubevirt_vmi_number_of_outdated",
                 "fingerprint":"%08x"}
                """.formatted(status, alertname, extraLabels == null ? "" : "," + extraLabels,
                "resolved".equals(status) ? "2026-11-24T10:00:00.000Z" : "0001-01-01T00:00:00Z",
                (alertname + status + extraLabels).hashCode());
    }

    public static String group(String status, int truncatedAlerts, String... alerts) {
        return """
                {"receiver":"kubevirt-remediator","status":"%s","alerts":[%s],
                 "groupLabels":{"alertname":"%s"},
                 "commonLabels":{"alertname":"%s","severity":"warning"},
                 "commonAnnotations":{},
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

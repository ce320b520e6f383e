package io.remediator.report;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The custom resource (charts/kubevirt-remediator/crds/remediationreports.yaml): the durable record
 * of one alert episode. The intake and approvals write its {@link ReportSpec}; only the leader
 * writes its {@link ReportStatus}. Read and written through fabric8's typed client.
 */
@Group("kubevirt-remediator.io")
@Version("v1alpha1")
@Kind("RemediationReport")
@Plural("remediationreports")
public final class RemediationReport extends CustomResource<ReportSpec, ReportStatus> implements Namespaced {
    /** The spec and status a reader needs, with the version a write must match. */
    public StoredReport stored() {
        return new StoredReport(getMetadata().getResourceVersion(), getSpec(), getStatus());
    }
}

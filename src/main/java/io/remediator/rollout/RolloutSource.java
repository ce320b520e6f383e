package io.remediator.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Locale;

/**
 * What a rollout record is about (its `spec.source`): one KubeVirt CR's update to one target
 * version and deployment ID. Written once, when the record is created, except
 * {@code controlPlaneCompletedAt}, stored once when T0 is seen and never recomputed (a restart or a
 * take-over reads it back; a Progressing flap never moves it).
 *
 * @param approximate T0 was read from the Progressing condition of a CR found already updated
 *                    (the service was down at the transition), not seen happening
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutSource(String kind, String kubevirt, String fromVersion, String toVersion, String fromDeploymentID,
                           String toDeploymentID, Instant startedAt, Instant controlPlaneCompletedAt,
                           boolean approximate) {
    public static final String KIND = "KubeVirtRollout";

    /** `rollout-<toVersion>-<toDeploymentID[0:8]>`, DNS-safe: a second leader's create finds the first's. */
    public String recordName() {
        String version = (toVersion == null || toVersion.isBlank() ? "unknown" : toVersion).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (version.length() > 40) {
            version = version.substring(0, 40).replaceAll("-+$", "");
        }
        String id = (toDeploymentID == null ? "" : toDeploymentID).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return "rollout-" + version + "-" + (id.length() > 8 ? id.substring(0, 8) : id.isEmpty() ? "none" : id);
    }

    /** The same rollout with T0 stored. */
    public RolloutSource completedAt(Instant t0, boolean approximateT0) {
        return new RolloutSource(kind, kubevirt, fromVersion, toVersion, fromDeploymentID, toDeploymentID, startedAt, t0,
                approximateT0);
    }
}

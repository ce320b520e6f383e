package io.remediator.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Where the leader keeps the {@link FailureWindow}: one ConfigMap of the service's namespace
 * (`window.json`), so a new leader goes on with the counts and every replica's pages show them.
 * The chart's Role allows exactly this name.
 */
public final class FailureWindows {
    public static final String NAME = "kubevirt-remediator-migration-failures";
    static final String KEY = "window.json";
    private static final ObjectMapper JSON = RolloutRecords.JSON;
    private final KubernetesClient client;
    private final String namespace;

    public FailureWindows(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** The stored counts; empty when none are stored (or what is stored is not readable: counting starts again). */
    public Optional<FailureWindow> read() {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(NAME).get();
        String json = cm == null || cm.getData() == null ? null : cm.getData().get(KEY);
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, FailureWindow.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    public void write(FailureWindow w) {
        String json;
        try {
            json = JSON.writeValueAsString(w);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(NAME)
                .withNamespace(namespace).addToLabels("app.kubernetes.io/managed-by", "kubevirt-remediator").endMetadata()
                .addToData(KEY, json).build()).createOr(op -> op.update());
    }
}

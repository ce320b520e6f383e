package io.remediator.kubevirt;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kubernetes API answers, probed in the background so that `/readyz` and the webhook
 * read a flag instead of waiting on the network.
 */
public final class ApiReachability implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiReachability.class);

    private final KubernetesClient client;
    private final Consumer<Boolean> onChange;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "api-reachability");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean reachable;
    private boolean probedOnce;
    private volatile String lastError = "not probed yet";

    public ApiReachability(KubernetesClient client, Consumer<Boolean> onChange) {
        this.client = client;
        this.onChange = onChange;
    }

    public void start(long periodMillis) {
        probe();
        scheduler.scheduleWithFixedDelay(this::probe, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    public boolean reachable() {
        return reachable;
    }

    public String lastError() {
        return lastError;
    }

    void probe() {
        boolean now;
        try {
            client.getKubernetesVersion();
            now = true;
            lastError = null;
        } catch (RuntimeException e) {
            now = false;
            lastError = ApiErrors.describe(e);
        }
        if (!probedOnce || now != reachable) {
            if (now) {
                log.info("Kubernetes API at {} is reachable", client.getMasterUrl());
            } else {
                log.warn("Kubernetes API at {} is not reachable: {}", client.getMasterUrl(), lastError);
            }
        }
        reachable = now;
        probedOnce = true;
        onChange.accept(now);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

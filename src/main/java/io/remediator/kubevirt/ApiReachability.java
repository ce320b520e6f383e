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
    /** The probe's own deadline: a hung API server must turn `/readyz` false within seconds, not the client's 30. */
    static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(5);
    private final java.util.concurrent.ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "api-reachability-call");
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
        java.util.concurrent.Future<?> call = calls.submit(() -> client.getKubernetesVersion());
        try {
            call.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            now = true;
            lastError = null;
        } catch (java.util.concurrent.TimeoutException e) {
            call.cancel(true);
            now = false;
            lastError = "no answer within " + DEADLINE.toSeconds() + " s";
        } catch (java.util.concurrent.ExecutionException e) {
            now = false;
            lastError = e.getCause() instanceof RuntimeException r ? ApiErrors.describe(r) : String.valueOf(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
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
        calls.shutdownNow();
    }
}

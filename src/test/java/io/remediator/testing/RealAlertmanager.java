package io.remediator.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's prometheus-alertmanager (0.25), started on loopback with a generated config that routes
 * every alert to the service's webhook. Installed by scripts/test.
 */
public final class RealAlertmanager implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(
            Path.of("/usr/bin/prometheus-alertmanager"), Path.of("/usr/local/bin/alertmanager"));

    private final LoopbackDaemon daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    private RealAlertmanager(LoopbackDaemon daemon) {
        this.daemon = daemon;
    }

    public static RealAlertmanager start(Path dir, String webhookUrl, String token) throws IOException, InterruptedException {
        return withConfig(dir, """
                route:
                  receiver: kubevirt-remediator
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: kubevirt-remediator
                    webhook_configs:
                      - url: %s
                        send_resolved: true
                        http_config:
                          authorization:
                            type: Bearer
                            credentials: %s
                """.formatted(webhookUrl, token));
    }

    /** Alertmanager with this alertmanager.yml (written to {@code dir}). */
    public static RealAlertmanager withConfig(Path dir, String configYaml) throws IOException, InterruptedException {
        Path binary = binary();
        int port = LoopbackDaemon.freePort();
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), configYaml);
        return new RealAlertmanager(LoopbackDaemon.start("alertmanager", List.of(binary.toString(),
                "--config.file=" + config,
                "--storage.path=" + Files.createDirectories(dir.resolve("am-data")),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--log.level=debug"), port, dir));
    }

    private static Path binary() {
        String fromEnv = System.getenv("ALERTMANAGER_BIN");
        if (fromEnv != null) {
            return Path.of(fromEnv);
        }
        for (Path p : CANDIDATES) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String message = "Alertmanager not found (looked for " + CANDIDATES + " and $ALERTMANAGER_BIN); "
                + "run scripts/test, or apt-get install prometheus-alertmanager";
        if (System.getenv("CI") != null) {
            throw new IllegalStateException(message);
        }
        Assumptions.abort(message);
        return null;
    }

    public String url() {
        return daemon.url();
    }

    /** Posts alerts through Alertmanager's own API, as Prometheus would. */
    public void postAlerts(String alertsJsonArray) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(alertsJsonArray)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("alertmanager refused the alerts: " + r.statusCode() + " " + r.body());
        }
    }

    public boolean isAlive() {
        return daemon.isAlive();
    }

    public Path logPath() {
        return daemon.log();
    }

    @Override
    public void close() {
        daemon.close();
    }
}

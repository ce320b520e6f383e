package io.remediator.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's prometheus-alertmanager (0.25), started on loopback with a generated config that routes
 * every alert to the service's webhook. Installed by scripts/test.
 */
public final class RealAlertmanager implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(
            Path.of("/usr/bin/prometheus-alertmanager"), Path.of("/usr/local/bin/alertmanager"));

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private RealAlertmanager(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static RealAlertmanager start(Path dir, String webhookUrl, String token) throws IOException, InterruptedException {
        Path binary = binary();
        int port = freePort();
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
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
        Path log = dir.resolve("alertmanager.log");
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + config,
                "--storage.path=" + Files.createDirectories(dir.resolve("am-data")),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--log.level=debug")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        RealAlertmanager am = new RealAlertmanager(process, port, log);
        am.awaitReady();
        return am;
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

    private void awaitReady() throws InterruptedException, IOException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("alertmanager exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("alertmanager not ready after 30 s: " + Files.readString(log));
    }

    public String url() {
        return "http://127.0.0.1:" + port;
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
        return process.isAlive();
    }

    public Path logPath() {
        return log;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

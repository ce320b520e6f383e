package io.remediator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Debian's Prometheus (2.42), on loopback with a config the test writes. Installed by scripts/test. */
public final class RealPrometheus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackDaemon daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    private RealPrometheus(LoopbackDaemon daemon) {
        this.daemon = daemon;
    }

    /** @param config prometheus.yml; rule files it names are relative to {@code dir} */
    public static RealPrometheus start(Path dir, String config) throws IOException, InterruptedException {
        Path binary = Path.of(System.getenv().getOrDefault("PROMETHEUS_BIN", "/usr/bin/prometheus"));
        if (!Files.isExecutable(binary)) {
            String message = "Prometheus not found at " + binary + "; run scripts/test, or apt-get install prometheus";
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        int port = LoopbackDaemon.freePort();
        Path file = Files.writeString(dir.resolve("prometheus.yml"), config);
        return new RealPrometheus(LoopbackDaemon.start("prometheus", List.of(binary.toString(), "--config.file=" + file,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("prom-data")),
                "--web.listen-address=127.0.0.1:" + port), port, dir));
    }

    public String url() {
        return daemon.url();
    }

    /** `GET /api/v1/{path}`'s `data`. */
    public JsonNode api(String path) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/" + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).path("data");
    }

    /** The whole answer to an instant query: `status` (success/error), `error`, `data`. */
    public JsonNode evaluate(String promql) throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    public JsonNode query(String promql) throws IOException, InterruptedException {
        return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result");
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

package io.remediator.testing;

import io.remediator.config.GoDuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The service as its own JVM (the real Main, with a config file and a kubeconfig, as in a pod), so
 * a test can kill it with SIGKILL: no shutdown hook runs, nothing is flushed, as in an OOM kill or
 * a node failure. Its log goes to {@code <dir>/<name>.log}.
 */
public final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final RunningService http;
    private final Path log;

    private ServiceProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.http = RunningService.at(port);
        this.log = log;
    }

    /**
     * @param name        also its identity in the leader Lease
     * @param policyYaml  the `policy:` section, e.g. `{mode: auto}`
     */
    public static ServiceProcess start(Path dir, String name, TestCluster cluster, String reportsNamespace,
                                       String policyYaml) {
        return start(dir, name, cluster, reportsNamespace, policyYaml, List.of());
    }

    /** @param jvmOptions e.g. a small `-Xmx` with `-XX:+ExitOnOutOfMemoryError`, as the image runs it */
    public static ServiceProcess start(Path dir, String name, TestCluster cluster, String reportsNamespace,
                                       String policyYaml, List<String> jvmOptions) {
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path kubeconfig = Files.writeString(dir.resolve(name + ".kubeconfig"), cluster.kubeconfigYaml());
            Path config = Files.writeString(dir.resolve(name + ".yaml"), """
                    server: {host: 127.0.0.1, port: %d}
                    webhook: {bearerToken: %s}
                    reports: {namespace: %s}
                    leaderElection: {identity: %s, leaseDuration: %s, renewDeadline: %s, retryPeriod: %s}
                    policy: %s
                    """.formatted(port, RunningService.TOKEN, reportsNamespace, name,
                    GoDuration.format(RunningService.FAST_ELECTION.leaseDuration()),
                    GoDuration.format(RunningService.FAST_ELECTION.renewDeadline()),
                    GoDuration.format(RunningService.FAST_ELECTION.retryPeriod()), policyYaml));
            Path log = dir.resolve(name + ".log");
            List<String> command = new java.util.ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.remediator.Main",
                    "--config", config.toString()));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("REMEDIATOR_"));
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            return new ServiceProcess(name, pb.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public RunningService http() {
        return http;
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * Waits until this replica took over the stored reports, and asserts it is alive then, with its
     * log as the message (a replica that died, of an OutOfMemoryError say, shows why).
     */
    public void awaitTakeOver(java.time.Duration within) throws IOException {
        org.awaitility.Awaitility.await().atMost(within).until(() -> !alive()
                || Files.readString(log).contains("took over the stored reports"));
        org.assertj.core.api.Assertions.assertThat(alive()).as("alive; log:%n%s", Files.readString(log)).isTrue();
    }

    /** The index as JSON, asserting a 200 with {@code size} reports. */
    public com.fasterxml.jackson.databind.JsonNode index(int size) throws IOException {
        var index = http.get("/api/reports");
        org.assertj.core.api.Assertions.assertThat(index.statusCode()).as(index.body()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode list = new com.fasterxml.jackson.databind.ObjectMapper().readTree(index.body());
        org.assertj.core.api.Assertions.assertThat(list).hasSize(size);
        return list;
    }

    /** SIGKILL: the process gets no chance to finish anything. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}

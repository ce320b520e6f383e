package io.remediator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.remediator.config.ConfigException;
import io.remediator.config.ConfigLoader;
import io.remediator.config.RemediatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class Main {
    private static final String USAGE = """
            usage: java -jar kubevirt-remediator.jar [--config FILE]
                   java -jar kubevirt-remediator.jar preflight --help
                   java -jar kubevirt-remediator.jar rollout status --help

            Every config key can be overridden by an environment variable:
            REMEDIATOR_ + the key path in upper snake case (server.port -> REMEDIATOR_SERVER_PORT).
            The Kubernetes connection is found as kubectl finds it: in-cluster service account,
            $KUBECONFIG, or ~/.kube/config.
            """;

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("preflight")) {
            // A command of its own: reads the cluster as the user, writes nothing, needs no service.
            System.exit(io.remediator.preflight.PreflightCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.out, System.err, Clock.systemUTC()));
        }
        if (args.length > 0 && (args[0].equals("pause-updates") || args[0].equals("resume-updates"))) {
            System.exit(io.remediator.cli.UpdaterPauseCommand.run(args[0], java.util.Arrays.copyOfRange(args, 1,
                    args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("signatures")) {
            System.exit(io.remediator.preflight.SignaturesCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("explain")) {
            System.exit(io.remediator.preflight.ExplainCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("rollout")) {
            System.exit(io.remediator.preflight.RolloutStatusCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.out, System.err, java.time.Duration.ofSeconds(5)));
        }
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        exit(2, "--config needs a file\n" + USAGE);
                    }
                    configFile = Path.of(args[++i]);
                    if (!Files.isRegularFile(configFile)) {
                        exit(2, "config file not found: " + configFile);
                    }
                }
                case "-h", "--help" -> exit(0, USAGE);
                default -> exit(2, "unknown argument: " + args[i] + "\n" + USAGE);
            }
        }
        RemediatorConfig config;
        try {
            config = new ConfigLoader(System.getenv()).load(configFile);
        } catch (ConfigException e) {
            exit(2, e.getMessage());
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        // Fewer, faster retries than fabric8's defaults: a probe or diagnosis should fail visibly
        // within seconds rather than hang behind ten exponential backoffs.
        Config kubeConfig = new ConfigBuilder(Config.autoConfigure(null))
                .withConnectionTimeout(5_000)
                .withRequestTimeout(30_000)
                .withRequestRetryBackoffLimit(3)
                // fabric8 sends at most 5 requests at once to one API server by default: deliveries
                // (up to WebhookEndpoint's 32 at once) then queued behind a pass's reads and writes.
                .withMaxConcurrentRequestsPerHost(32)
                .build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(kubeConfig).build();
        RemediatorService service = new RemediatorService(config, client, Clock.systemUTC()).start();
        log.info("kubevirt-remediator listening on {}:{} (Kubernetes API {})", config.server().host(),
                service.port(), client.getMasterUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            client.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    private static void exit(int code, String message) {
        (code == 0 ? System.out : System.err).println(message);
        System.exit(code);
    }
}

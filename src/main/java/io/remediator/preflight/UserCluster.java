package io.remediator.preflight;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.remediator.kubevirt.ApiErrors;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cluster as the person running a command reaches it: their kubeconfig (or kubectl's usual
 * places) and context, their RBAC. The commands' errors, in their words: which file, which cluster,
 * which verb and resource the API refused.
 */
public final class UserCluster {
    private UserCluster() {}

    /** The connection, or empty after saying on {@code err} why there is none. */
    public static Optional<Config> config(String command, String kubeconfig, String context, PrintStream err) {
        Config config;
        try {
            if (kubeconfig != null) {
                if (!Files.isRegularFile(Path.of(kubeconfig))) {
                    err.println(command + ": kubeconfig not found: " + kubeconfig);
                    return Optional.empty();
                }
                config = Config.fromKubeconfig(context, Files.readString(Path.of(kubeconfig)), kubeconfig);
            } else {
                config = Config.autoConfigure(context);
            }
        } catch (Exception e) {
            err.println(command + ": cannot read the kubeconfig: " + e.getMessage());
            return Optional.empty();
        }
        config.setRequestTimeout(120_000);
        return Optional.of(config);
    }

    /** A failed read as one line: forbidden (the API's words name the verb and resource), unreachable, or what the API said. */
    public static String failure(String command, KubernetesClientException e, Config config, String needs) {
        if (e.getCode() == 403) {
            String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                    : e.getMessage();
            return command + ": forbidden: " + message + " (" + needs + ")";
        }
        return command + ": " + (e.getCode() == 0 ? "cannot reach the cluster at " + config.getMasterUrl() + ": "
                + ApiErrors.describe(e) : ApiErrors.describe(e));
    }
}

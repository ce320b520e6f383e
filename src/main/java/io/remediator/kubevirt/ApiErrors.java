package io.remediator.kubevirt;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Failed API calls in words an operator can act on, for logs, `/readyz` and reports. */
public final class ApiErrors {
    private ApiErrors() {}

    /** True when the API server itself refused the call (it sent a Status), not the network. */
    public static boolean answered(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null;
    }

    /**
     * The API's own answer when it gave one ("403 Forbidden: ... cannot list resource ..."),
     * otherwise the transport failure with the causes fabric8 wraps it in.
     */
    public static String describe(Throwable e) {
        if (e instanceof KubernetesClientException k && answered(k)) {
            return "Kubernetes API answered " + k.getCode() + " " + k.getStatus().getReason() + ": "
                    + k.getStatus().getMessage();
        }
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !out.toString().contains(c.getMessage())) {
                out.append(": ").append(c.getMessage());
            }
        }
        return out.toString();
    }
}

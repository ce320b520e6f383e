package io.remediator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The test API server's own audit log (`--audit-policy-file`, `--audit-log-path`): every request
 * that is not a read, as the API server saw it. A test proves that something wrote nothing by
 * reading this, not by the absence of an object that a write might have removed again.
 */
public final class AuditLog {
    /** The policy: reads are not logged, every other request is, at Metadata level. */
    static final String POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
              - level: None
                verbs: ["get", "list", "watch"]
              - level: Metadata
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    AuditLog(Path file) {
        this.file = file;
    }

    /** Where the API server writes it (also how its process is told from another one). */
    Path file() {
        return file;
    }

    /** One write request the API server answered. */
    public record Write(String verb, String resource, String subresource, String namespace, String name, String uri,
                        int code) {
        public boolean dryRun() {
            return uri.contains("dryRun=All");
        }

        @Override
        public String toString() {
            return verb + " " + resource + (subresource == null ? "" : "/" + subresource) + " " + namespace + "/" + name
                    + " -> " + code + (dryRun() ? " (dry run)" : "");
        }
    }

    /** Where the log ends now: {@link #writesSince(long)} reads what comes after. */
    public long mark() {
        return lines().size();
    }

    /** The writes logged since {@code mark}, in order. */
    public List<Write> writesSince(long mark) {
        List<String> lines = lines();
        List<Write> out = new ArrayList<>();
        for (String line : lines.subList((int) Math.min(mark, lines.size()), lines.size())) {
            try {
                JsonNode e = JSON.readTree(line);
                if (!"ResponseComplete".equals(e.path("stage").asText())) {
                    continue;
                }
                JsonNode o = e.path("objectRef");
                out.add(new Write(e.path("verb").asText(), o.path("resource").asText(null),
                        o.path("subresource").asText(null), o.path("namespace").asText(null), o.path("name").asText(null),
                        e.path("requestURI").asText(), e.path("responseStatus").path("code").asInt()));
            } catch (IOException e) {
                // A line still being written: the next read has it whole.
            }
        }
        return out;
    }

    /** Writes since {@code mark} that changed one of these resources (dry runs and refusals changed nothing). */
    public List<Write> changesSince(long mark, Set<String> resources) {
        return writesSince(mark).stream().filter(w -> resources.contains(w.resource()) && !w.dryRun()
                && w.code() >= 200 && w.code() < 300).toList();
    }

    private List<String> lines() {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.remediator.runbook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The shipped catalog of known upgrade defects by failure signature (`known-signatures.yaml`,
 * versioned with the service): what a signature means, how to mitigate it, where it is reported.
 */
public final class KnownSignatures {
    /** One entry: {@code key} exact, or with `*` matching any text. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Known(String key, String meaning, String mitigation, List<String> links) {
        boolean matches(String signature) {
            String regex = java.util.Arrays.stream(key.split("\\*", -1)).map(Pattern::quote)
                    .collect(java.util.stream.Collectors.joining(".*"));
            return signature.matches(regex);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Catalog(int version, List<Known> signatures) {}

    private final int version;
    private final List<Known> entries;

    KnownSignatures(int version, List<Known> entries) {
        this.version = version;
        this.entries = List.copyOf(entries);
    }

    /** The catalog shipped in the jar. */
    public static KnownSignatures shipped() {
        try (InputStream in = KnownSignatures.class.getResourceAsStream("/known-signatures.yaml")) {
            if (in == null) {
                throw new IllegalStateException("known-signatures.yaml is missing from the jar");
            }
            Catalog c = new ObjectMapper(new YAMLFactory()).readValue(in, Catalog.class);
            return new KnownSignatures(c.version(), c.signatures() == null ? List.of() : c.signatures());
        } catch (IOException e) {
            throw new UncheckedIOException("known-signatures.yaml", e);
        }
    }

    /** The first entry matching this signature key. */
    public Optional<Known> of(String signatureKey) {
        return entries.stream().filter(k -> k.matches(signatureKey)).findFirst();
    }

    public int version() {
        return version;
    }
}

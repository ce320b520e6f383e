package io.remediator.web;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The secret Alertmanager must present. From a file it is re-read when the file changes, so a
 * rotated Kubernetes Secret takes effect without a restart.
 */
public final class BearerToken implements Credentials {
    private final byte[] fixed;
    private final SecretFile file;

    private BearerToken(byte[] fixed, SecretFile file) {
        this.fixed = fixed;
        this.file = file;
    }

    public static BearerToken of(String token) {
        return new BearerToken(token.trim().getBytes(StandardCharsets.UTF_8), null);
    }

    public static BearerToken fromFile(Path file) {
        return new BearerToken(null, new SecretFile(file)); // reads it now: fails at start-up, not on the first alert
    }

    @Override
    public String challenge() {
        return "Bearer";
    }

    /** True when the Authorization header carries this token; the comparison takes constant time. */
    @Override
    public boolean matches(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = current();
        return expected.length > 0 && MessageDigest.isEqual(expected, presented);
    }

    private byte[] current() {
        return fixed != null ? fixed : file.current().getBytes(StandardCharsets.UTF_8);
    }
}

package io.remediator.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;

/**
 * The secret Alertmanager must present. From a file it is re-read when the file changes, so a
 * rotated Kubernetes Secret takes effect without a restart.
 */
public final class BearerToken implements Credentials {
    private final byte[] fixed;
    private final Path file;
    private volatile byte[] cached;
    private volatile FileTime cachedAt;

    private BearerToken(byte[] fixed, Path file) {
        this.fixed = fixed;
        this.file = file;
    }

    public static BearerToken of(String token) {
        return new BearerToken(token.trim().getBytes(StandardCharsets.UTF_8), null);
    }

    public static BearerToken fromFile(Path file) {
        BearerToken token = new BearerToken(null, file);
        token.current(); // fail at start-up, not on the first alert
        return token;
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
        if (fixed != null) {
            return fixed;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (cached == null || !modified.equals(cachedAt)) {
                cached = Files.readString(file).trim().getBytes(StandardCharsets.UTF_8);
                cachedAt = modified;
            }
            return cached;
        } catch (IOException e) {
            if (cached != null) {
                return cached; // a Secret being swapped in place; keep the last good token
            }
            throw new UncheckedIOException("cannot read bearer token file " + file, e);
        }
    }
}

package io.remediator.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * HTTP basic authentication, as Alertmanager's `basic_auth` sends it; the password comes from a
 * file and is re-read when the file changes (a rotated Secret).
 */
public final class BasicCredentials implements Credentials {
    private final String username;
    private final Path passwordFile;
    private volatile byte[] expected;
    private volatile FileTime readAt;

    public BasicCredentials(String username, Path passwordFile) {
        this.username = username;
        this.passwordFile = passwordFile;
        expected(); // fail at start-up, not on the first alert
    }

    @Override
    public boolean matches(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(authorizationHeader.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] want = expected();
        return want.length > username.length() + 1 && MessageDigest.isEqual(want, presented);
    }

    @Override
    public String challenge() {
        return "Basic realm=\"kubevirt-remediator\", charset=\"UTF-8\"";
    }

    private byte[] expected() {
        try {
            FileTime modified = Files.getLastModifiedTime(passwordFile);
            if (expected == null || !modified.equals(readAt)) {
                String password = Files.readString(passwordFile).trim();
                expected = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
                readAt = modified;
            }
            return expected;
        } catch (IOException e) {
            if (expected != null) {
                return expected; // a Secret being swapped in place; keep the last good password
            }
            throw new UncheckedIOException("cannot read basic auth password file " + passwordFile, e);
        }
    }
}

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

    /**
     * What a browser's session cookie holds for this token: an HMAC of a fixed text under the token,
     * never the token itself. A new token ends every session made with the old one.
     */
    String sessionValue() {
        byte[] key = current();
        if (key.length == 0) {
            return "";
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(
                    "kubevirt-remediator report reader session".getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    /** True when {@code cookie} is this token's {@link #sessionValue}; constant time. */
    boolean matchesSession(String cookie) {
        String expected = sessionValue();
        return cookie != null && !expected.isEmpty() && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), cookie.strip().getBytes(StandardCharsets.US_ASCII));
    }

    /** True when {@code presented} is this token (a login form's field); constant time. */
    boolean matchesValue(String presented) {
        byte[] expected = current();
        return presented != null && expected.length > 0
                && MessageDigest.isEqual(expected, presented.strip().getBytes(StandardCharsets.UTF_8));
    }

    private byte[] current() {
        return fixed != null ? fixed : file.current().getBytes(StandardCharsets.UTF_8);
    }
}

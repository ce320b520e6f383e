package io.remediator.web;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * HTTP basic authentication, as Alertmanager's `basic_auth` sends it; the password comes from a
 * file and is re-read when the file changes (a rotated Secret).
 */
public final class BasicCredentials implements Credentials {
    private final String username;
    private final SecretFile password;

    public BasicCredentials(String username, Path passwordFile) {
        this.username = username;
        this.password = new SecretFile(passwordFile);
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
        String secret = password.current();
        byte[] want = (username + ":" + secret).getBytes(StandardCharsets.UTF_8);
        return !secret.isEmpty() && MessageDigest.isEqual(want, presented);
    }

    @Override
    public String challenge() {
        return "Basic realm=\"kubevirt-remediator\", charset=\"UTF-8\"";
    }
}

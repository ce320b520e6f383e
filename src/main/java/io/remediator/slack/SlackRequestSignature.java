package io.remediator.slack;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signature: `v0=` + hex(HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`)).
 * Checked over the exact bytes received, within 300 s either way of now, in constant time. (The
 * SDK's own verifier accepts timestamps from the future and compares with String.equals.)
 */
public final class SlackRequestSignature {
    static final long WINDOW_SECONDS = 300;

    private final Supplier<String> secret;
    private final Clock clock;

    /** @param secret the signing secret, asked at each request (a mounted Secret may be rotated) */
    public SlackRequestSignature(Supplier<String> secret, Clock clock) {
        this.secret = secret;
        this.clock = clock;
    }

    public boolean valid(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null || !signature.startsWith("v0=")) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.instant().getEpochSecond() - ts) > WINDOW_SECONDS) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("v0:" + ts + ":").getBytes(StandardCharsets.UTF_8));
            byte[] expected = ("v0=" + HexFormat.of().formatHex(mac.doFinal(body))).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }
}

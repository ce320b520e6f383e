package io.remediator.report;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring approval links for one report's plan: `v1.<kid>.<report>.<pass>.<expires>.<signature>`,
 * HMAC-SHA256 with a key of its own (never Slack's signing secret). The key id names the key, so a
 * new key can sign while the old one still verifies the links already sent. A link's id is a hash
 * of the whole token: the same plan always gets the same link (so an unchanged Slack message stays
 * unchanged), and the report records the ids used, so each works once.
 */
public final class ApprovalLinks {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final List<byte[]> keys;
    private final Duration ttl;

    /** @param keys the first signs; every one verifies (rotation: add the new key first, drop the old later) */
    public ApprovalLinks(List<byte[]> keys, Duration ttl) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no approval link key");
        }
        this.keys = List.copyOf(keys);
        this.ttl = ttl;
    }

    /** What a link says, once its signature checked out. */
    public sealed interface Check {
        record Valid(String reportId, int pass, Instant expires, String linkId) implements Check {}

        /** Not made with any of our keys, or changed since. */
        record Tampered() implements Check {}

        /** Genuine, but for another report. */
        record OtherReport() implements Check {}

        record Expired(Instant at) implements Check {}
    }

    /** The link for the plan of pass {@code pass}, made at {@code plannedAt}: valid for the ttl from then. */
    public String token(String reportId, int pass, Instant plannedAt) {
        String body = "v1." + kid(keys.get(0)) + "." + B64.encodeToString(reportId.getBytes(StandardCharsets.UTF_8)) + "."
                + pass + "." + plannedAt.plus(ttl).getEpochSecond();
        return body + "." + B64.encodeToString(mac(keys.get(0), body));
    }

    public Check check(String token, String reportId, Instant now) {
        if (token == null) {
            return new Check.Tampered();
        }
        String[] parts = token.split("\\.");
        if (parts.length != 6 || !"v1".equals(parts[0])) {
            return new Check.Tampered();
        }
        String body = String.join(".", parts[0], parts[1], parts[2], parts[3], parts[4]);
        byte[] key = keys.stream().filter(k -> kid(k).equals(parts[1])).findFirst().orElse(null);
        // Compared as the canonical text this service writes, not as decoded bytes: a lenient
        // decoder takes several spellings of one MAC (other final bits, padding), and each would
        // be a "new" link (redteam-2 N8).
        if (key == null || !MessageDigest.isEqual(B64.encodeToString(mac(key, body)).getBytes(StandardCharsets.US_ASCII),
                parts[5].getBytes(StandardCharsets.US_ASCII))) {
            return new Check.Tampered();
        }
        String report;
        int pass;
        Instant expires;
        try {
            report = new String(B64D.decode(parts[2]), StandardCharsets.UTF_8);
            pass = Integer.parseInt(parts[3]);
            expires = Instant.ofEpochSecond(Long.parseLong(parts[4]));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            // Beyond what an Instant holds (redteam-2 N12): not a link this service made, whatever its MAC.
            return new Check.Tampered();
        }
        if (!report.equals(reportId)) {
            return new Check.OtherReport();
        }
        if (!now.isBefore(expires)) {
            return new Check.Expired(expires);
        }
        // Named by what was signed: one link, one id.
        return new Check.Valid(report, pass, expires, HexFormat.of().formatHex(sha256(body), 0, 12));
    }

    private static String kid(byte[] key) {
        return HexFormat.of().formatHex(sha256(key), 0, 4);
    }

    private static byte[] mac(byte[] key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    private static byte[] sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

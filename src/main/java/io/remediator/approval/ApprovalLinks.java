package io.remediator.approval;

import io.remediator.remediation.PassResult;

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
 * Signed, expiring approval links for one report's plan: `v2.<kid>.<report>.<awaited>.<expires>.<signature>`,
 * where `awaited` names the set of actions awaiting approval ({@link PassResult#awaitedDigest}): the
 * link lives for its ttl while that set is unchanged, whatever follow-up passes run (redteam-2 N7).
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
        /**
         * @param plan    the set of awaited actions it approves
         * @param channel the owner channel whose message carried it (docs/owners.md): it approves only
         *                for that channel's namespaces' approvers; null for the platform message's link
         */
        record Valid(String reportId, PlanRef.Awaited plan, Instant expires, String linkId, String channel) implements Check {}

        /** Not made with any of our keys, or changed since. */
        record Tampered() implements Check {}

        /** Genuine, but for another report. */
        record OtherReport() implements Check {}

        record Expired(Instant at) implements Check {}
    }

    /**
     * The link for the actions {@code plan} awaits, valid for the ttl from when they were first
     * offered ({@link PassResult#awaitingSince}): the same set always gets the same link.
     */
    public String token(String reportId, PassResult plan) {
        return token(reportId, plan.awaitedDigest(), plan.awaitingSince() != null ? plan.awaitingSince() : plan.at());
    }

    /** The link for the awaited set {@code awaited} (24 hex digits), offered since {@code since}. */
    public String token(String reportId, String awaited, Instant since) {
        String body = "v2." + kid(keys.get(0)) + "." + B64.encodeToString(reportId.getBytes(StandardCharsets.UTF_8)) + "."
                + awaited + "." + since.plus(ttl).getEpochSecond();
        return body + "." + B64.encodeToString(mac(keys.get(0), body));
    }

    /**
     * The link an owner channel's message carries (`v3.….<channel>.<signature>`): signed with its
     * channel, so it approves only what that channel's namespaces' approvers may, and only for
     * someone the page knows by name.
     */
    public String ownerToken(String reportId, PassResult plan, String channel) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("not a channel ID: " + channel);
        }
        Instant since = plan.awaitingSince() != null ? plan.awaitingSince() : plan.at();
        String body = "v3." + kid(keys.get(0)) + "." + B64.encodeToString(reportId.getBytes(StandardCharsets.UTF_8)) + "."
                + plan.awaitedDigest() + "." + since.plus(ttl).getEpochSecond() + "." + channel;
        return body + "." + B64.encodeToString(mac(keys.get(0), body));
    }

    private static final java.util.regex.Pattern CHANNEL = java.util.regex.Pattern.compile("[CG][A-Z0-9]{8,}");

    public Check check(String token, String reportId, Instant now) {
        if (token == null) {
            return new Check.Tampered();
        }
        String[] parts = token.split("\\.");
        // v1 links named a pass; a link made before v2 is one an operator gets again from the report.
        boolean owner = parts.length == 7 && "v3".equals(parts[0]) && CHANNEL.matcher(parts[5]).matches();
        if (!(owner || parts.length == 6 && "v2".equals(parts[0])) || !parts[3].matches("[0-9a-f]{24}")) {
            return new Check.Tampered();
        }
        String body = String.join(".", java.util.Arrays.asList(parts).subList(0, parts.length - 1));
        String signature = parts[parts.length - 1];
        byte[] key = keys.stream().filter(k -> kid(k).equals(parts[1])).findFirst().orElse(null);
        // Compared as the canonical text this service writes, not as decoded bytes: a lenient
        // decoder takes several spellings of one MAC (other final bits, padding), and each would
        // be a "new" link (redteam-2 N8).
        if (key == null || !MessageDigest.isEqual(B64.encodeToString(mac(key, body)).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return new Check.Tampered();
        }
        String report;
        Instant expires;
        try {
            report = new String(B64D.decode(parts[2]), StandardCharsets.UTF_8);
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
        return new Check.Valid(report, new PlanRef.Awaited(parts[3]), expires, HexFormat.of().formatHex(sha256(body), 0, 12),
                owner ? parts[5] : null);
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

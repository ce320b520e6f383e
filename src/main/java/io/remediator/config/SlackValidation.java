package io.remediator.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** The checks of `publicUrl` and `slack`. Each problem starts with its key; no secret is ever quoted. */
final class SlackValidation {
    private static final Pattern CHANNEL_ID = Pattern.compile("[CGD][A-Z0-9]{2,}");
    private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{2,}");

    private SlackValidation() {}

    static void check(String publicUrl, RemediatorConfig.Slack slack, List<String> problems) {
        if (slack != null && slack.maxOwnerChannelsPerReport() != null && slack.maxOwnerChannelsPerReport() < 0) {
            problems.add("slack.maxOwnerChannelsPerReport: must be 0 or more, not " + slack.maxOwnerChannelsPerReport());
        }
        if (!ConfigValidation.blank(publicUrl) && httpUrlProblem(publicUrl) != null) {
            problems.add("publicUrl: " + httpUrlProblem(publicUrl));
        }
        if (slack == null || !slack.enabled()) {
            return;
        }
        boolean bot = !ConfigValidation.blank(slack.botTokenFile());
        boolean hook = !ConfigValidation.blank(slack.webhookUrlFile());
        if (bot && hook) {
            problems.add("slack: set slack.botTokenFile or slack.webhookUrlFile, not both");
            return;
        }
        if (ConfigValidation.blank(publicUrl)) {
            problems.add("publicUrl: required with Slack: every message links to its report page");
        }
        checkApproval(slack.approval(), problems);
        if (bot) {
            String token = secret("slack.botTokenFile", slack.botTokenFile(), problems);
            if (token != null && !token.startsWith("xoxb-")) {
                problems.add("slack.botTokenFile: not a bot token (it starts with xoxb-)");
            }
            if (ConfigValidation.blank(slack.channel()) || !CHANNEL_ID.matcher(slack.channel()).matches()) {
                problems.add("slack.channel: the channel ID the bot posts to (e.g. C0123ABCD), got \"" + slack.channel()
                        + "\"");
            }
            String api = slack.apiUrl();
            if (ConfigValidation.blank(api) || httpUrlProblem(api) != null) {
                problems.add("slack.apiUrl: " + (ConfigValidation.blank(api) ? "must be set" : httpUrlProblem(api)));
            }
        } else {
            String url = secret("slack.webhookUrlFile", slack.webhookUrlFile(), problems);
            // The SDK posts to any URL it is given: only Slack's own (or a loopback test server) may be.
            if (url != null && !url.startsWith("https://hooks.slack.com/") && !loopback(url)) {
                problems.add("slack.webhookUrlFile: the file must hold a Slack incoming-webhook URL"
                        + " (https://hooks.slack.com/...)");
            }
        }
    }

    private static final int MIN_SECRET = 16;
    /** RFC 9110's token: what a header name may be. */
    private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static final List<String> ACTIONS = List.of("ENABLE_WORKLOAD_UPDATES", "LIVE_MIGRATE", "EVICT", "RESTART", "STOP");

    private static void checkApproval(RemediatorConfig.Approval a, List<String> problems) {
        if (a == null) {
            return;
        }
        if (!List.of("none", "link", "interactive").contains(a.mode())) {
            problems.add("slack.approval.mode: must be none, link or interactive, got \"" + a.mode() + "\"");
            return;
        }
        if ("interactive".equals(a.mode())) {
            String secret = secret("slack.approval.signingSecretFile", a.signingSecretFile(), problems);
            // Slack's signing secrets are 32 characters; a short one can be guessed from one request.
            if (secret != null && secret.length() < MIN_SECRET) {
                problems.add("slack.approval.signingSecretFile: the secret must be at least " + MIN_SECRET
                        + " characters (Slack's are 32)");
            }
            for (String id : a.allowedUserIds() == null ? List.<String>of() : a.allowedUserIds()) {
                if (id == null || !USER_ID.matcher(id).matches()) {
                    problems.add("slack.approval.allowedUserIds: \"" + id + "\" is not a Slack user ID (U… or W…)");
                }
            }
            if (!ConfigValidation.blank(a.allowedUsergroup()) && !a.allowedUsergroup().matches("S[A-Z0-9]{2,}")) {
                problems.add("slack.approval.allowedUsergroup: \"" + a.allowedUsergroup() + "\" is not a user group ID (S…)");
            }
        }
        if (!ConfigValidation.blank(a.identityHeader()) && !HEADER_NAME.matcher(a.identityHeader()).matches()) {
            problems.add("slack.approval.identityHeader: not a header name: \"" + a.identityHeader() + "\"");
        }
        if (!ACTIONS.contains(a.maxAction())) {
            problems.add("slack.approval.maxAction: must be one of " + ACTIONS + ", got \"" + a.maxAction() + "\"");
        }
        if (a.ttl() == null || a.ttl().isZero() || a.ttl().isNegative()) {
            problems.add("slack.approval.ttl: must be longer than 0");
        }
        if ("link".equals(a.mode())) {
            String key = secret("slack.approval.linkKeyFile", a.linkKeyFile(), problems);
            // Every line verifies links, so every line must be as hard to guess offline as the first.
            if (key != null) {
                List<String> keys = key.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
                for (int i = 0; i < keys.size(); i++) {
                    if (keys.get(i).length() < 32) {
                        problems.add("slack.approval.linkKeyFile: the key on line " + (i + 1)
                                + " must be at least 32 characters");
                    }
                }
            }
        }
    }

    /** The file's content, trimmed; null (with a problem naming the key, never the content) when unusable. */
    private static String secret(String key, String file, List<String> problems) {
        if (ConfigValidation.blank(file)) {
            problems.add(key + ": required");
            return null;
        }
        try {
            String value = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            if (value.isEmpty()) {
                problems.add(key + ": " + file + " is empty");
                return null;
            }
            return value;
        } catch (IOException | RuntimeException e) {
            problems.add(key + ": cannot read " + file);
            return null;
        }
    }

    private static boolean loopback(String url) {
        try {
            String host = new URI(url).getHost();
            return "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String httpUrlProblem(String url) {
        try {
            URI u = new URI(url);
            if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
                return "not an http(s) URL: \"" + url + "\"";
            }
            return null;
        } catch (URISyntaxException e) {
            return "not an http(s) URL: \"" + url + "\"";
        }
    }
}

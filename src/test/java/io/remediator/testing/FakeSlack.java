package io.remediator.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Slack's Web API on 127.0.0.1, answering as Slack does (../shared/notes/slack.md
 * §2.6, §9.1): errors as HTTP 200 with `ok:false`, rate limits as 429 with Retry-After. It records
 * every call, so tests assert on what the service sent, as Slack would have received it.
 */
public final class FakeSlack implements AutoCloseable {
    public static final String TOKEN = "xoxb-test-token-0123456789";
    public static final String CHANNEL = "C0123ABCD";

    /** One call as Slack received it. */
    /** @param body the request body as sent (a response_url's answer is JSON, not a form) */
    public record Call(String method, Map<String, String> form, Instant at, String body) {}

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger ts = new AtomicInteger(100);
    private volatile String failWith;
    private final AtomicInteger rateLimitNext = new AtomicInteger();

    public FakeSlack() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/", this::handle);
        server.start();
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
    }

    /** The `slack` config for a bot posting to {@link #CHANNEL} here, its token in a file under {@code dir}. */
    public io.remediator.config.RemediatorConfig.Slack botConfig(java.nio.file.Path dir,
                                                                 io.remediator.config.RemediatorConfig.Approval approval)
            throws IOException {
        java.nio.file.Path token = java.nio.file.Files.writeString(dir.resolve("bot-token"), TOKEN);
        return new io.remediator.config.RemediatorConfig.Slack(token.toString(), "", CHANNEL, apiUrl(), approval);
    }

    /** The blocks of the first message posted, once there is one, as Slack reads them (JSON without Gson's escapes). */
    public String firstPostedBlocks() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> !calls("chat.postMessage").isEmpty());
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(calls("chat.postMessage").get(0).form()
                    .get("blocks")).toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    private final Map<String, String> users = new java.util.concurrent.ConcurrentHashMap<>();

    /** `users.lookupByEmail` answers this user ID for this address (any other: `users_not_found`, as Slack does). */
    public FakeSlack user(String email, String id) {
        users.put(email, id);
        return this;
    }

    /** Every later chat call answers `ok:false` with this error (null: succeed again). */
    public void failWith(String error) {
        this.failWith = error;
    }

    /** The next {@code n} chat calls answer 429 with `Retry-After: 1`. */
    public void rateLimitNext(int n) {
        rateLimitNext.set(n);
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestURI().getPath().substring("/api/".length());
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = form(body);
        calls.add(new Call(method, form, Instant.now(), body));
        if (method.startsWith("respond/")) {
            // A click's response_url (Slack's hooks host in production): answered like Slack does, "ok".
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (!("Bearer " + TOKEN).equals(auth)) {
            answer(ex, 200, "{\"ok\":false,\"error\":\"invalid_auth\"}");
            return;
        }
        if (method.equals("auth.test")) {
            answer(ex, 200, "{\"ok\":true,\"team_id\":\"T000\",\"user_id\":\"UBOT\"}");
            return;
        }
        if (rateLimitNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            ex.getResponseHeaders().add("Retry-After", "1");
            answer(ex, 429, "{\"ok\":false,\"error\":\"ratelimited\"}");
            return;
        }
        if (failWith != null) {
            answer(ex, 200, "{\"ok\":false,\"error\":\"" + failWith + "\"}");
            return;
        }
        String channel = form.getOrDefault("channel", "");
        switch (method) {
            case "chat.postMessage" -> answer(ex, 200, "{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"1700000000."
                    + String.format("%06d", ts.incrementAndGet()) + "\"}");
            case "chat.update" -> answer(ex, 200, "{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\""
                    + form.get("ts") + "\"}");
            case "users.lookupByEmail" -> answer(ex, 200, users.containsKey(form.getOrDefault("email", ""))
                    ? "{\"ok\":true,\"user\":{\"id\":\"" + users.get(form.get("email")) + "\",\"team_id\":\"T000\"}}"
                    : "{\"ok\":false,\"error\":\"users_not_found\"}");
            default -> answer(ex, 200, "{\"ok\":false,\"error\":\"unknown_method\"}");
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

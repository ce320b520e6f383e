package io.remediator.preflight;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The commands' reads of the service's JSON API, with the read (or admin) token; failures said once, in the command's words. */
final class ServiceApi {
    private ServiceApi() {}

    /** The request failed or was refused; the reason is already on the command's error stream. */
    static final class Unanswered extends Exception {
        Unanswered() {
            super(null, null, false, false);
        }
    }

    /** The body of a 200, or {@link Unanswered} after saying why (404 included: callers that expect it use {@link #status}). */
    static String get(HttpClient http, String url, String token, PrintStream err, String command) throws Unanswered {
        HttpResponse<String> r = send(http, url, token, err, command);
        if (r.statusCode() != 200) {
            err.println(command + ": " + url + " answered " + r.statusCode()
                    + (r.statusCode() == 401 ? " (give --token or REMEDIATOR_API_TOKEN: api.readToken)" : ""));
            throw new Unanswered();
        }
        return r.body();
    }

    static HttpResponse<String> send(HttpClient http, String url, String token, PrintStream err, String command)
            throws Unanswered {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null && !token.isBlank()) {
            req.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            err.println(command + ": cannot reach " + url + ": " + e.getMessage());
            throw new Unanswered();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unanswered();
        }
    }
}

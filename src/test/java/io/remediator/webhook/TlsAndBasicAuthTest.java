package io.remediator.webhook;

import static io.remediator.testing.KubeVirtObjects.kubeVirt;
import static io.remediator.testing.KubeVirtObjects.vmi;
import static org.assertj.core.api.Assertions.assertThat;

import io.remediator.config.RemediatorConfig;
import io.remediator.testing.Payloads;
import io.remediator.testing.RealCluster;
import io.remediator.testing.RunningService;
import io.remediator.testing.TestCluster;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The webhook over HTTPS with basic auth, as Alertmanager's `tls_config` and `basic_auth` send it. */
@ExtendWith(RealCluster.class)
class TlsAndBasicAuthTest {

    @Test
    void httpsWithBasicAuthTakesTheAlertAndRefusesEverythingElse(TestCluster cluster, @TempDir Path dir) throws Exception {
        cluster.reset();
        cluster.create(kubeVirt("kubevirt", List.of("LiveMigrate"), null, null));
        cluster.create(vmi("ns-1", "outdated-1").migratable().build());
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        assertThat(openssl.waitFor()).as(new String(openssl.getInputStream().readAllBytes())).isZero();
        Path password = Files.writeString(dir.resolve("password"), "basic-password-0123456789\n");

        RemediatorConfig d = RunningService.defaultConfig();
        RemediatorConfig secured = new RemediatorConfig(
                new RemediatorConfig.Server("127.0.0.1", 0, new RemediatorConfig.Tls(cert.toString(), key.toString())),
                new RemediatorConfig.Webhook(null, null, d.webhook().maxBodyBytes(),
                        new RemediatorConfig.BasicAuth("alertmanager", password.toString())),
                d.diagnosis(), d.reports(), d.policy(), d.api(), d.leaderElection(), d.publicUrl(), d.slack());
        try (RunningService service = RunningService.start(cluster.newClient(), secured)) {
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(5)).build();
            URI webhook = URI.create("https://127.0.0.1:" + service.port() + "/alertmanager/webhook");

            HttpResponse<String> ok = https.send(post(webhook, "alertmanager:basic-password-0123456789"),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> wrong = https.send(post(webhook, "alertmanager:guess"), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> bearer = https.send(HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + RunningService.TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(Payloads.firing())).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(bearer.statusCode()).isEqualTo(401);
            // Plain HTTP on the TLS port gets no answer it could take for a success.
            int plain;
            try {
                plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.port() + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (java.io.IOException e) {
                plain = -1;
            }
            assertThat(plain < 200 || plain > 299).as("plain HTTP answered %d", plain).isTrue();
        }
    }

    private static HttpRequest post(URI uri, String userPassword) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(Payloads.firing())).build();
    }

    private static SSLContext trusting(Path certPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("service", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certPem))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}

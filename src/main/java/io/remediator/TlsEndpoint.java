package io.remediator;

import io.remediator.config.PemKeyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS on the service's port from PEM files (`server.tls`), re-read when they change, so a
 * renewed certificate (cert-manager, a rotated Secret) is served without a restart.
 */
final class TlsEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsEndpoint.class);
    private static final long RELOAD_CHECK_SECONDS = 30;

    private final Path certFile;
    private final Path keyFile;
    private final SslContextFactory.Server ssl = new SslContextFactory.Server();
    private final ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tls-reload");
        t.setDaemon(true);
        return t;
    });
    private volatile FileTime certAt;
    private volatile FileTime keyAt;

    TlsEndpoint(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        ssl.setKeyStore(PemKeyStore.load(certFile, keyFile));
        ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
        certAt = modified(certFile);
        keyAt = modified(keyFile);
    }

    ServerConnector connector(Server server, String host, int port, long idleTimeoutMillis, long minBytesPerSecond) {
        HttpConfiguration https = new HttpConfiguration();
        // Alertmanager addresses the Service by its DNS name; the certificate's names are the
        // operator's business, so no SNI host check here.
        https.addCustomizer(new SecureRequestCustomizer(false));
        https.setIdleTimeout(idleTimeoutMillis);
        https.setMinRequestDataRate(minBytesPerSecond);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeoutMillis);
        return connector;
    }

    void start() {
        reloads.scheduleWithFixedDelay(this::reloadIfChanged, RELOAD_CHECK_SECONDS, RELOAD_CHECK_SECONDS, TimeUnit.SECONDS);
    }

    /** Serves the files anew once both have changed into a pair that loads; a half-written pair is kept out. */
    void reloadIfChanged() {
        FileTime cert = modified(certFile);
        FileTime key = modified(keyFile);
        if (cert == null || key == null || (cert.equals(certAt) && key.equals(keyAt))) {
            return;
        }
        try {
            var store = PemKeyStore.load(certFile, keyFile);
            ssl.reload(f -> f.setKeyStore(store));
            certAt = cert;
            keyAt = key;
            log.info("TLS: serving the renewed certificate from {}", certFile);
        } catch (Exception e) {
            log.warn("TLS: the changed files do not load yet ({}); still serving the previous certificate", e.getMessage());
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        reloads.shutdownNow();
    }
}

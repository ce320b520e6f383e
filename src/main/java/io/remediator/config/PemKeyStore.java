package io.remediator.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * A certificate chain and its key from PEM files, as a Kubernetes TLS Secret (`tls.crt`,
 * `tls.key`) mounts them, turned into the KeyStore Jetty serves.
 */
public final class PemKeyStore {
    public static final char[] PASSWORD = "kubevirt-remediator".toCharArray();

    private PemKeyStore() {}

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static KeyStore load(Path certFile, Path keyFile) {
        List<Certificate> chain;
        try {
            chain = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile))));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("certFile " + certFile + ": not a readable PEM certificate (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certFile " + certFile + ": holds no certificate");
        }
        PrivateKey key = key(keyFile, chain.get(0).getPublicKey().getAlgorithm());
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("keyFile " + keyFile + ": does not fit the certificate (" + e.getMessage() + ")");
        }
    }

    private static PrivateKey key(Path keyFile, String algorithm) {
        String pem;
        try {
            pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("keyFile " + keyFile + ": cannot read it");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("keyFile " + keyFile + ": needs an unencrypted PKCS#8 key"
                    + " (-----BEGIN PRIVATE KEY-----; convert with: openssl pkcs8 -topk8 -nocrypt)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("keyFile " + keyFile + ": not a " + algorithm + " key for the certificate");
        }
    }
}

package org.mgtm.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS material of an mgtm process: its own key and certificate ({@code tls_keystore}, PKCS#12), the group's CA
 * certificate ({@code tls_truststore}, PKCS#12) and the stores' password. The same files serve the replication
 * channel (JGroups TCP's TLS) and the internal protocol (Netty's {@code SslHandler}): TLS 1.3, and both sides show
 * a certificate that the other checks against the group CA (mutual TLS). {@code mgtm tls-keys} makes the files; the
 * Ansible roles make or take them (docs/operations.md, "Security"; decision 0009).
 *
 * @param keystore   this process's private key and certificate chain
 * @param truststore the certificates it trusts (the group CA); null: the keystore's own certificates
 * @param password   the password of both stores
 */
public record TlsConfig(Path keystore, Path truststore, String password) {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3");

    public TlsConfig {
        if (keystore == null) {
            throw new IllegalArgumentException("TLS needs tls_keystore (this process's key and certificate)");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("TLS needs tls_password (or the group secret) for the key stores");
        }
    }

    public Path trustedStore() {
        return truststore != null ? truststore : keystore;
    }

    /** Loads a PKCS#12 store; the error names the file. */
    public KeyStore load(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("TLS key store " + file + " is missing or unreadable (make it with mgtm tls-keys)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot read TLS key store " + file + ": " + e.getMessage(), e);
        }
    }

    public KeyManagerFactory keyManagers() throws IOException {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keystore), password.toCharArray());
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key in " + keystore + ": " + e.getMessage(), e);
        }
    }

    public TrustManagerFactory trustManagers() throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(trustedStore()));
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the certificates in " + trustedStore() + ": " + e.getMessage(), e);
        }
    }

    /** Server side of the internal protocol: clients must show a certificate of the group CA. */
    public SslContext serverContext() throws IOException {
        return SslContextBuilder.forServer(keyManagers()).trustManager(trustManagers())
                .clientAuth(ClientAuth.REQUIRE).protocols(PROTOCOLS).sslProvider(SslProvider.JDK).build();
    }

    /** Client side of the internal protocol: the server must show a certificate of the group CA; so do we. */
    public SslContext clientContext() throws IOException {
        return SslContextBuilder.forClient().keyManager(keyManagers()).trustManager(trustManagers())
                .protocols(PROTOCOLS).sslProvider(SslProvider.JDK).build();
    }

    /** The TLS material named by the usual settings, or null when {@code on} is false. */
    public static TlsConfig of(boolean on, Path keystore, Path truststore, String password, String secret) {
        if (!on) {
            return null;
        }
        return new TlsConfig(keystore, truststore, password == null || password.isEmpty() ? secret : password);
    }

    @Override
    public String toString() {
        return "TlsConfig[keystore=" + keystore + ", truststore=" + trustedStore() + "]";
    }
}

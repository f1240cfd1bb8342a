package dev.loomftp.tls;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.tinylog.Logger;

/**
 * The server's TLS: its certificate and key, and the settings every TLS connection gets (TLS 1.3
 * and 1.2 only, forward-secret AEAD cipher suites only). Control and data connections share one
 * context, so a data connection can resume the control connection's session.
 *
 * <p>The certificate comes from PEM files or a PKCS#12 keystore, as configured. When neither
 * exists, a self-signed certificate is made at first start with the JDK's own {@code keytool}
 * (the JDK has no public API to sign a certificate, and hand-written ASN.1 is no place for
 * mistakes), kept in the configured keystore with a random password in a file beside it, both
 * readable by the owner only. Its SHA-256 fingerprint is logged, so clients can pin it.
 */
public final class TlsContext {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final String ALIAS = "loomftp";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SSLContext context;
    private final String[] cipherSuites;
    private final String fingerprint;

    private TlsContext(SSLContext context, X509Certificate certificate) throws GeneralSecurityException {
        this.context = context;
        this.cipherSuites = Arrays.stream(context.getSupportedSSLParameters().getCipherSuites())
                .filter(TlsContext::isStrong)
                .toArray(String[]::new);
        this.fingerprint = fingerprintOf(certificate);
    }

    /**
     * Loads the configured certificate, or makes a self-signed one when none exists yet.
     *
     * @throws IOException when the files cannot be read or written, or do not hold a usable key
     */
    public static TlsContext load(Config.Tls tls) throws IOException {
        try {
            ServerKey key;
            if (tls.certificate() != null) {
                key = fromPem(tls.certificate(), tls.privateKey());
            } else {
                if (!Files.exists(tls.keystore())) {
                    generate(tls.keystore(), passwordFile(tls.keystore()), tls.keystorePassword());
                }
                key = fromKeystore(tls.keystore(), keystorePassword(tls));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            // No trust managers: the server asks no client for a certificate, so the JDK's default
            // trust store (about 150 authorities, parsed at every start) has nothing to check.
            context.init(new KeyManager[] {key}, new TrustManager[0], RANDOM);
            X509Certificate certificate = key.certificate();
            TlsContext loaded = new TlsContext(context, certificate);
            Logger.info("TLS certificate {}, SHA-256 fingerprint {}", certificate.getSubjectX500Principal().getName(),
                    loaded.fingerprint());
            return loaded;
        } catch (GeneralSecurityException e) {
            throw new IOException("the TLS certificate or key cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * The configured certificate, read and checked against its key as {@link #load} would, but
     * without making one: empty when the keystore is not there yet, since the first start makes it.
     *
     * @throws IOException when the files cannot be read or do not hold a usable key
     */
    public static Optional<X509Certificate> inspect(Config.Tls tls) throws IOException {
        try {
            if (tls.certificate() != null) {
                return Optional.of(fromPem(tls.certificate(), tls.privateKey()).certificate());
            }
            if (!Files.exists(tls.keystore())) {
                return Optional.empty();
            }
            return Optional.of(fromKeystore(tls.keystore(), keystorePassword(tls)).certificate());
        } catch (GeneralSecurityException e) {
            throw new IOException("the TLS certificate or key cannot be used: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 fingerprint of the certificate, as {@code AB:CD:...}. */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Starts TLS as the server over an open connection (the client always starts TLS, on the data
     * connection too, RFC 4217 section 7) and completes the handshake.
     *
     * @param keepPlain whether closing TLS leaves the connection open in clear text, as CCC needs
     */
    public SSLSocket serverSocket(Socket plain, boolean keepPlain) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(),
                !keepPlain);
        socket.setUseClientMode(false);
        socket.setSSLParameters(parameters(socket.getSSLParameters()));
        socket.startHandshake();
        return socket;
    }

    /**
     * An engine for TLS as the server, with the same settings and session cache as
     * {@link #serverSocket}, for a caller that moves the records itself.
     */
    public SSLEngine serverEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(parameters(engine.getSSLParameters()));
        return engine;
    }

    private SSLParameters parameters(SSLParameters parameters) {
        parameters.setProtocols(PROTOCOLS);
        parameters.setCipherSuites(cipherSuites);
        parameters.setUseCipherSuitesOrder(true);
        return parameters;
    }

    private static boolean isStrong(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
                || suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("_CHACHA20_"));
    }

    private static ServerKey fromPem(Path certificateFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain;
        try (InputStream in = Files.newInputStream(certificateFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(certificateFile.getFileName() + " holds no certificate");
        }
        return new ServerKey(privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII)), chain);
    }

    /** The first key with an X.509 certificate chain in a PKCS#12 keystore. */
    private static ServerKey fromKeystore(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, password);
        }
        for (String alias : java.util.Collections.list(keys.aliases())) {
            if (keys.isKeyEntry(alias) && keys.getCertificate(alias) instanceof X509Certificate
                    && keys.getKey(alias, password) instanceof PrivateKey key) {
                List<X509Certificate> chain = Arrays.stream(keys.getCertificateChain(alias))
                        .map(X509Certificate.class::cast)
                        .toList();
                return new ServerKey(key, chain);
            }
        }
        throw new GeneralSecurityException("the keystore holds no key with a certificate");
    }

    /** A PKCS#8 private key from its PEM form ("BEGIN PRIVATE KEY"), of whichever algorithm it is. */
    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new GeneralSecurityException("the key file must hold a PKCS#8 PEM key (BEGIN PRIVATE KEY);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException notThisOne) {
                // Try the next algorithm.
            }
        }
        throw new GeneralSecurityException("the private key is of an unsupported algorithm");
    }

    /** Makes a self-signed EC P-256 certificate with keytool, valid for ten years. */
    private static void generate(Path keystore, Path passwordFile, String configuredPassword)
            throws IOException, GeneralSecurityException {
        String password = configuredPassword != null ? configuredPassword : new String(randomPassword());
        Path folder = keystore.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        if (configuredPassword == null) {
            Files.deleteIfExists(passwordFile);
            Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        }
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder builder = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "3650",
                "-dname", "CN=loomftp", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass:env", "LOOMFTP_STOREPASS")
                .redirectErrorStream(true);
        builder.environment().put("LOOMFTP_STOREPASS", password);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new GeneralSecurityException("keytool could not make a certificate: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a certificate", e);
        }
        Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-------"));
        Logger.info("made a self-signed TLS certificate in {}", keystore.getFileName());
    }

    /** The configured keystore password, or the one a first start wrote beside the keystore. */
    private static char[] keystorePassword(Config.Tls tls) throws IOException {
        return tls.keystorePassword() != null ? tls.keystorePassword().toCharArray()
                : Files.readString(passwordFile(tls.keystore()), StandardCharsets.UTF_8).strip().toCharArray();
    }

    private static Path passwordFile(Path keystore) {
        return keystore.resolveSibling(keystore.getFileName() + ".password");
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    /** The SHA-256 fingerprint of {@code certificate}, as {@code AB:CD:...}. */
    public static String fingerprintOf(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot hash a certificate with SHA-256", e);
        }
    }
}

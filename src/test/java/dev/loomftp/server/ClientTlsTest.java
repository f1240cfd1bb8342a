package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.FtpException;
import dev.loomftp.config.Config;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The project's own client over FTPS, explicit and implicit, with TLS 1.3 and 1.2, against a
 * server that requires data connections to resume the control connection's TLS session: it answers
 * 522 to any that does not, so every transfer that succeeds here was resumed.
 */
@ExtendWith(StopServers.class)
class ClientTlsTest {
    private static final String PASSWORD = "alice-password";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;


    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void explicitTlsDataConnectionsResumeTheControlSession(String protocol) throws Exception {
        start(List.of());
        SSLContext context = trusting(protocol);
        try (FtpClient client = FtpClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
            client.startTls(context);
            client.login("alice", PASSWORD.toCharArray());
            roundTrips(client, 31);
            assertOnlyTheControlSession(context, server.port(), protocol);
            forgetSessions(context);
            FtpException refused = assertThrows(FtpException.class, () -> client.list(""));
            assertEquals(522, refused.reply().code(), "a data connection with a new session is refused");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void implicitTlsDataConnectionsResumeTheControlSession(String protocol) throws Exception {
        start(List.of(new Config.Listener("127.0.0.1", 0)));
        SSLContext context = trusting(protocol);
        int implicitPort = server.server().addresses().get(1).getPort();
        try (FtpClient client = FtpClient.connectTls("127.0.0.1", implicitPort, TIMEOUT, context)) {
            client.login("alice", PASSWORD.toCharArray());
            roundTrips(client, 32);
        }
        assertOnlyTheControlSession(context, implicitPort, protocol);
    }

    /** Uploads, downloads and lists a multi-megabyte file and an empty one, twice each. */
    private void roundTrips(FtpClient client, long seed) throws Exception {
        byte[] content = TransferTest.randomBytes(5 * 1024 * 1024 + 7, seed);
        Path big = Files.write(local.resolve("big.bin"), content);
        Path empty = Files.write(local.resolve("empty.bin"), new byte[0]);
        for (int round = 0; round < 2; round++) {
            assertEquals(content.length, client.upload(big, "big.bin"));
            assertEquals(0, client.upload(empty, "empty.bin"));
            assertArrayEquals(content, Files.readAllBytes(server.folder("alice").resolve("big.bin")));
            Path back = local.resolve("back" + round + ".bin");
            assertEquals(content.length, client.download("big.bin", back));
            assertArrayEquals(content, Files.readAllBytes(back));
            assertEquals(0, client.download("empty.bin", local.resolve("empty-back.bin")));
            List<String> listing = client.list("");
            assertTrue(listing.stream().anyMatch(line -> line.endsWith(" big.bin")), listing.toString());
            assertEquals(List.of("Public", "big.bin", "empty.bin"), client.names("").stream().sorted().toList());
        }
    }

    /**
     * The client cached sessions under the control connection's host and port only, in the
     * expected protocol: data connections looked there, and stored the tickets they got there.
     */
    private static void assertOnlyTheControlSession(SSLContext context, int controlPort, String protocol) {
        List<SSLSession> sessions = cached(context);
        assertFalse(sessions.isEmpty(), "the client keeps the control connection's session");
        for (SSLSession session : sessions) {
            assertEquals(protocol, session.getProtocol());
            assertEquals("127.0.0.1", session.getPeerHost());
            assertEquals(controlPort, session.getPeerPort());
        }
    }

    private static void forgetSessions(SSLContext context) {
        cached(context).forEach(SSLSession::invalidate);
    }

    private static List<SSLSession> cached(SSLContext context) {
        SSLSessionContext sessions = context.getClientSessionContext();
        return Collections.list(sessions.getIds()).stream().map(sessions::getSession).filter(Objects::nonNull).toList();
    }

    private void start(List<Config.Listener> implicit) throws Exception {
        server = TestServer.startTls(folder, TestServer.tls(folder, Config.Policy.REQUIRED, Config.Policy.REQUIRED,
                implicit, true)).withUser("alice", PASSWORD);
    }

    @Test
    void aTrustedCertificateMustNameTheHostUnlessItIsPinned() throws Exception {
        server = TestServer.start(folder, TestServer.Options.defaults(folder).withAddress("127.0.0.2")
                .withTls(TestServer.tls(folder, Config.Policy.REQUIRED, Config.Policy.REQUIRED, List.of(), true)))
                .withUser("alice", PASSWORD);
        SSLContext authorities = trusting("TLSv1.3");
        try (FtpClient client = FtpClient.connect("127.0.0.2", server.port(), TIMEOUT)) {
            SSLHandshakeException wrongName = assertThrows(SSLHandshakeException.class,
                    () -> client.startTls(authorities));
            assertTrue(wrongName.getMessage().contains("127.0.0.2"), "the certificate names 127.0.0.1, not "
                    + "the host: " + wrongName.getMessage());
        }
        String fingerprint = java.util.HexFormat.ofDelimiter(":").formatHex(java.security.MessageDigest
                .getInstance("SHA-256").digest(serverCertificate().getEncoded()));
        try (FtpClient client = FtpClient.connect("127.0.0.2", server.port(), TIMEOUT)) {
            client.startTls(dev.loomftp.client.Trust.pinned(fingerprint));
            client.login("alice", PASSWORD.toCharArray());
            assertEquals("/", client.pwd());
        }
    }

    @Test
    void anUntrustedCertificateOnAnImplicitPortIsExplainedWithoutAHintAboutPorts() throws Exception {
        start(List.of(new Config.Listener("127.0.0.1", 0)));
        String url = "ftps://alice@127.0.0.1:" + server.server().addresses().get(1).getPort() + "/";
        ClientRunner.Run run = ClientRunner.client(java.util.Map.of("HOME", local.toString(), "LOOMFTP_PASSWORD",
                PASSWORD), "", List.of("ls", url));
        assertEquals(4, run.exitCode(), run.describe());
        String fingerprint = TestServer.fingerprint(folder);
        assertTrue(run.err().contains(" is not trusted: it is self-signed") && run.err().contains("--fingerprint "
                + fingerprint), run.describe());
        assertFalse(run.err().contains("implicit FTPS ports"), "the port spoke TLS: " + run.describe());

        ClientRunner.Run pinned = ClientRunner.client(java.util.Map.of("HOME", local.toString(), "LOOMFTP_PASSWORD",
                PASSWORD), "", List.of("--fingerprint", fingerprint, "ls", url));
        assertEquals(0, pinned.exitCode(), pinned.describe());
    }

    /** The server's self-signed certificate, as the server made it in the test's folder. */
    private java.security.cert.Certificate serverCertificate() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        char[] password = Files.readString(folder.resolve("tls.p12.password")).strip().toCharArray();
        try (InputStream in = Files.newInputStream(folder.resolve("tls.p12"))) {
            keys.load(in, password);
        }
        return keys.getCertificate(keys.aliases().nextElement());
    }

    /** A client context for {@code protocol} (and older ones) that trusts the server's self-signed certificate. */
    private SSLContext trusting(String protocol) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", serverCertificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}

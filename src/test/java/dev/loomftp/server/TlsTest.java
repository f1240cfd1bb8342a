package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.tls.PemCertificates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.X509TrustManager;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.net.util.TrustManagerUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * FTPS (RFC 4217) with Apache Commons Net's FTPSClient, explicit and implicit, and the server's
 * TLS policies: what is refused in clear text, and what a client must do before it may transfer.
 * Commons Net does not resume TLS sessions on data connections, so the tests that transfer turn
 * the reuse requirement off; the interop tests check it with curl and lftp, which resume.
 */
@ExtendWith(StopServers.class)
class TlsTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    private TestServer server;


    @Test
    void explicitTlsProtectsLoginAndDataWithCommonsNet() throws IOException {
        start(Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, false, false);
        byte[] content = TransferTest.randomBytes(2 * 1024 * 1024 + 3, 21);
        FTPSClient client = tlsClient(false);
        client.connect(server.address().getAddress(), server.port());
        assertTrue(client.login("alice", PASSWORD), client.getReplyString());
        client.execPBSZ(0);
        client.execPROT("P");
        client.setFileType(FTP.BINARY_FILE_TYPE);
        client.enterLocalPassiveMode();
        assertTrue(client.storeFile("secret.bin", new ByteArrayInputStream(content)), client.getReplyString());
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("secret.bin", back), client.getReplyString());
        assertArrayEquals(content, back.toByteArray());
        assertEquals(List.of("Public", "secret.bin"), TransferTest.names(client.listFiles()));
        client.disconnect();
    }

    @Test
    void implicitTlsStartsBeforeTheGreeting() throws IOException {
        start(Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, false, true);
        Files.write(server.folder("alice").resolve("hello.txt"), "hello".getBytes(StandardCharsets.US_ASCII));
        FTPSClient client = tlsClient(true);
        client.connect(server.server().addresses().get(1).getAddress(), server.server().addresses().get(1).getPort());
        assertEquals(220, client.getReplyCode());
        assertTrue(client.login("alice", PASSWORD), client.getReplyString());
        client.execPBSZ(0);
        client.execPROT("P");
        client.enterLocalPassiveMode();
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("hello.txt", back), client.getReplyString());
        assertEquals("hello", back.toString(StandardCharsets.US_ASCII));
        client.disconnect();
    }

    @Test
    void whenTlsIsRequiredNothingSecretGoesInClearText() throws IOException {
        start(Config.Policy.REQUIRED, Config.Policy.REQUIRED, false, false);
        try (RawClient client = RawClient.greeted(server.address())) {
            assertEquals(530, client.command("USER alice").code());
            assertEquals(530, client.command("PASS " + PASSWORD).code());
            assertEquals(503, client.command("PBSZ 0").code(), "PBSZ needs TLS");
            assertEquals(503, client.command("PROT P").code(), "PROT needs PBSZ");
            assertEquals(504, client.command("AUTH KERBEROS").code());
            assertEquals(533, client.command("CCC").code(), "nothing to clear");
            assertTrue(client.command("FEAT").text().contains("AUTH TLS"));
        }
        FTPSClient client = tlsClient(false);
        client.connect(server.address().getAddress(), server.port());
        assertTrue(client.login("alice", PASSWORD), client.getReplyString());
        client.enterLocalPassiveMode();
        assertFalse(client.listFiles().length > 0);
        assertEquals(521, client.getReplyCode(), "data in clear text is refused");
        client.execPBSZ(0);
        assertEquals(534, client.sendCommand("PROT", "C"));
        assertEquals(503, client.sendCommand("AUTH", "TLS"), "TLS is on already");
        javax.net.ssl.SSLException refused = org.junit.jupiter.api.Assertions.assertThrows(
                javax.net.ssl.SSLException.class, () -> client.sendCommand("CCC"));
        assertTrue(refused.getMessage().startsWith("534"), refused.getMessage());
        client.execPROT("P");
        assertEquals(200, client.getReplyCode());
        assertEquals(List.of("Public"), TransferTest.names(client.listFiles()));
        client.disconnect();
    }

    @Test
    void aDataConnectionThatDoesNotResumeTheControlSessionIsRefused() throws IOException {
        start(Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, true, false);
        FTPSClient client = tlsClient(false);
        client.connect(server.address().getAddress(), server.port());
        assertTrue(client.login("alice", PASSWORD), client.getReplyString());
        client.execPBSZ(0);
        client.execPROT("P");
        client.enterLocalPassiveMode();
        assertEquals(0, client.listFiles().length);
        assertEquals(522, client.getReplyCode(), "Commons Net starts a new TLS session for data");
        assertTrue(client.sendNoOp(), "the session goes on");
        client.disconnect();
    }

    @Test
    void theSelfSignedCertificateIsMadeOnceAndKeptPrivate() throws Exception {
        start(Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, false, false);
        Path keystore = folder.resolve("tls.p12");
        Path passwordFile = folder.resolve("tls.p12.password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        byte[] first = Files.readAllBytes(keystore);
        server.close();
        server = TestServer.startTls(folder, TestServer.tls(folder, Config.Policy.OPTIONAL, Config.Policy.OPTIONAL,
                List.of(), false));
        assertArrayEquals(first, Files.readAllBytes(keystore), "kept, not made again");
    }

    @Test
    void aCertificateFromPemFilesIsServed() throws Exception {
        start(Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, false, false);
        KeyStore generated = KeyStore.getInstance("PKCS12");
        char[] password = Files.readString(folder.resolve("tls.p12.password")).strip().toCharArray();
        try (InputStream in = Files.newInputStream(folder.resolve("tls.p12"))) {
            generated.load(in, password);
        }
        String alias = generated.aliases().nextElement();
        X509Certificate certificate = (X509Certificate) generated.getCertificate(alias);
        Path pemFolder = Files.createDirectories(folder.resolve("pem"));
        Files.writeString(pemFolder.resolve("cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(pemFolder.resolve("key.pem"), pem("PRIVATE KEY", generated.getKey(alias, password).getEncoded()));
        server.close();
        server = TestServer.startTls(pemFolder, new Config.Tls(Config.Policy.OPTIONAL, Config.Policy.OPTIONAL,
                List.of(), pemFolder.resolve("cert.pem"), pemFolder.resolve("key.pem"), pemFolder.resolve("unused.p12"),
                null, false)).withUser("alice", PASSWORD);
        AtomicReference<X509Certificate> served = new AtomicReference<>();
        FTPSClient client = tlsClient(false);
        client.setTrustManager(new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException("a client does not check clients");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                served.set(chain[0]);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        });
        client.connect(server.address().getAddress(), server.port());
        assertTrue(client.login("alice", PASSWORD));
        assertEquals(certificate, served.get(), "the certificate of the PEM file");
        assertFalse(Files.exists(pemFolder.resolve("unused.p12")), "no keystore is made when PEM files are set");
        client.disconnect();
    }

    /**
     * The server's key manager offers its one key to every handshake that key can sign: RSA and
     * Ed25519 keys as well as the EC key it makes itself, under TLS 1.2 and TLS 1.3 alike, with a
     * file transfer over the protected data connection to show the whole session works.
     */
    @ParameterizedTest
    @CsvSource({"RSA, TLSv1.2", "RSA, TLSv1.3", "Ed25519, TLSv1.2", "Ed25519, TLSv1.3"})
    void pemKeysOfEachAlgorithmServeEachProtocol(String algorithm, String protocol) throws Exception {
        Path pemFolder = Files.createDirectories(folder.resolve("pem-" + algorithm));
        PemCertificates.write(pemFolder, algorithm, "CN=" + algorithm, null, 2);
        server = TestServer.startTls(pemFolder, new Config.Tls(Config.Policy.OPTIONAL, Config.Policy.OPTIONAL,
                List.of(), pemFolder.resolve("cert.pem"), pemFolder.resolve("key.pem"), pemFolder.resolve("unused.p12"),
                null, false)).withUser("alice", PASSWORD);
        FTPSClient client = tlsClient(false);
        client.setEnabledProtocols(new String[] {protocol});
        client.connect(server.address().getAddress(), server.port());
        assertTrue(client.login("alice", PASSWORD), client.getReplyString());
        client.execPBSZ(0);
        client.execPROT("P");
        client.setFileType(FTP.BINARY_FILE_TYPE);
        client.enterLocalPassiveMode();
        byte[] content = TransferTest.randomBytes(300_001, 7);
        assertTrue(client.storeFile("signed.bin", new ByteArrayInputStream(content)), client.getReplyString());
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("signed.bin", back), client.getReplyString());
        assertArrayEquals(content, back.toByteArray());
        client.disconnect();
    }

    /**
     * A stop reaches a session waiting for a command over TLS too: its read sees the end of the
     * input, and it still says 421 through TLS before it closes.
     */
    @Test
    void stoppingTheServerSays421OverTls() throws IOException {
        start(Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, false, false);
        FTPSClient client = tlsClient(false);
        client.connect(server.address().getAddress(), server.port());
        assertTrue(client.login("alice", PASSWORD), client.getReplyString());
        await().atMost(Duration.ofSeconds(5)).until(() -> server.server().activeSessions() == 1);
        server.server().close();
        FTPConnectionClosedException closed = assertThrows(FTPConnectionClosedException.class, client::getReply);
        assertTrue(closed.getMessage().contains("421"), closed.getMessage());
        client.disconnect();
    }

    private void start(Config.Policy control, Config.Policy data, boolean reuse, boolean implicit) throws IOException {
        List<Config.Listener> implicitListeners = implicit ? List.of(new Config.Listener("127.0.0.1", 0)) : List.of();
        server = TestServer.startTls(folder, TestServer.tls(folder, control, data, implicitListeners, reuse))
                .withUser("alice", PASSWORD);
    }

    private static FTPSClient tlsClient(boolean implicit) {
        FTPSClient client = new FTPSClient("TLS", implicit);
        client.setTrustManager(TrustManagerUtils.getAcceptAllTrustManager());
        client.setDefaultTimeout(20_000);
        client.setConnectTimeout(10_000);
        return client;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}

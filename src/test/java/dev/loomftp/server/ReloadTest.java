package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.tls.PemCertificates;
import dev.loomftp.tls.TlsContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import javax.net.ssl.X509TrustManager;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload, as SIGHUP and {@code loomftp reload} start it: sessions that start after it get the
 * new settings, running sessions and their transfers go on with theirs, and a configuration the
 * server cannot use is refused whole.
 */
class ReloadTest {
    @TempDir
    Path folder;

    /** {@code config} with /Public given {@code access}. */
    private static Config withPublic(Config config, Config.Access access) {
        Config.Storage storage = config.storage();
        List<Config.Mount> mounts = storage.mounts().stream()
                .map(mount -> mount.path().equals("/Public") ? new Config.Mount(mount.path(), mount.source(), access)
                        : mount)
                .toList();
        return new Config(config.listeners(), config.passive(), new Config.Storage(storage.root(), mounts),
                config.users(), config.limits(), config.logins(), config.timeouts(), config.logging(), config.tls(),
                config.service());
    }

    private static Config withTls(Config config, Config.Tls tls) {
        return new Config(config.listeners(), config.passive(), config.storage(), config.users(), config.limits(),
                config.logins(), config.timeouts(), config.logging(), tls, config.service());
    }

    private static Config withLogging(Config config, Config.Logging logging) {
        return new Config(config.listeners(), config.passive(), config.storage(), config.users(), config.limits(),
                config.logins(), config.timeouts(), logging, config.tls(), config.service());
    }

    @Test
    void newSessionsGetTheNewSettingsAndRunningOnesKeepTheirs() throws IOException {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password");
                RawClient before = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            server.server().reload(withPublic(server.config(), Config.Access.READ_ONLY), server.users());
            try (RawClient after = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                assertEquals(550, after.command("MKD /Public/new").code(), "read-only for a new session");
            }
            assertEquals(257, before.command("MKD /Public/old").code(), "read-write for the one that ran before");
            assertEquals(Config.Access.READ_ONLY, server.config().storage().mounts().get(1).access());
        }
    }

    @Test
    void twoHundredTransfersGoOnThroughAReload() throws Exception {
        Config.Limits limits = new Config.Limits(250, 250, 1024, 3, 50, 100);
        try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder).withLimits(limits))
                .withUser("alice", "alice-password")) {
            byte[] file = new byte[16 * 1024 * 1024];
            new Random(7).nextBytes(file);
            Files.write(server.folder("alice").resolve("big.bin"), file);
            try (HeldTransfers transfers = HeldTransfers.start(server, "big.bin", 100, 100, 1024 * 1024)) {
                server.server().reload(withPublic(server.config(), Config.Access.READ_ONLY), server.users());
                try (RawClient after = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                    assertEquals(550, after.command("MKD /Public/new").code());
                }
                transfers.finish(server.folder("alice"));
                for (RawClient control : transfers.controls()) {
                    assertEquals(200, control.command("NOOP").code(), "the session goes on");
                }
            }
            assertEquals(0, server.server().internalErrors());
        }
    }

    @Test
    void aNewCertificateServesNewSessionsAndABrokenOneIsRefused() throws Exception {
        Config.Tls generated = TestServer.tls(folder, Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, List.of(), false);
        try (TestServer server = TestServer.startTls(folder, generated).withUser("alice", "alice-password")) {
            String first = TestServer.fingerprint(folder);
            Path pem = Files.createDirectories(folder.resolve("pem"));
            X509Certificate renewed = PemCertificates.write(pem, "EC", "CN=renewed", "dns:localhost", 90);
            Config.Tls fromPem = new Config.Tls(generated.control(), generated.data(), List.of(),
                    pem.resolve("cert.pem"), pem.resolve("key.pem"), generated.keystore(), null, false);
            server.server().reload(withTls(server.config(), fromPem), server.users());
            assertEquals(TlsContext.fingerprintOf(renewed), fingerprintSeenBy(server));
            assertNotEquals(first, fingerprintSeenBy(server));

            Path broken = folder.resolve("broken.pem");
            Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
            Config.Tls brokenTls = new Config.Tls(generated.control(), generated.data(), List.of(), broken,
                    pem.resolve("key.pem"), generated.keystore(), null, false);
            assertThrows(IOException.class,
                    () -> server.server().reload(withTls(server.config(), brokenTls), server.users()));
            assertEquals(TlsContext.fingerprintOf(renewed), fingerprintSeenBy(server), "the renewed one stays");
            assertEquals(pem.resolve("cert.pem"), server.config().tls().certificate());
        }
    }

    /** Logs in over explicit TLS, stores a file to show the session works, and returns the certificate's fingerprint. */
    private static String fingerprintSeenBy(TestServer server) throws Exception {
        X509Certificate[] seen = new X509Certificate[1];
        FTPSClient client = new FTPSClient("TLS", false);
        client.setTrustManager(new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException("a client's trust manager");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain[0];
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        });
        client.setDefaultTimeout(20_000);
        client.connect(server.address().getAddress(), server.port());
        try {
            assertTrue(client.login("alice", "alice-password"), client.getReplyString());
            client.execPBSZ(0);
            client.execPROT("P");
            client.setFileType(FTP.BINARY_FILE_TYPE);
            client.enterLocalPassiveMode();
            assertTrue(client.storeFile("tls.txt", new ByteArrayInputStream("x".getBytes(StandardCharsets.US_ASCII))),
                    client.getReplyString());
            return TlsContext.fingerprintOf(seen[0]);
        } finally {
            client.disconnect();
        }
    }

    @Test
    void aBanOutlivesAReload() throws IOException {
        Config.Logins strict = new Config.Logins(Duration.ofMillis(1), Duration.ofMillis(2), 2, Duration.ofMinutes(5));
        try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder).withLogins(strict))
                .withUser("alice", "alice-password")) {
            try (RawClient guesser = RawClient.greeted(server.address())) {
                guesser.command("USER alice");
                assertEquals(530, guesser.command("PASS wrong-1").code());
                guesser.command("USER alice");
                assertEquals(421, guesser.command("PASS wrong-2").code());
            }
            server.server().reload(server.config(), server.users());
            try (RawClient refused = new RawClient(server.address())) {
                assertEquals(421, refused.replyWithin(RawClient.PROMPTLY).code(), "still banned");
            }
        }
    }

    @Test
    void transferLogsFollowTheirNewNames() throws Exception {
        Path first = folder.resolve("logs/xferlog");
        Path second = folder.resolve("logs/moved/xferlog");
        try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder)
                .withLogging(new Config.Logging(Config.Level.INFO, null, first, null)))
                .withUser("alice", "alice-password")) {
            Files.writeString(server.folder("alice").resolve("a.txt"), "a");
            try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                DataSocket.retrieve(client, "a.txt");
                server.server().reload(withLogging(server.config(),
                        new Config.Logging(Config.Level.INFO, null, second, null)), server.users());
                DataSocket.retrieve(client, "a.txt");
            }
            try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                DataSocket.retrieve(client, "a.txt");
            }
        }
        assertEquals(1, Files.readAllLines(first).size(), "the transfer before the reload");
        assertEquals(2, Files.readAllLines(second).size(), "both after it, the running session's too");
    }
}

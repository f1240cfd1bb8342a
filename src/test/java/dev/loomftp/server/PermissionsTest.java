package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.storage.Permission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Permissions per mount and per user: list, read, write, delete, mkdir and rename, each refused
 * with 550 where it is not given, and a user who must use TLS.
 */
@ExtendWith(StopServers.class)
class PermissionsTest {
    @TempDir
    Path folder;

    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        TestServer.Options options = TestServer.Options.defaults(folder)
                .withOverride("dropper", new Config.UserOverride(Map.of(
                        "/Public", Set.of(Permission.LIST, Permission.WRITE),
                        "/", Set.of(Permission.LIST, Permission.READ)), null))
                .withOverride("reader", new Config.UserOverride(Map.of("/Public", Set.of(Permission.READ)), null))
                .withOverride("careful", new Config.UserOverride(Map.of(), Config.Policy.REQUIRED));
        server = TestServer.start(folder, options).withUser("dropper", "dropper-password")
                .withUser("reader", "reader-password").withUser("careful", "careful-password")
                .withUser("alice", "alice-password");
        Files.writeString(server.folder("Public").resolve("notice.txt"), "hello");
        Files.writeString(server.folder("dropper").resolve("mine.txt"), "mine");
    }


    @Test
    void aDropBoxAcceptsUploadsButShowsAndChangesNothingElse() throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("dropper", "dropper-password")) {
            assertEquals(226, store(client, "/Public/upload.txt"));
            assertEquals("dropped", Files.readString(server.folder("Public").resolve("upload.txt")));
            try (var data = DataSocket.open(client)) {
                assertEquals(550, client.command("RETR /Public/notice.txt").code(), "no read");
            }
            assertEquals(550, client.command("DELE /Public/notice.txt").code(), "no delete");
            assertEquals(550, client.command("MKD /Public/folder").code(), "no mkdir");
            assertEquals(350, client.command("RNFR /Public/notice.txt").code());
            assertEquals(550, client.command("RNTO /Public/renamed.txt").code(), "no rename");
            assertTrue(client.command("MLST /Public").text().contains("perm=elc;"), "the perm fact tells");
            assertEquals(550, store(client, "/mine.txt"), "the home is read-only for dropper");
            assertEquals("mine", Files.readString(server.folder("dropper").resolve("mine.txt")));
        }
    }

    @Test
    void aUserWithoutListCannotListButCanRead() throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("reader", "reader-password")) {
            try (var data = DataSocket.open(client)) {
                assertEquals(550, client.command("LIST /Public").code(), "no list");
            }
            assertEquals("hello", new String(DataSocket.retrieve(client, "/Public/notice.txt")));
            assertEquals(257, client.command("MKD /own-folder").code(), "the home keeps its own permissions");
        }
    }

    @Test
    void aUserWhoMustUseTlsIsRefusedInClearText() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            assertEquals(530, client.command("USER careful").code());
            assertEquals(331, client.command("USER alice").code(), "others are not affected");
        }
    }

    @Test
    void aUserWhoMustUseTlsMustProtectDataToo() throws IOException {
        server.close();
        Path tlsFolder = folder.resolve("tls");
        server = TestServer.start(tlsFolder, TestServer.Options.defaults(tlsFolder)
                .withTls(TestServer.tls(tlsFolder, Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, java.util.List.of(),
                        false))
                .withOverride("careful", new Config.UserOverride(Map.of(), Config.Policy.REQUIRED)))
                .withUser("careful", "careful-password").withUser("alice", "alice-password");
        org.apache.commons.net.ftp.FTPSClient careful = new org.apache.commons.net.ftp.FTPSClient("TLS", false);
        careful.setTrustManager(org.apache.commons.net.util.TrustManagerUtils.getAcceptAllTrustManager());
        careful.connect(server.address().getAddress(), server.port());
        assertTrue(careful.login("careful", "careful-password"), careful.getReplyString());
        careful.enterLocalPassiveMode();
        careful.listFiles();
        assertEquals(521, careful.getReplyCode(), "data in clear text is refused for this user");
        careful.execPBSZ(0);
        assertEquals(534, careful.sendCommand("PROT", "C"));
        careful.disconnect();

        org.apache.commons.net.ftp.FTPSClient alice = new org.apache.commons.net.ftp.FTPSClient("TLS", false);
        alice.setTrustManager(org.apache.commons.net.util.TrustManagerUtils.getAcceptAllTrustManager());
        alice.connect(server.address().getAddress(), server.port());
        assertTrue(alice.login("alice", "alice-password"));
        alice.enterLocalPassiveMode();
        alice.listFiles();
        assertEquals(226, alice.getReplyCode(), "others may still use clear-text data");
        alice.disconnect();
    }

    private static int store(RawClient client, String path) throws IOException {
        try (var data = DataSocket.open(client)) {
            RawClient.Reply reply = client.command("STOR " + path);
            if (reply.code() != 150) {
                return reply.code();
            }
            data.getOutputStream().write("dropped".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            data.shutdownOutput();
            return client.reply().code();
        }
    }
}

package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.storage.Quota;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas: an upload that would pass one is cut with 552 as it crosses it and leaves nothing
 * behind, a new file past the file limit is refused before its data, deletions give room back,
 * and SITE QUOTA and STAT tell where a user stands. Other users are not limited by it.
 */
class QuotaTest {
    private static final String PASSWORD = "alice-password";
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path folder;

    private TestServer start(Quota quota) throws IOException {
        return TestServer.start(folder, TestServer.Options.defaults(folder)
                .withOverride("alice", new Config.UserOverride(Map.of(), null, null, Map.of("/", quota))))
                .withUser("alice", PASSWORD).withUser("bob", "bob-password");
    }

    private static RawClient.Reply upload(RawClient client, String name, byte[] bytes) throws IOException {
        DataSocket.expect(200, client.command("TYPE I"));
        try (Socket data = DataSocket.open(client)) {
            RawClient.Reply opening = client.command("STOR " + name);
            if (opening.code() != 150) {
                return opening;
            }
            try {
                data.getOutputStream().write(bytes);
                data.shutdownOutput();
                try (InputStream in = data.getInputStream()) {
                    in.readAllBytes();
                }
            } catch (IOException cutMidway) {
                // The server closes the data connection when the quota is crossed.
            }
            return client.reply();
        }
    }

    private static List<String> realNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anUploadThatCrossesTheQuotaIsCutWith552AndLeavesNothing() throws Exception {
        try (TestServer server = start(new Quota(MIB, Quota.UNLIMITED));
                RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            Path home = server.folder("alice");
            byte[] first = TransferTest.randomBytes(600 * 1024, 1);
            assertEquals(226, upload(client, "first.bin", first).code());
            RawClient.Reply over = upload(client, "second.bin", TransferTest.randomBytes(600 * 1024, 2));
            assertEquals("552 Storage quota exceeded.", over.text());
            assertEquals(List.of("first.bin"), realNames(home), "nothing of the cut upload is left");
            assertEquals(200, client.command("NOOP").code(), "the session goes on");

            byte[] replacement = TransferTest.randomBytes(900 * 1024, 3);
            assertEquals(226, upload(client, "first.bin", replacement).code(), "a file may be replaced by a larger one");
            assertArrayEquals(replacement, Files.readAllBytes(home.resolve("first.bin")));

            RawClient.Reply quota = client.command("SITE QUOTA");
            assertEquals(200, quota.code());
            assertTrue(quota.text().contains("/: 900 KiB of 1 MiB, 1 files (no limit)"), quota.text());
            assertTrue(quota.text().contains("/Public: no quota"), quota.text());
            RawClient.Reply status = client.command("STAT");
            assertTrue(status.text().contains("Quota /: 900 KiB of 1 MiB"), status.text());

            assertEquals(250, client.command("DELE first.bin").code());
            assertEquals(226, upload(client, "second.bin", TransferTest.randomBytes(600 * 1024, 4)).code(),
                    "a deletion gives the room back");
        }
    }

    @Test
    void aNewFilePastTheFileLimitIsRefusedBeforeItsData() throws Exception {
        try (TestServer server = start(new Quota(Quota.UNLIMITED, 3));
                RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(226, upload(client, "file-" + i + ".txt", new byte[10]).code());
            }
            assertEquals("552 Storage quota exceeded.", upload(client, "file-3.txt", new byte[10]).text());
            assertEquals(226, upload(client, "file-0.txt", new byte[20]).code(), "replacing a file makes none");
            String quota = client.command("SITE QUOTA").text();
            assertTrue(quota.contains("/: 40 bytes (no limit), 3 of 3 files"), quota);
        }
    }

    @Test
    void otherUsersAndOtherMountsAreNotLimited() throws Exception {
        try (TestServer server = start(new Quota(MIB, 10))) {
            FTPClient bob = new FTPClient();
            bob.connect(server.address().getAddress(), server.port());
            assertTrue(bob.login("bob", "bob-password"));
            bob.setFileType(FTP.BINARY_FILE_TYPE);
            bob.enterLocalPassiveMode();
            assertTrue(bob.storeFile("big.bin", new java.io.ByteArrayInputStream(new byte[3 * (int) MIB])),
                    bob.getReplyString());
            bob.disconnect();
            try (RawClient alice = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
                assertEquals(226, upload(alice, "/Public/shared.bin", new byte[2 * (int) MIB]).code());
            }
        }
    }

    @Test
    void twoSessionsOfOneUserShareTheQuota() throws Exception {
        try (TestServer server = start(new Quota(MIB, Quota.UNLIMITED));
                RawClient first = RawClient.greeted(server.address()).login("alice", PASSWORD);
                RawClient second = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            assertEquals(226, upload(first, "a.bin", new byte[700 * 1024]).code());
            assertEquals(552, upload(second, "b.bin", new byte[700 * 1024]).code());
        }
    }
}

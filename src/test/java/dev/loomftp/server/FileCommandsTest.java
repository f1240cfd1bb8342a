package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFC 959 and RFC 3659 commands that change or describe files without a data connection,
 * and HASH: each with what a client sees and what happens on disk.
 */
@ExtendWith(StopServers.class)
class FileCommandsTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    private TestServer server;
    private Path home;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        home = server.folder("alice");
    }


    @Test
    void foldersAreMadeAndRemoved() throws IOException {
        try (RawClient client = loggedIn()) {
            RawClient.Reply made = client.command("MKD new \"folder\"");
            assertEquals(257, made.code());
            assertEquals("257 \"/new \"\"folder\"\"\" created.", made.lines().getFirst(), "quotes doubled (RFC 959)");
            assertTrue(Files.isDirectory(home.resolve("new \"folder\"")));
            assertEquals(550, client.command("MKD new \"folder\"").code(), "it exists already");
            assertEquals(257, client.command("XMKD other").code());
            Files.write(home.resolve("other/file.txt"), new byte[1]);
            assertEquals(550, client.command("RMD other").code(), "not empty");
            assertEquals(550, client.command("DELE other").code(), "DELE is for files");
            assertEquals(550, client.command("RMD other/file.txt").code(), "RMD is for folders");
            assertEquals(250, client.command("DELE other/file.txt").code());
            assertEquals(250, client.command("XRMD other").code());
            assertFalse(Files.exists(home.resolve("other")));
            assertEquals(550, client.command("DELE missing.txt").code());
            assertEquals(550, client.command("RMD /Public").code(), "a mount point stays");
            assertEquals(550, client.command("RMD /").code());
        }
    }

    @Test
    void renamingNeedsRnfrThenRnto() throws IOException {
        Files.writeString(home.resolve("old.txt"), "content");
        try (RawClient client = loggedIn()) {
            assertEquals(503, client.command("RNTO new.txt").code());
            assertEquals(550, client.command("RNFR missing.txt").code());
            assertEquals(350, client.command("RNFR old.txt").code());
            assertEquals(200, client.command("NOOP").code());
            assertEquals(503, client.command("RNTO new.txt").code(), "RNTO must follow RNFR at once");
            assertEquals(350, client.command("RNFR old.txt").code());
            assertEquals(250, client.command("RNTO new.txt").code());
            assertEquals("content", Files.readString(home.resolve("new.txt")));
            assertFalse(Files.exists(home.resolve("old.txt")));

            assertEquals(350, client.command("RNFR new.txt").code());
            assertEquals(250, client.command("RNTO /Public/moved.txt").code(), "a file moves between mounts");
            assertEquals("content", Files.readString(server.folder("Public").resolve("moved.txt")));
            Files.createDirectories(home.resolve("box"));
            assertEquals(350, client.command("RNFR box").code());
            assertEquals(550, client.command("RNTO /Public/box").code(), "a folder does not");
            assertEquals(350, client.command("RNFR box").code());
            assertEquals(553, client.command("RNTO box/inside").code(), "nor into itself");
        }
    }

    @Test
    void modificationTimesAreReadAndSet() throws IOException {
        Files.writeString(home.resolve("dated.txt"), "x");
        Files.setLastModifiedTime(home.resolve("dated.txt"), FileTime.from(Instant.parse("2020-02-03T04:05:06Z")));
        try (RawClient client = loggedIn()) {
            assertEquals("213 20200203040506", client.command("MDTM dated.txt").lines().getFirst());
            assertEquals("213 Modify=20211231235959; /dated.txt",
                    client.command("MFMT 20211231235959 dated.txt").lines().getFirst());
            assertEquals(Instant.parse("2021-12-31T23:59:59Z"),
                    Files.getLastModifiedTime(home.resolve("dated.txt")).toInstant());
            assertEquals(501, client.command("MFMT yesterday dated.txt").code());
            assertEquals(501, client.command("MFMT 20211399000000 dated.txt").code());
            assertEquals(550, client.command("MDTM missing.txt").code());
        }
    }

    @Test
    void mlstAndMlsdGiveFactsThatOptsMlstChooses() throws IOException {
        Files.writeString(home.resolve("facts.txt"), "12345");
        Files.setPosixFilePermissions(home.resolve("facts.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(home.resolve("facts.txt"), FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
        FTPClient client = server.login("alice", PASSWORD);
        FTPFile file = client.mlistFile("facts.txt");
        assertEquals("facts.txt", file.getName().substring(file.getName().lastIndexOf('/') + 1));
        assertEquals(5, file.getSize());
        assertEquals(Instant.parse("2024-01-02T03:04:05Z"), file.getTimestamp().toInstant());
        assertTrue(file.getRawListing().contains("unix.mode=0640;"), file.getRawListing());
        assertTrue(file.getRawListing().contains("perm=rawdf;"), file.getRawListing());
        assertTrue(file.getRawListing().matches(".*unique=\\p{XDigit}+U\\d+;.*"), file.getRawListing());

        FTPFile[] entries = client.mlistDir();
        assertEquals(List.of("Public", "facts.txt"), TransferTest.names(entries));
        assertTrue(client.sendCommand("OPTS", "MLST type;size;") == 200, client.getReplyString());
        FTPFile[] narrow = client.mlistDir();
        FTPFile narrowFile = java.util.Arrays.stream(narrow).filter(f -> f.getName().equals("facts.txt")).findFirst()
                .orElseThrow();
        assertEquals("type=file;size=5; facts.txt", narrowFile.getRawListing());
        assertEquals(227, client.pasv());
        assertEquals(501, client.sendCommand("MLSD", "facts.txt"), "MLSD lists folders only");
    }

    @Test
    void statShowsTheSessionOrAListing() throws IOException {
        Files.writeString(home.resolve("one.txt"), "1");
        try (RawClient client = loggedIn()) {
            RawClient.Reply status = client.command("STAT");
            assertEquals(211, status.code());
            assertTrue(status.text().contains("Logged in as alice"), status.text());
            RawClient.Reply listing = client.command("STAT /");
            assertEquals(213, listing.code());
            assertTrue(listing.lines().stream().anyMatch(line -> line.endsWith(" one.txt")), listing.text());
            assertTrue(listing.lines().stream().anyMatch(line -> line.startsWith(" d") && line.endsWith(" Public")),
                    listing.text());
            assertEquals(550, client.command("STAT missing").code());
        }
    }

    @Test
    void siteChmodChangesTheMode() throws IOException {
        Files.writeString(home.resolve("script.sh"), "#!/bin/sh\n");
        try (RawClient client = loggedIn()) {
            assertEquals(200, client.command("SITE CHMOD 750 script.sh").code());
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    home.resolve("script.sh"))));
            assertEquals(214, client.command("SITE HELP").code());
            assertEquals(501, client.command("SITE CHMOD 999 script.sh").code());
            assertEquals(504, client.command("SITE EXEC rm -rf /").code());
            assertEquals(550, client.command("SITE CHMOD 777 missing").code());
        }
    }

    @Test
    void reinitializeLogsOutButKeepsTheConnection() throws IOException {
        try (RawClient client = loggedIn()) {
            assertEquals(202, client.command("ALLO 1000").code());
            assertEquals(202, client.command("ACCT none").code());
            assertEquals(220, client.command("REIN").code());
            assertEquals(530, client.command("PWD").code());
            client.login("alice", PASSWORD);
            assertEquals(257, client.command("PWD").code());
        }
    }

    @Test
    void hashesMatchTheFileAndItsRanges() throws IOException {
        byte[] content = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);
        Files.write(home.resolve("fox.txt"), content);
        Files.write(home.resolve("empty.txt"), new byte[0]);
        try (RawClient client = loggedIn()) {
            assertEquals("213 SHA-256 0-42 " + digest("SHA-256", content) + " /fox.txt",
                    client.command("HASH fox.txt").lines().getFirst());
            assertEquals("213 SHA-256 0-0 " + digest("SHA-256", new byte[0]) + " /empty.txt",
                    client.command("HASH empty.txt").lines().getFirst());
            assertEquals("200 MD5", client.command("OPTS HASH md5").lines().getFirst());
            assertEquals(350, client.command("RANG 4 8").code());
            assertEquals("213 MD5 4-8 " + digest("MD5", "quick".getBytes(StandardCharsets.US_ASCII)) + " /fox.txt",
                    client.command("HASH fox.txt").lines().getFirst());
            assertTrue(client.command("HASH fox.txt").text().contains(" 0-42 "), "RANG applies to one HASH");
            assertEquals(501, client.command("OPTS HASH SHA-3").code());
            assertEquals(501, client.command("RANG 9 2").code());
            assertEquals("250 " + digest("SHA-256", content), client.command("XSHA256 fox.txt").lines().getFirst());
            assertEquals("250 " + digest("SHA-1", content), client.command("XSHA1 fox.txt").lines().getFirst());
            assertEquals("250 " + digest("MD5", content), client.command("XMD5 fox.txt").lines().getFirst());
            CRC32 crc = new CRC32();
            crc.update(content);
            assertEquals("250 " + String.format("%08x", crc.getValue()), client.command("XCRC fox.txt").lines().getFirst());
            assertEquals(550, client.command("HASH missing").code());
            assertTrue(client.command("FEAT").text().contains("HASH SHA-256;SHA-1;MD5*;CRC32"));
        }
    }

    @Test
    void appendAndUniqueStoreWithCommonsNet() throws IOException {
        FTPClient client = server.login("alice", PASSWORD);
        assertTrue(client.appendFile("log.txt", new ByteArrayInputStream("one\n".getBytes(StandardCharsets.UTF_8))));
        assertTrue(client.appendFile("log.txt", new ByteArrayInputStream("two\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals("one\ntwo\n", Files.readString(home.resolve("log.txt")));
        assertTrue(client.storeUniqueFile("log.txt", new ByteArrayInputStream(new byte[] {7})), client.getReplyString());
        assertTrue(client.getReplyString().contains("log.txt.1"), client.getReplyString());
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(home.resolve("log.txt.1")));
        assertEquals("one\ntwo\n", Files.readString(home.resolve("log.txt")), "the first is kept");
    }

    private RawClient loggedIn() throws IOException {
        return RawClient.greeted(server.address()).login("alice", PASSWORD);
    }

    private static String digest(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

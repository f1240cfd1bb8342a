package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Uploads, downloads and listings with Commons Net, over every kind of data connection. */
@ExtendWith(StopServers.class)
class TransferTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    static Path samples;

    @TempDir
    Path folder;

    private TestServer server;

    /** How the client asks for data connections. */
    enum DataMode {
        PASSIVE, EXTENDED_PASSIVE, ACTIVE;

        void apply(FTPClient client) {
            switch (this) {
                case PASSIVE -> client.enterLocalPassiveMode();
                case EXTENDED_PASSIVE -> {
                    client.enterLocalPassiveMode();
                    client.setUseEPSVwithIPv4(true);
                }
                case ACTIVE -> client.enterLocalActiveMode();
            }
        }
    }

    @BeforeAll
    static void writeSamples() throws IOException {
        Files.write(samples.resolve("empty.bin"), new byte[0]);
        Files.write(samples.resolve("small.bin"), randomBytes(1_000, 1));
        try (OutputStream out = Files.newOutputStream(samples.resolve("large.bin"))) {
            Random random = new Random(2);
            byte[] chunk = new byte[1024 * 1024];
            for (int i = 0; i < 50; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD).withUser("bob", "bob-password");
    }


    static Stream<Arguments> modesAndSizes() {
        return Stream.of(DataMode.values())
                .flatMap(mode -> Stream.of("empty.bin", "small.bin", "large.bin").map(file -> Arguments.of(mode, file)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modesAndSizes")
    void uploadThenDownloadIsByteExact(DataMode mode, String sample) throws IOException {
        FTPClient client = server.login("alice", PASSWORD);
        mode.apply(client);
        Path original = samples.resolve(sample);
        try (InputStream in = Files.newInputStream(original)) {
            assertTrue(client.storeFile(sample, in), client.getReplyString());
        }
        assertEquals(sha256(original), sha256(server.folder("alice").resolve(sample)), "stored bytes");

        Path downloaded = folder.resolve("downloaded-" + sample);
        try (OutputStream out = Files.newOutputStream(downloaded)) {
            assertTrue(client.retrieveFile(sample, out), client.getReplyString());
        }
        assertEquals(sha256(original), sha256(downloaded), "downloaded bytes");
        assertEquals(Files.size(original), Long.parseLong(client.getSize(sample)));
    }

    @Test
    void listingShowsFilesAndFoldersInLsForm() throws IOException {
        Path home = server.folder("alice");
        Files.createDirectories(home.resolve("photos"));
        Files.write(home.resolve("notes.txt"), randomBytes(1234, 3));
        Files.write(home.resolve(".hidden"), new byte[1]);
        FTPClient client = server.login("alice", PASSWORD);
        client.setListHiddenFiles(false);

        FTPFile[] files = client.listFiles();
        assertEquals(List.of("Public", "notes.txt", "photos"), names(files));
        FTPFile notes = Arrays.stream(files).filter(f -> f.getName().equals("notes.txt")).findFirst().orElseThrow();
        assertTrue(notes.isFile());
        assertEquals(1234, notes.getSize());
        assertTrue(Arrays.stream(files).filter(f -> !f.getName().equals("notes.txt")).allMatch(FTPFile::isDirectory));

        client.setListHiddenFiles(true);
        assertTrue(names(client.listFiles()).contains(".hidden"), "LIST -a shows dotfiles");
        client.setListHiddenFiles(false);
        assertEquals(List.of("Public", "notes.txt", "photos"), Arrays.stream(client.listNames()).sorted().toList());
        assertEquals(List.of("notes.txt"), names(client.listFiles("notes.txt")), "LIST of a file shows the file");
    }

    @Test
    void listingOfAMissingFolderIs550() throws IOException {
        FTPClient client = server.login("alice", PASSWORD);
        assertEquals(0, client.listFiles("no-such-folder").length);
        assertEquals(550, client.getReplyCode());
    }

    @Test
    void publicIsSharedBetweenUsers() throws IOException {
        FTPClient alice = server.login("alice", PASSWORD);
        byte[] content = "shared with everyone\n".getBytes(StandardCharsets.UTF_8);
        assertTrue(alice.storeFile("/Public/hello.txt", new java.io.ByteArrayInputStream(content)));

        FTPClient bob = server.login("bob", "bob-password");
        assertTrue(bob.changeWorkingDirectory("Public"));
        assertEquals("/Public", bob.printWorkingDirectory());
        assertEquals(List.of("hello.txt"), names(bob.listFiles()));
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        assertTrue(bob.retrieveFile("hello.txt", received));
        assertArrayEquals(content, received.toByteArray());
    }

    @Test
    void aReadOnlyMountRefusesUploadsAndShowsNoWriteBits() throws IOException {
        server.close();
        Path readOnly = folder.resolve("read-only");
        server = TestServer.start(readOnly, TestServer.Options.defaults(readOnly)
                .withPublicAccess(Config.Access.READ_ONLY)).withUser("alice", PASSWORD);
        Files.write(server.folder("Public").resolve("notice.txt"), new byte[] {1});
        FTPClient client = server.login("alice", PASSWORD);

        FTPFile publicFolder = Arrays.stream(client.listFiles()).filter(f -> f.getName().equals("Public"))
                .findFirst().orElseThrow();
        assertFalse(publicFolder.hasPermission(FTPFile.USER_ACCESS, FTPFile.WRITE_PERMISSION));
        assertFalse(client.listFiles("/Public")[0].hasPermission(FTPFile.USER_ACCESS, FTPFile.WRITE_PERMISSION));
        assertFalse(client.storeFile("/Public/new.txt", new java.io.ByteArrayInputStream(new byte[] {2})));
        assertEquals(550, client.getReplyCode());
        assertFalse(client.storeFile("/Public/notice.txt", new java.io.ByteArrayInputStream(new byte[] {2})));
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(server.folder("Public").resolve("notice.txt")));
        assertTrue(client.storeFile("/mine.txt", new java.io.ByteArrayInputStream(new byte[] {3})), "home stays writable");
    }

    @Test
    void aFileUsedAsAFolderIs550() throws IOException {
        Files.write(server.folder("alice").resolve("plain.txt"), new byte[] {1});
        FTPClient client = server.login("alice", PASSWORD);
        assertFalse(client.storeFile("plain.txt/inner.txt", new java.io.ByteArrayInputStream(new byte[] {2})));
        assertEquals(550, client.getReplyCode());
        assertFalse(client.changeWorkingDirectory("plain.txt"));
        assertEquals(550, client.getReplyCode());
    }

    @Test
    void textModeStoresLfAndSendsCrlf() throws IOException {
        FTPClient client = server.login("alice", PASSWORD);
        assertTrue(client.setFileType(FTP.ASCII_FILE_TYPE));
        byte[] text = "one\ntwo\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(client.storeFile("text.txt", new java.io.ByteArrayInputStream(text)), client.getReplyString());
        assertArrayEquals(text, Files.readAllBytes(server.folder("alice").resolve("text.txt")),
                "the client sent CRLF; the file keeps LF");
        assertEquals("10", client.getSize("text.txt"), "TYPE A size counts CRLF");

        try (RawClient raw = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            assertEquals(200, raw.command("TYPE A").code());
            assertArrayEquals("one\r\ntwo\r\n".getBytes(StandardCharsets.US_ASCII), DataSocket.retrieve(raw, "text.txt"));
        }
    }

    @Test
    void missingFilesAndFoldersAre550() throws IOException {
        Files.createDirectories(server.folder("alice").resolve("folder"));
        FTPClient client = server.login("alice", PASSWORD);
        assertFalse(client.retrieveFile("missing.txt", java.io.OutputStream.nullOutputStream()));
        assertEquals(550, client.getReplyCode());
        assertFalse(client.retrieveFile("folder", java.io.OutputStream.nullOutputStream()));
        assertEquals(550, client.getReplyCode());
        assertFalse(client.storeFile("no-such-folder/file.txt", java.io.InputStream.nullInputStream()));
        assertEquals(550, client.getReplyCode());
        assertFalse(client.storeFile("folder", java.io.InputStream.nullInputStream()));
        assertEquals(553, client.getReplyCode());
        assertEquals(550, client.sendCommand("SIZE", "missing.txt"));
        assertEquals(200, client.sendCommand("NOOP"), "the session goes on");
    }

    @Test
    void transfersNeedADataConnectionFirst() throws IOException {
        Files.write(server.folder("alice").resolve("file.txt"), new byte[10]);
        try (RawClient raw = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            assertEquals(425, raw.command("RETR file.txt").code());
            assertEquals(425, raw.command("LIST").code());
            assertEquals(425, raw.command("STOR new.txt").code());
            assertFalse(Files.exists(server.folder("alice").resolve("new.txt")));
        }
    }

    @Test
    void navigationStaysInTheView() throws IOException {
        Files.createDirectories(server.folder("alice").resolve("a/b"));
        FTPClient client = server.login("alice", PASSWORD);
        assertTrue(client.changeWorkingDirectory("a/b"));
        assertEquals("/a/b", client.printWorkingDirectory());
        assertTrue(client.changeToParentDirectory());
        assertEquals("/a", client.printWorkingDirectory());
        assertTrue(client.changeWorkingDirectory("../../../.."));
        assertEquals("/", client.printWorkingDirectory());
        assertTrue(client.changeToParentDirectory());
        assertEquals("/", client.printWorkingDirectory());
        assertFalse(client.changeWorkingDirectory("missing"));
        assertEquals(550, client.getReplyCode());
    }

    static List<String> names(FTPFile[] files) {
        return Arrays.stream(files).map(FTPFile::getName).sorted().toList();
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

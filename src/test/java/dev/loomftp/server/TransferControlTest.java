package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What happens around a running transfer: ABOR, STAT and NOOP answered while it runs, other
 * commands answered after it, REST to resume either way (past 4 GiB too), and MODE Z.
 */
@ExtendWith(StopServers.class)
class TransferControlTest {
    private static final String PASSWORD = "alice-password";
    private static final long BIG = 256L * 1024 * 1024;
    private static final long FIVE_GIB = 5L * 1024 * 1024 * 1024;

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
    void aborDuringADownloadGives426Then226() throws IOException {
        sparse("big.bin", BIG);
        try (RawClient client = loggedIn(); Socket data = DataSocket.open(client)) {
            assertEquals(150, client.command("RETR big.bin").code());
            data.getInputStream().readNBytes(64 * 1024);
            assertEquals(426, client.command("ABOR").code());
            assertEquals(226, client.reply().code());
            assertEquals(200, client.command("NOOP").code(), "the session goes on");
        }
    }

    /** Under the default upload policy an aborted upload is kept, hidden, for a resume: SIZE tells its size. */
    @Test
    void aborDuringAnUploadKeepsWhatArrivedForAResume() throws IOException {
        try (RawClient client = loggedIn(); Socket data = DataSocket.open(client)) {
            assertEquals(150, client.command("STOR partial.bin").code());
            data.getOutputStream().write(new byte[1000]);
            data.getOutputStream().flush();
            assertEquals(426, client.command("ABOR").code());
            assertEquals(226, client.reply().code());
            RawClient.Reply size = client.command("SIZE partial.bin");
            assertEquals(213, size.code());
            assertTrue(Long.parseLong(size.text().substring(4)) <= 1000, size.text());
        }
        assertFalse(Files.exists(home.resolve("partial.bin")), "the cut upload is not the file");
    }

    @Test
    void statAndNoopAreAnsweredWhileATransferRuns() throws IOException {
        sparse("big.bin", BIG);
        try (RawClient client = loggedIn(); Socket data = DataSocket.open(client)) {
            assertEquals(150, client.command("RETR big.bin").code());
            data.getInputStream().readNBytes(1024);
            RawClient.Reply status = client.command("STAT");
            assertEquals(213, status.code());
            assertTrue(status.text().contains("RETR /big.bin"), status.text());
            assertEquals(200, client.command("NOOP").code());
            assertEquals(426, client.command("ABOR").code());
            assertEquals(226, client.reply().code());
        }
    }

    @Test
    void otherCommandsWaitUntilTheTransferEnds() throws IOException {
        Files.write(home.resolve("file.bin"), TransferTest.randomBytes(3 * 1024 * 1024, 9));
        try (RawClient client = loggedIn()) {
            assertEquals(200, client.command("TYPE I").code());
            try (Socket data = DataSocket.open(client)) {
                assertEquals(150, client.command("RETR file.bin").code());
                client.send("PWD\r\n");
                assertEquals(3 * 1024 * 1024, data.getInputStream().readAllBytes().length);
            }
            assertEquals(226, client.reply().code(), "the transfer's reply comes first");
            assertEquals(257, client.reply().code());
        }
    }

    @Test
    void restResumesDownloadsAndUploads() throws IOException {
        byte[] content = TransferTest.randomBytes(1000, 4);
        Files.write(home.resolve("file.bin"), content);
        try (RawClient client = loggedIn()) {
            assertEquals(200, client.command("TYPE I").code());
            assertEquals(350, client.command("REST 990").code());
            assertArrayEquals(Arrays.copyOfRange(content, 990, 1000), DataSocket.retrieve(client, "file.bin"));
            assertEquals(1000, DataSocket.retrieve(client, "file.bin").length, "REST applies to one transfer");

            assertEquals(350, client.command("REST 400").code());
            store(client, "file.bin", "tail".getBytes(StandardCharsets.US_ASCII));
            byte[] resumed = Files.readAllBytes(home.resolve("file.bin"));
            assertEquals(404, resumed.length, "the file is cut at the offset, then written");
            assertArrayEquals(Arrays.copyOf(content, 400), Arrays.copyOf(resumed, 400));

            assertEquals(350, client.command("REST 5000").code());
            try (Socket data = DataSocket.open(client)) {
                assertEquals(554, client.command("RETR file.bin").code());
            }
            assertEquals(501, client.command("REST -1").code());
            assertEquals(501, client.command("REST ten").code());
        }
    }

    @Test
    void filesPastFourGibibytesHaveTheirSizeOffsetsAndHashes() throws IOException {
        Path file = home.resolve("huge.bin");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(FIVE_GIB - 5);
            sparse.seek(FIVE_GIB - 5);
            sparse.write("TAIL!".getBytes(StandardCharsets.US_ASCII));
        }
        try (RawClient client = loggedIn()) {
            assertEquals(200, client.command("TYPE I").code());
            assertEquals("213 " + FIVE_GIB, client.command("SIZE huge.bin").lines().getFirst());
            assertEquals(350, client.command("REST " + (FIVE_GIB - 5)).code());
            assertArrayEquals("TAIL!".getBytes(StandardCharsets.US_ASCII), DataSocket.retrieve(client, "huge.bin"));
            assertEquals(350, client.command("RANG " + (FIVE_GIB - 5) + " " + (FIVE_GIB - 1)).code());
            assertEquals(200, client.command("OPTS HASH MD5").code());
            assertTrue(client.command("HASH huge.bin").text().contains(
                    (FIVE_GIB - 5) + "-" + (FIVE_GIB - 1) + " 910efa69944554ac72074cb035cd8a49"), "MD5 of TAIL!");
            assertEquals(350, client.command("REST " + (FIVE_GIB - 2)).code());
            store(client, "huge.bin", "ok".getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals(FIVE_GIB, Files.size(file));
        try (RandomAccessFile check = new RandomAccessFile(file.toFile(), "r")) {
            byte[] tail = new byte[5];
            check.seek(FIVE_GIB - 5);
            check.readFully(tail);
            assertEquals("TAIok", new String(tail, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void modeZCompressesUploadsDownloadsAndListings() throws IOException {
        byte[] text = "compressible line of text\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        try (RawClient client = loggedIn()) {
            assertEquals(200, client.command("TYPE I").code());
            assertEquals(200, client.command("OPTS MODE Z LEVEL 9").code());
            assertEquals(200, client.command("MODE Z").code());
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (OutputStream deflate = new DeflaterOutputStream(compressed)) {
                deflate.write(text);
            }
            store(client, "text.txt", compressed.toByteArray());
            assertArrayEquals(text, Files.readAllBytes(home.resolve("text.txt")));

            byte[] wire = DataSocket.retrieve(client, "text.txt");
            assertTrue(wire.length < text.length / 20, "compressed on the wire: " + wire.length + " bytes");
            assertArrayEquals(text, inflate(wire));

            try (Socket data = DataSocket.open(client)) {
                assertEquals(150, client.command("NLST").code());
                String names = new String(inflate(data.getInputStream().readAllBytes()), StandardCharsets.UTF_8);
                assertEquals(226, client.reply().code());
                assertEquals(List.of("Public", "text.txt"), names.lines().sorted().toList());
            }
            assertEquals(200, client.command("MODE S").code());
            assertArrayEquals(text, DataSocket.retrieve(client, "text.txt"));
            assertEquals(501, client.command("OPTS MODE Z LEVEL 12").code());
        }
    }

    /**
     * A MODE Z upload that grows too much is refused with 552 and leaves nothing of itself: a new
     * file is not made, one it was to replace or add to keeps what it had.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "STOR bomb.bin           | bomb.bin |                  | ",
        "STOR kept.bin           | kept.bin | old content      | old content",
        "APPE kept.bin           | kept.bin | old content      | old content",
        "REST 3;STOR kept.bin    | kept.bin | old content      | old"})
    void aCompressedUploadThatGrowsTooMuchIsRefusedAndUndone(String commands, String name, String before,
            String after) throws IOException {
        if (before != null) {
            Files.writeString(home.resolve(name), before);
        }
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (OutputStream deflate = new DeflaterOutputStream(bomb)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) {
                deflate.write(zeros);
            }
        }
        try (RawClient client = loggedIn()) {
            assertEquals(200, client.command("TYPE I").code());
            assertEquals(200, client.command("MODE Z").code());
            try (Socket data = DataSocket.open(client)) {
                List<String> steps = List.of(commands.split(";"));
                for (String step : steps.subList(0, steps.size() - 1)) {
                    assertEquals(350, client.command(step).code());
                }
                assertEquals(150, client.command(steps.getLast()).code());
                try {
                    data.getOutputStream().write(bomb.toByteArray());
                    data.shutdownOutput();
                } catch (IOException refusedMidway) {
                    // The server may close the connection before all of it is sent.
                }
                assertEquals(552, client.reply().code());
            }
            assertEquals(200, client.command("NOOP").code());
        }
        if (after == null) {
            assertFalse(Files.exists(home.resolve(name)), "nothing usable came, so nothing is kept");
        } else {
            assertEquals(after, Files.readString(home.resolve(name)), "the file keeps what it had");
        }
    }

    @Test
    void corruptCompressedDataFailsTheUploadCleanly() throws IOException {
        try (RawClient client = loggedIn()) {
            assertEquals(200, client.command("MODE Z").code());
            try (Socket data = DataSocket.open(client)) {
                assertEquals(150, client.command("STOR bad.bin").code());
                data.getOutputStream().write("this is not zlib data".getBytes(StandardCharsets.US_ASCII));
                data.shutdownOutput();
                assertEquals(426, client.reply().code());
            }
            assertEquals(200, client.command("NOOP").code());
        }
    }

    @Test
    void namesInUtf8RoundTrip() throws IOException {
        String name = "naïve-日本語 ✓.txt";
        FTPClient client = server.login("alice", PASSWORD);
        assertTrue(client.storeFile(name, new ByteArrayInputStream(new byte[] {1, 2})), client.getReplyString());
        assertTrue(Files.exists(home.resolve(name)));
        assertTrue(Arrays.asList(client.listNames()).contains(name));
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile(name, back));
        assertArrayEquals(new byte[] {1, 2}, back.toByteArray());
        assertTrue(client.makeDirectory("dossier-été"));
        assertTrue(client.changeWorkingDirectory("dossier-été"));
        assertEquals("/dossier-été", client.printWorkingDirectory());
    }

    @Test
    void anIpv6ListenerWorksWithExtendedPassiveAndActiveModes() throws IOException {
        server.close();
        Path v6 = folder.resolve("v6");
        server = TestServer.start(v6, TestServer.Options.defaults(v6).withAddress("::1")).withUser("alice", PASSWORD);
        Files.write(server.folder("alice").resolve("v6.bin"), new byte[] {6, 6});
        FTPClient client = server.login("alice", PASSWORD);
        ByteArrayOutputStream passive = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("v6.bin", passive), client.getReplyString());
        assertArrayEquals(new byte[] {6, 6}, passive.toByteArray());
        client.enterLocalActiveMode();
        ByteArrayOutputStream active = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("v6.bin", active), client.getReplyString());
        assertArrayEquals(new byte[] {6, 6}, active.toByteArray());
        assertEquals(425, client.sendCommand("PASV"), "PASV cannot name an IPv6 address");
        assertEquals(522, client.sendCommand("EPSV", "1"));
    }

    @Test
    void aFolderOfAHundredThousandEntriesIsListed() throws IOException {
        Path crowded = Files.createDirectories(home.resolve("crowded"));
        for (int i = 0; i < 100_000; i++) {
            Files.createFile(crowded.resolve("entry-" + i));
        }
        FTPClient client = server.login("alice", PASSWORD);
        client.setFileType(FTP.ASCII_FILE_TYPE);
        assertEquals(100_000, client.listNames("crowded").length);
        try (RawClient raw = loggedIn(); Socket data = DataSocket.open(raw)) {
            assertEquals(150, raw.command("MLSD crowded").code());
            long lines;
            try (InputStream in = data.getInputStream()) {
                lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .filter(line -> line.startsWith("type=file;")).count();
            }
            assertEquals(226, raw.reply().code());
            assertEquals(100_000, lines);
        }
    }

    private RawClient loggedIn() throws IOException {
        return RawClient.greeted(server.address()).login("alice", PASSWORD);
    }

    private void sparse(String name, long size) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(home.resolve(name).toFile(), "rw")) {
            file.setLength(size);
        }
    }

    private static void store(RawClient client, String name, byte[] content) throws IOException {
        try (Socket data = DataSocket.open(client)) {
            DataSocket.expect(150, client.command("STOR " + name));
            data.getOutputStream().write(content);
            data.shutdownOutput();
            DataSocket.expect(226, client.reply());
        }
    }

    private static byte[] inflate(byte[] compressed) throws IOException {
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }
}

package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomftp.config.Config;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The xferlog and JSON transfer logs: their lines, and what a real client's transfers put in them. */
@ExtendWith(StopServers.class)
class TransferLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TransferLog.Entry DOWNLOAD = new TransferLog.Entry(Instant.parse("2026-12-06T09:05:07Z"),
            Duration.ofMillis(1_500), 42, "alice", false, "127.0.0.1", "RETR", "/reports/q4 \"final\".bin", 65_536,
            true, true, true, "ok");

    @TempDir
    Path folder;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anXferlogLineHasWuFtpdsFourteenFields() throws IOException {
        try (TransferLog log = TransferLog.open(new Config.Logging(Config.Level.INFO, null), ZoneOffset.UTC)) {
            assertEquals("Sun Dec  6 09:05:07 2026 2 127.0.0.1 65536 /reports/q4_\"final\".bin b _ o r alice ftp 0 * c\n",
                    log.xferlogLine(DOWNLOAD));
            TransferLog.Entry cutUpload = new TransferLog.Entry(Instant.parse("2026-12-16T23:59:59Z"), Duration.ZERO, 7,
                    "anonymous", true, "::1", "STOR", "/in\tcoming.txt", 0, false, false, false, "aborted");
            String line = log.xferlogLine(cutUpload);
            assertEquals("Wed Dec 16 23:59:59 2026 1 ::1 0 /in_coming.txt a _ i a anonymous ftp 0 * i\n", line);
            assertEquals(18, line.strip().split(" +").length, "ctime's five fields and thirteen more: " + line);
        }
    }

    /** As logrotate does it: the file is moved away, then the log is reopened by its name. */
    @Test
    void aReopenedLogWritesToANewFileByItsName() throws IOException {
        Path xferlog = folder.resolve("logs/xferlog");
        Path json = folder.resolve("logs/transfers.jsonl");
        try (TransferLog log = TransferLog.open(new Config.Logging(Config.Level.INFO, null, xferlog, json),
                ZoneOffset.UTC)) {
            log.record(DOWNLOAD);
            Files.move(xferlog, folder.resolve("logs/xferlog.1"));
            Files.move(json, folder.resolve("logs/transfers.jsonl.1"));
            log.record(DOWNLOAD);
            log.reopen();
            log.record(DOWNLOAD);
        }

        assertEquals(2, Files.readAllLines(folder.resolve("logs/xferlog.1")).size(), "written until the reopen");
        assertEquals(2, Files.readAllLines(folder.resolve("logs/transfers.jsonl.1")).size());
        assertEquals(1, Files.readAllLines(xferlog).size(), "and after it, to the new file");
        assertEquals(1, Files.readAllLines(json).size());
    }

    @Test
    void aJsonLineHoldsEveryFieldEscaped() throws IOException {
        String line = TransferLog.jsonLine(DOWNLOAD);

        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        JsonNode entry = JSON.readTree(line);
        assertEquals("2026-12-06T09:05:07Z", entry.get("time").asText());
        assertEquals(42, entry.get("session").asLong());
        assertEquals("alice", entry.get("user").asText());
        assertEquals("download", entry.get("direction").asText());
        assertEquals("RETR", entry.get("command").asText());
        assertEquals("/reports/q4 \"final\".bin", entry.get("path").asText());
        assertEquals(65_536, entry.get("bytes").asLong());
        assertEquals(1_500, entry.get("ms").asLong());
        assertEquals("binary", entry.get("type").asText());
        assertTrue(entry.get("tls").asBoolean());
        assertTrue(entry.get("complete").asBoolean());
        assertEquals("ok", entry.get("result").asText());
    }

    /**
     * A real client uploads and downloads a 3 MB file, lists a folder, and drops a 20 MB download
     * part way: three lines in each log (the listing is no file transfer), the last one incomplete,
     * with the paths the client saw and no real path.
     */
    @Test
    void aClientsTransfersAreLoggedInBothFormats() throws Exception {
        Path xferlog = folder.resolve("logs/xferlog");
        Path json = folder.resolve("logs/transfers.jsonl");
        server = TestServer.start(folder, TestServer.Options.defaults(folder)
                .withLogging(new Config.Logging(Config.Level.INFO, null, xferlog, json)))
                .withUser("alice", "alice-password");
        byte[] content = TransferTest.randomBytes(3_000_017, 11);
        Files.write(server.folder("alice").resolve("big.bin"), TransferTest.randomBytes(20_000_000, 12));
        FTPClient client = server.login("alice", "alice-password");

        assertTrue(client.storeFile("up load.bin", new ByteArrayInputStream(content)), client.getReplyString());
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("up load.bin", back), client.getReplyString());
        assertArrayEquals(content, back.toByteArray());
        assertTrue(client.listFiles("/").length >= 2, client.getReplyString());
        try (InputStream partial = client.retrieveFileStream("big.bin")) {
            assertEquals(65_536, partial.readNBytes(65_536).length);
        }
        assertFalse(client.completePendingCommand(), "a download the client dropped does not end with 226");
        assertTrue(client.sendNoOp(), client.getReplyString());

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(json).size() == 3);
        List<String> lines = Files.readAllLines(xferlog);
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches(".* 127\\.0\\.0\\.1 3000017 /up_load\\.bin b _ i r alice ftp 0 \\* c"), lines.get(0));
        assertTrue(lines.get(1).matches(".* 127\\.0\\.0\\.1 3000017 /up_load\\.bin b _ o r alice ftp 0 \\* c"), lines.get(1));
        assertTrue(lines.get(2).matches(".* /big\\.bin b _ o r alice ftp 0 \\* i"), lines.get(2));
        List<JsonNode> entries = Files.readAllLines(json).stream().map(TransferLogTest::parse).toList();
        assertEquals(List.of("upload", "download", "download"),
                entries.stream().map(entry -> entry.get("direction").asText()).toList());
        assertEquals("/up load.bin", entries.get(0).get("path").asText());
        assertEquals(List.of(true, true, false), entries.stream().map(entry -> entry.get("complete").asBoolean()).toList());
        assertTrue(entries.get(2).get("bytes").asLong() < 20_000_000, entries.get(2).toString());
        assertFalse(entries.get(2).get("result").asText().equals("ok"), entries.get(2).toString());
        String both = Files.readString(xferlog) + Files.readString(json);
        assertFalse(both.contains(server.root().toString()), "no real path: " + both);
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(xferlog)));
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}

package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The file commands as Commons Net sends them: MLSD/MLST, MFMT, renames, folders, APPE, STOU, REST. */
@ExtendWith(StopServers.class)
class CommonsNetCommandsTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    private TestServer server;
    private FTPClient client;
    private Path home;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        home = server.folder("alice");
        client = server.login("alice", PASSWORD);
    }


    @Test
    void makeListAndRemoveFolders() throws IOException {
        assertTrue(client.makeDirectory("projects"), client.getReplyString());
        assertTrue(client.makeDirectory("projects/loom"), client.getReplyString());
        store("projects/plan.txt", new byte[42]);

        FTPFile[] entries = client.mlistDir("projects");
        assertEquals(List.of("loom", "plan.txt"), TransferTest.names(entries));
        FTPFile plan = Arrays.stream(entries).filter(FTPFile::isFile).findFirst().orElseThrow();
        assertEquals(42, plan.getSize());
        assertTrue(Arrays.stream(entries).filter(entry -> entry.getName().equals("loom")).allMatch(FTPFile::isDirectory));

        FTPFile projects = client.mlistFile("projects");
        assertNotNull(projects, client.getReplyString());
        assertTrue(projects.isDirectory());

        assertFalse(client.removeDirectory("projects"), "a folder with entries stays");
        assertEquals(550, client.getReplyCode());
        assertTrue(client.removeDirectory("projects/loom"), client.getReplyString());
        assertFalse(Files.exists(home.resolve("projects/loom")));
    }

    @Test
    void setModificationTimeIsKept() throws IOException {
        store("old.txt", new byte[] {1});

        assertTrue(client.setModificationTime("old.txt", "20200229123456"), client.getReplyString());

        Instant expected = Instant.parse("2020-02-29T12:34:56Z");
        assertEquals(expected, Files.getLastModifiedTime(home.resolve("old.txt")).toInstant());
        assertEquals(expected, client.mlistFile("old.txt").getTimestamp().toInstant());
        assertEquals(expected, client.mdtmInstant("old.txt"));
    }

    @Test
    void renameAndDelete() throws IOException {
        assertTrue(client.makeDirectory("archive"), client.getReplyString());
        store("draft.txt", new byte[] {7, 8, 9});

        assertTrue(client.rename("draft.txt", "archive/final.txt"), client.getReplyString());
        assertFalse(Files.exists(home.resolve("draft.txt")));
        assertArrayEquals(new byte[] {7, 8, 9}, Files.readAllBytes(home.resolve("archive/final.txt")));
        assertFalse(client.rename("draft.txt", "again.txt"), "a missing file cannot be renamed");
        assertEquals(550, client.getReplyCode());

        assertTrue(client.deleteFile("archive/final.txt"), client.getReplyString());
        assertFalse(Files.exists(home.resolve("archive/final.txt")));
        assertFalse(client.deleteFile("archive/final.txt"));
        assertEquals(550, client.getReplyCode());
    }

    @Test
    void appendAndStoreUnique() throws IOException {
        store("log.txt", bytes("first\n"));
        assertTrue(client.appendFile("log.txt", new ByteArrayInputStream(bytes("second\n"))), client.getReplyString());
        assertEquals("first\nsecond\n", Files.readString(home.resolve("log.txt")));

        assertTrue(client.storeUniqueFile("log.txt", new ByteArrayInputStream(bytes("third\n"))), client.getReplyString());
        assertTrue(client.getReplyString().contains("log.txt.1"), client.getReplyString());
        assertEquals("first\nsecond\n", Files.readString(home.resolve("log.txt")), "the existing file is untouched");
        assertEquals("third\n", Files.readString(home.resolve("log.txt.1")));
    }

    @Test
    void restartOffsetResumesBothWays() throws IOException {
        byte[] content = TransferTest.randomBytes(200_000, 9);
        store("whole.bin", content);

        client.setRestartOffset(150_000);
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("whole.bin", tail), client.getReplyString());
        assertArrayEquals(Arrays.copyOfRange(content, 150_000, content.length), tail.toByteArray());

        store("resumed.bin", Arrays.copyOf(content, 80_000));
        client.setRestartOffset(80_000);
        store("resumed.bin", Arrays.copyOfRange(content, 80_000, content.length));
        assertArrayEquals(content, Files.readAllBytes(home.resolve("resumed.bin")));
    }

    private void store(String path, byte[] content) throws IOException {
        assertTrue(client.storeFile(path, new ByteArrayInputStream(content)), client.getReplyString());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

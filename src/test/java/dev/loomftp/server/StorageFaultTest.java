package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loomftp.config.Config;
import dev.loomftp.storage.StorageOpener;
import dev.loomftp.storage.UploadPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * When the storage fails in the middle of a transfer: a full disk answers 452, a quota 552, an
 * I/O error 451, and no file is left that the failure could have spoiled; the session goes on and
 * the server serves the next upload. A real full disk is a 2 MiB tmpfs mounted for the test.
 */
class StorageFaultTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    private static byte[] bytes(int size, long seed) {
        return TransferTest.randomBytes(size, seed);
    }

    /** STORs {@code bytes} to {@code name} (after {@code commands}, such as REST) and returns the final reply. */
    private static RawClient.Reply upload(RawClient client, String command, byte[] bytes) throws IOException {
        DataSocket.expect(200, client.command("TYPE I"));
        try (Socket data = DataSocket.open(client)) {
            DataSocket.expect(150, client.command(command));
            try {
                data.getOutputStream().write(bytes);
                data.shutdownOutput();
            } catch (IOException refusedMidway) {
                // The server may close the data connection before all of it is sent.
            }
            return client.reply();
        }
    }

    private static List<String> realNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    /** Mounts a tmpfs of {@code size} at {@code at}, or skips the test where the system does not allow it. */
    private static void mountTmpfs(Path at, String size) throws IOException, InterruptedException {
        Files.createDirectories(at);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        assumeTrue(mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
                () -> "a tmpfs cannot be mounted here: " + output(mount));
    }

    private static void unmount(Path at) throws IOException, InterruptedException {
        Process umount = new ProcessBuilder("umount", at.toString()).redirectErrorStream(true).start();
        assertEquals(0, umount.waitFor(30, TimeUnit.SECONDS) ? umount.exitValue() : -1, output(umount));
    }

    private static String output(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes());
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void aFullDiskAnswers452AndLeavesEveryFileAsItWas() throws Exception {
        Path data = folder.resolve("data");
        mountTmpfs(data, "2m");
        try {
            for (UploadPolicy policy : List.of(UploadPolicy.ATOMIC_RESUMABLE, UploadPolicy.ATOMIC)) {
                try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder)
                        .withOverride("alice", new Config.UserOverride(Map.of(), null, policy)))
                        .withUser("alice", PASSWORD)) {
                    Path home = server.folder("alice");
                    byte[] old = bytes(300_000, 1);
                    Files.write(home.resolve("report.bin"), old);
                    FileStore disk = Files.getFileStore(home);
                    long free = disk.getUsableSpace();
                    try (RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
                        RawClient.Reply full = upload(client, "STOR report.bin", bytes(3 * 1024 * 1024, 2));
                        assertEquals("452 Insufficient storage space.", full.text(), policy.name());
                        RawClient.Reply appended = upload(client, "APPE report.bin", bytes(3 * 1024 * 1024, 3));
                        assertEquals(452, appended.code(), policy.name());
                        assertEquals(200, client.command("NOOP").code(), "the session goes on");
                        assertArrayEquals(old, Files.readAllBytes(home.resolve("report.bin")), policy.name());
                        assertEquals(List.of("report.bin"), realNames(home), "nothing hidden holds the space");
                        assertEquals(free, disk.getUsableSpace(), "the space is free again");

                        byte[] small = bytes(100_000, 4);
                        assertEquals(226, upload(client, "STOR small.bin", small).code(), "a file that fits");
                        assertArrayEquals(small, Files.readAllBytes(home.resolve("small.bin")));
                        Files.delete(home.resolve("small.bin"));
                        Files.delete(home.resolve("report.bin"));
                    }
                }
                Files.delete(folder.resolve("users.txt"));
            }
        } finally {
            unmount(data);
        }
    }

    static Stream<Arguments> writeErrors() {
        return Stream.of(
                Arguments.of("Disk quota exceeded", "552 Storage quota exceeded."),
                Arguments.of("Input/output error", "451 Local error; the action was not taken."),
                Arguments.of("No space left on device", "452 Insufficient storage space."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writeErrors")
    void aWriteErrorAnswersItsCodeAndLeavesNoFile(String reason, String reply) throws Exception {
        Supplier<IOException> error = () -> new FileSystemException("/real/path/big.bin", null, reason);
        StorageOpener failing = FaultyStorage.failingWritesAfter(1_000_000, error);
        try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder), failing)
                .withUser("alice", PASSWORD);
                RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            Path home = server.folder("alice");
            RawClient.Reply failed = upload(client, "STOR big.bin", bytes(4 * 1024 * 1024, 5));
            assertEquals(reply, failed.text());
            assertEquals(List.of(), realNames(home), "nothing is left of it");
            assertEquals(257, client.command("MKD after").code(), "the session goes on");
            try (RawClient next = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
                assertEquals(200, next.command("NOOP").code(), "and the server serves the next client");
            }
            assertEquals(0, server.server().internalErrors());
        }
    }

    @Test
    void aReadErrorInADownloadAnswers451AndTheSessionGoesOn() throws Exception {
        StorageOpener failing = FaultyStorage.failingReadsAfter(500_000,
                () -> new FileSystemException("/real/path", null, "Input/output error"));
        try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder), failing)
                .withUser("alice", PASSWORD);
                RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            Files.write(server.folder("alice").resolve("movie.bin"), bytes(2 * 1024 * 1024, 6));
            DataSocket.expect(200, client.command("TYPE I"));
            try (Socket data = DataSocket.open(client)) {
                DataSocket.expect(150, client.command("RETR movie.bin"));
                try (InputStream in = data.getInputStream()) {
                    in.readAllBytes();
                }
            }
            RawClient.Reply failed = client.reply();
            assertEquals("451 Local error; the action was not taken.", failed.text());
            assertEquals(200, client.command("NOOP").code());
            assertEquals(0, server.server().internalErrors());
        }
    }

    @Test
    void permissionLostMidUploadAnswers550AndTheOldFileStays() throws Exception {
        StorageOpener failing = FaultyStorage.failingWritesAfter(200_000, () -> new AccessDeniedException("/real"));
        try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder), failing)
                .withUser("alice", PASSWORD);
                RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            Path home = server.folder("alice");
            byte[] old = bytes(1000, 7);
            Files.write(home.resolve("notes.bin"), old);
            assertEquals("550 Permission denied.", upload(client, "STOR notes.bin", bytes(1024 * 1024, 8)).text());
            assertArrayEquals(old, Files.readAllBytes(home.resolve("notes.bin")));
            assertEquals(List.of("notes.bin"), realNames(home));
        }
    }
}

package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.storage.UploadNames;
import dev.loomftp.storage.UploadPolicy;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads that are cut never look finished: under {@code atomic} a STOR goes to a hidden file
 * that replaces the target only when every byte has come; under {@code atomic-resumable} a cut
 * one is kept hidden, and SIZE, REST + STOR and APPE continue it, with curl and lftp as with a
 * raw client; under {@code direct} the file is written in place, as servers always did.
 */
@ExtendWith(StopServers.class)
class AtomicUploadTest {
    private static final String PASSWORD = "alice-password";
    private static final int SIZE = 3 * 1024 * 1024;

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer start(UploadPolicy policy) throws IOException {
        return TestServer.start(folder, TestServer.Options.defaults(folder)
                .withOverride("alice", new Config.UserOverride(Map.of(), null, policy))).withUser("alice", PASSWORD);
    }

    /** An upload under way: its control and data connections, and the bytes it is to send. */
    private record Held(RawClient control, Socket data, byte[] bytes) {}

    /** Sends {@code verb name} as alice and the first {@code sent} bytes, then holds the upload. */
    private static Held startUpload(TestServer server, String verb, String name, byte[] bytes, int from, int sent)
            throws IOException {
        RawClient control = RawClient.greeted(server.address()).login("alice", PASSWORD);
        DataSocket.expect(200, control.command("TYPE I"));
        Socket data = DataSocket.open(control);
        if (from > 0) {
            DataSocket.expect(350, control.command("REST " + from));
        }
        DataSocket.expect(150, control.command(verb + " " + name));
        data.getOutputStream().write(bytes, from, sent - from);
        return new Held(control, data, bytes);
    }

    /** Cuts an upload as a client that vanishes does: the data connection reset, the control one closed. */
    private static void vanish(TestServer server, Held held) throws IOException {
        held.data().setSoLinger(true, 0);
        held.data().close();
        held.control().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server().activeSessions() == 0);
    }

    /** Finishes a held upload and checks its 226. */
    private static void finish(Held held, int from) throws IOException {
        held.data().getOutputStream().write(held.bytes(), from, held.bytes().length - from);
        held.data().close();
        DataSocket.expect(226, held.control().reply());
        held.control().close();
    }

    /** The names in a real folder, hidden ones included. */
    private static List<String> realNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    /** The one file of an upload in progress in a real folder, once it holds {@code size} bytes. */
    private static Path awaitHidden(Path folder, String prefix, long size) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Stream<Path> files = Files.list(folder)) {
                return files.filter(file -> file.getFileName().toString().startsWith(prefix))
                        .filter(file -> sizeOf(file) == size).findFirst();
            }
        }, Optional::isPresent).orElseThrow();
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<String> namesSeenBy(TestServer server) throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            return Arrays.stream(new String(DataSocket.listNames(client)).split("\r\n")).sorted().toList();
        }
    }

    @Test
    void underAtomicACutUploadLeavesTheOldFileAndNothingElse() throws Exception {
        try (TestServer server = start(UploadPolicy.ATOMIC)) {
            Path home = server.folder("alice");
            byte[] old = TransferTest.randomBytes(1000, 1);
            Files.write(home.resolve("report.bin"), old);
            byte[] next = TransferTest.randomBytes(SIZE, 2);
            Held held = startUpload(server, "STOR", "report.bin", next, 0, 1024 * 1024);
            awaitHidden(home, UploadNames.TEMPORARY, 1024 * 1024);

            assertEquals(List.of("Public", "report.bin"), namesSeenBy(server), "no listing shows the upload");
            try (RawClient reader = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
                DataSocket.expect(200, reader.command("TYPE I"));
                assertEquals("213 1000", reader.command("SIZE report.bin").text());
                assertArrayEquals(old, DataSocket.retrieve(reader, "report.bin"), "readers get the old file");
            }
            vanish(server, held);

            assertArrayEquals(old, Files.readAllBytes(home.resolve("report.bin")));
            assertEquals(List.of("report.bin"), realNames(home), "the temporary file is gone");
        }
    }

    @Test
    void underAtomicAFinishedUploadReplacesTheFileWhole() throws Exception {
        try (TestServer server = start(UploadPolicy.ATOMIC)) {
            Path home = server.folder("alice");
            Files.write(home.resolve("report.bin"), TransferTest.randomBytes(1000, 1));
            byte[] next = TransferTest.randomBytes(SIZE, 2);
            Held held = startUpload(server, "STOR", "report.bin", next, 0, 1024 * 1024);
            finish(held, 1024 * 1024);
            assertArrayEquals(next, Files.readAllBytes(home.resolve("report.bin")));
            assertEquals(List.of("report.bin"), realNames(home));
        }
    }

    @Test
    void anAbortedUploadIsDeletedUnderAtomic() throws Exception {
        try (TestServer server = start(UploadPolicy.ATOMIC)) {
            Path home = server.folder("alice");
            Held held = startUpload(server, "STOR", "new.bin", TransferTest.randomBytes(SIZE, 3), 0, 100_000);
            awaitHidden(home, UploadNames.TEMPORARY, 100_000);
            held.control().send("ABOR\r\n");
            assertEquals(426, held.control().reply().code());
            assertEquals(226, held.control().reply().code());
            held.data().close();
            assertEquals(List.of(), realNames(home), "nothing of it is left");
            held.control().close();
        }
    }

    @Test
    void underAtomicResumableACutUploadIsKeptHiddenAndRestStorFinishesIt() throws Exception {
        try (TestServer server = start(UploadPolicy.ATOMIC_RESUMABLE)) {
            Path home = server.folder("alice");
            byte[] bytes = TransferTest.randomBytes(SIZE, 4);
            Held held = startUpload(server, "STOR", "movie.bin", bytes, 0, 1_000_000);
            awaitHidden(home, UploadNames.PARTIAL, 1_000_000);
            vanish(server, held);
            assertEquals(List.of("Public"), namesSeenBy(server), "the cut upload is not listed");

            try (RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
                DataSocket.expect(200, client.command("TYPE I"));
                assertEquals("213 1000000", client.command("SIZE movie.bin").text(), "what a resume starts from");
                DataSocket.open(client).close();
                assertEquals(550, client.command("RETR movie.bin").code(), "and there is no file to download");
            }
            Held resumed = startUpload(server, "STOR", "movie.bin", bytes, 1_000_000, 2_000_000);
            finish(resumed, 2_000_000);
            assertArrayEquals(bytes, Files.readAllBytes(home.resolve("movie.bin")));
            assertEquals(List.of("movie.bin"), realNames(home), "the kept upload became the file");
        }
    }

    @Test
    void underAtomicResumableAppeContinuesAKeptUploadAndTheOldFileStaysUntilThen() throws Exception {
        try (TestServer server = start(UploadPolicy.ATOMIC_RESUMABLE)) {
            Path home = server.folder("alice");
            byte[] old = TransferTest.randomBytes(5000, 5);
            Files.write(home.resolve("backup.bin"), old);
            byte[] bytes = TransferTest.randomBytes(SIZE, 6);
            Held held = startUpload(server, "STOR", "backup.bin", bytes, 0, 700_000);
            awaitHidden(home, UploadNames.PARTIAL, 700_000);
            vanish(server, held);
            assertArrayEquals(old, Files.readAllBytes(home.resolve("backup.bin")), "the old file is whole");

            try (RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
                assertEquals("213 700000", client.command("SIZE backup.bin").text());
            }
            Held appended = startUpload(server, "APPE", "backup.bin", bytes, 0, 0);
            finish(appended, 700_000);
            assertArrayEquals(bytes, Files.readAllBytes(home.resolve("backup.bin")));
            assertEquals(List.of("backup.bin"), realNames(home));
        }
    }

    @Test
    void twoUploadsOfOneKeptFileAtOnceAreRefused() throws Exception {
        try (TestServer server = start(UploadPolicy.ATOMIC_RESUMABLE)) {
            Path home = server.folder("alice");
            byte[] bytes = TransferTest.randomBytes(SIZE, 7);
            Held first = startUpload(server, "STOR", "same.bin", bytes, 0, 100_000);
            awaitHidden(home, UploadNames.PARTIAL, 100_000);
            try (RawClient second = RawClient.greeted(server.address()).login("alice", PASSWORD);
                    Socket data = DataSocket.open(second)) {
                assertEquals(150, second.command("STOR same.bin").code());
                data.close();
                RawClient.Reply refused = second.reply();
                assertEquals(450, refused.code(), refused.text());
                assertEquals("450 Another upload of this file is running; try again later.", refused.text());
            }
            finish(first, 100_000);
            assertArrayEquals(bytes, Files.readAllBytes(home.resolve("same.bin")), "the first is not disturbed");
        }
    }

    @Test
    void underDirectACutUploadStaysAsItIs() throws Exception {
        try (TestServer server = start(UploadPolicy.DIRECT)) {
            Path home = server.folder("alice");
            Held held = startUpload(server, "STOR", "raw.bin", TransferTest.randomBytes(SIZE, 8), 0, 300_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> sizeOf(home.resolve("raw.bin")) == 300_000);
            vanish(server, held);
            assertEquals(List.of("raw.bin"), realNames(home));
            assertEquals(300_000, Files.size(home.resolve("raw.bin")));
        }
    }

    @Test
    void namesKeptForUploadsAreRefused() throws Exception {
        try (TestServer server = start(UploadPolicy.ATOMIC_RESUMABLE);
                RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            Files.writeString(server.folder("alice").resolve(".loomftp-partial-0123"), "kept");
            DataSocket.open(client).close();
            assertEquals("553 File name not allowed.", client.command("STOR .loomftp-upload-x").text());
            assertEquals("550 Invalid path.", client.command("RETR .loomftp-partial-0123").text());
            assertEquals(553, client.command("DELE .loomftp-partial-0123").code());
            assertEquals(553, client.command("RNFR .loomftp-partial-0123").code());
            assertEquals(553, client.command("MKD .loomftp-folder").code());
            assertEquals(550, client.command("SIZE /Public/../.loomftp-partial-0123").code());
            assertEquals(List.of("Public"), namesSeenBy(server));
            assertEquals(200, client.command("NOOP").code(), "the session goes on");
        }
    }

    @Test
    void leftoversOfAnEarlierRunAreRemovedAtStart() throws Exception {
        Path home = Files.createDirectories(folder.resolve("data/alice/deep"));
        Path temporary = Files.writeString(home.resolve(UploadNames.TEMPORARY + "0011"), "crashed");
        Path stale = Files.writeString(home.resolve(UploadNames.PARTIAL + "aa"), "forgotten");
        Path recent = Files.writeString(home.resolve(UploadNames.PARTIAL + "bb"), "to resume");
        Files.setLastModifiedTime(temporary, FileTime.from(Instant.now().minus(Duration.ofMinutes(1))));
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(8))));
        Files.setLastModifiedTime(recent, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        try (TestServer server = start(UploadPolicy.ATOMIC_RESUMABLE)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.notExists(temporary) && Files.notExists(stale));
            assertTrue(Files.exists(recent), "a cut upload of yesterday may still be resumed");
            assertEquals(0, server.server().internalErrors());
        }
    }

    /**
     * curl {@code -C -} asks SIZE, which tells the kept upload's size, and sends the rest with APPE.
     * (A client cut by its own timeout or Ctrl-C closes its data connection, which in FTP's stream
     * mode says that the file is whole; a kept upload comes from a connection that broke.)
     */
    @Test
    void curlResumesAKeptUploadWithDashC() throws Exception {
        ExternalClient curl = ExternalClient.require("curl", local);
        try (TestServer server = start(UploadPolicy.ATOMIC_RESUMABLE)) {
            Path home = server.folder("alice");
            Path original = FileTrees.write(local.resolve("backup.bin"), 6_000_000, 9);
            Held held = startUpload(server, "STOR", "backup.bin", Files.readAllBytes(original), 0, 2_500_000);
            awaitHidden(home, UploadNames.PARTIAL, 2_500_000);
            vanish(server, held);

            String url = "ftp://alice:" + PASSWORD + "@127.0.0.1:" + server.port() + "/backup.bin";
            ExternalClient.Result resumed = curl.run("-v", "-C", "-", "-T", original.toString(), url).assertSuccess();
            assertTrue(resumed.stderr().contains("< 213 2500000"), resumed::describe);
            assertTrue(resumed.stderr().contains("> APPE backup.bin"), resumed::describe);
            assertEquals(TransferTest.sha256(original), TransferTest.sha256(home.resolve("backup.bin")));
            assertEquals(List.of("backup.bin"), realNames(home));
        }
    }

    @Test
    void lftpResumesAKeptUploadWithPutDashC() throws Exception {
        ExternalClient lftp = ExternalClient.require("lftp", local).timeout(Duration.ofSeconds(120));
        try (TestServer server = start(UploadPolicy.ATOMIC_RESUMABLE)) {
            Path home = server.folder("alice");
            Path original = FileTrees.write(local.resolve("tree.tar"), SIZE, 10);
            byte[] bytes = Files.readAllBytes(original);
            Held held = startUpload(server, "STOR", "tree.tar", bytes, 0, 1_234_567);
            awaitHidden(home, UploadNames.PARTIAL, 1_234_567);
            vanish(server, held);

            Path debug = local.resolve("lftp-debug.log");
            lftp.run("-c", String.join("; ", "set cmd:fail-exit yes", "set net:max-retries 1", "set net:timeout 20",
                    "set ftp:ssl-allow no", "debug -o '" + debug + "' 5",
                    "open -u alice," + PASSWORD + " -p " + server.port() + " 127.0.0.1",
                    "put -c '" + original + "' -o tree.tar")).assertSuccess();
            String log = Files.readString(debug);
            assertTrue(log.contains("REST 1234567"), "lftp resumed where the kept upload ends: " + log);
            assertArrayEquals(bytes, Files.readAllBytes(home.resolve("tree.tar")));
            assertEquals(List.of("tree.tar"), realNames(home));
        }
    }
}

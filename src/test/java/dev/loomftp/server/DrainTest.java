package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drain, as SIGTERM and {@code loomftp stop} start it: new connections get 421, sessions that
 * wait for a command get 421 at once, running transfers finish whole before their session gets
 * 421, and what still runs at the end of the drain time is cut off with 426 and 421.
 */
class DrainTest {
    private static final Duration LONG_DRAIN = Duration.ofMinutes(2);

    @TempDir
    Path folder;

    private static byte[] randomFile(Path file, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Files.write(file, bytes);
        return bytes;
    }

    /**
     * Begins a drain, and runs the rest of it on a thread of its own, as the signal handler does;
     * the server stops at its end.
     */
    private static Thread drainInBackground(TestServer server, Duration grace) {
        server.server().beginDrain();
        return Thread.ofPlatform().name("test-drain").start(() -> server.server().drain(grace));
    }

    @Test
    void aDownloadFinishesWholeWhileNewConnectionsAndIdleSessionsGet421() throws Exception {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password")) {
            byte[] file = randomFile(server.folder("alice").resolve("big.bin"), 64 * 1024 * 1024);
            try (RawClient idle = RawClient.greeted(server.address()).login("alice", "alice-password");
                    RawClient busy = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                assertEquals(200, busy.command("TYPE I").code());
                try (Socket data = DataSocket.open(busy)) {
                    assertEquals(150, busy.command("RETR big.bin").code());
                    InputStream in = data.getInputStream();
                    byte[] first = in.readNBytes(HeldTransfers.HELD_AT);
                    Thread drain = drainInBackground(server, LONG_DRAIN);

                    assertEquals(421, idle.replyWithin(RawClient.PROMPTLY).code(), "an idle session ends at once");
                    assertTrue(idle.closedByServer());
                    try (RawClient late = new RawClient(server.address())) {
                        RawClient.Reply refused = late.replyWithin(RawClient.PROMPTLY);
                        assertEquals(421, refused.code());
                        assertEquals("421 The server is shutting down; try again later.", refused.text());
                        assertTrue(late.closedByServer());
                    }
                    assertTrue(drain.isAlive(), "the drain waits for the transfer");

                    byte[] rest = in.readAllBytes();
                    byte[] whole = Arrays.copyOf(first, first.length + rest.length);
                    System.arraycopy(rest, 0, whole, first.length, rest.length);
                    assertArrayEquals(file, whole);
                    assertEquals(226, busy.reply().code());
                    assertEquals(421, busy.reply().code());
                    assertTrue(busy.closedByServer());
                    drain.join(Duration.ofSeconds(10));
                    assertFalse(drain.isAlive(), "the drain ends with the last session");
                    assertFalse(server.server().isRunning());
                }
            }
        }
    }

    @Test
    void commandsSentDuringTheTransferAreNotRunAfterIt() throws Exception {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password")) {
            byte[] file = randomFile(server.folder("alice").resolve("big.bin"), 64 * 1024 * 1024);
            try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                assertEquals(200, client.command("TYPE I").code());
                try (Socket data = DataSocket.open(client)) {
                    assertEquals(150, client.command("RETR big.bin").code());
                    InputStream in = data.getInputStream();
                    byte[] first = in.readNBytes(HeldTransfers.HELD_AT);
                    client.send("DELE big.bin\r\n");
                    Thread drain = drainInBackground(server, LONG_DRAIN);
                    assertEquals(file.length - first.length, in.readAllBytes().length);
                    assertEquals(226, client.reply().code());
                    assertEquals(421, client.reply().code(), "the DELE is not run, the session ends");
                    assertTrue(client.closedByServer());
                    drain.join(Duration.ofSeconds(10));
                }
            }
            assertTrue(Files.exists(server.folder("alice").resolve("big.bin")));
        }
    }

    @Test
    void whatStillRunsWhenTheDrainTimeIsOverIsCutOffWith426And421() throws Exception {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password")) {
            randomFile(server.folder("alice").resolve("big.bin"), 64 * 1024 * 1024);
            try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                assertEquals(200, client.command("TYPE I").code());
                try (Socket data = DataSocket.open(client)) {
                    assertEquals(150, client.command("RETR big.bin").code());
                    data.getInputStream().readNBytes(HeldTransfers.HELD_AT);
                    // The client reads no more: the transfer cannot end within the drain time.
                    long started = System.nanoTime();
                    server.server().drain(Duration.ofMillis(300));
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    assertTrue(took.compareTo(TestServer.DEFAULT_STALL.dividedBy(2)) < 0, "stopped in " + took);
                    assertEquals(426, client.reply().code());
                    assertEquals(421, client.reply().code());
                    assertTrue(client.closedByServer());
                    assertEquals(0, server.server().activeSessions());
                }
            }
            try (var files = Files.list(server.folder("alice"))) {
                assertEquals(1, files.count(), "nothing but the file that was sent");
            }
        }
    }

    @Test
    void twoHundredTransfersAllFinishWholeDuringADrain() throws Exception {
        Config.Limits limits = new Config.Limits(250, 250, 1024, 3, 50, 100);
        try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder).withLimits(limits))
                .withUser("alice", "alice-password")) {
            randomFile(server.folder("alice").resolve("big.bin"), 16 * 1024 * 1024);
            try (HeldTransfers transfers = HeldTransfers.start(server, "big.bin", 100, 100, 1024 * 1024)) {
                Thread drain = drainInBackground(server, LONG_DRAIN);
                try (RawClient late = new RawClient(server.address())) {
                    assertEquals(421, late.replyWithin(RawClient.PROMPTLY).code());
                }
                transfers.finish(server.folder("alice"));
                for (RawClient control : transfers.controls()) {
                    assertEquals(421, control.reply().code());
                    assertTrue(control.closedByServer());
                }
                drain.join(Duration.ofSeconds(30));
                assertFalse(drain.isAlive());
            }
            try (var files = Files.list(server.folder("alice"))) {
                assertEquals(101, files.count(), "the download and the 100 uploads, nothing else");
            }
            assertEquals(0, server.server().internalErrors());
        }
    }
}

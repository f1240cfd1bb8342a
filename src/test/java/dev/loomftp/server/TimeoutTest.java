package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three timeouts, with short settings: an idle session is closed with 421, a data connection
 * that is not opened in time gets 425, and a transfer that stops moving gets 426 while the
 * session goes on. The stall timeout is longer than the idle one, so a 426 (not a 421) also
 * shows that the idle clock stops while a transfer runs.
 */
@ExtendWith(StopServers.class)
class TimeoutTest {
    private static final Duration IDLE = Duration.ofSeconds(1);
    private static final Duration SETUP = Duration.ofSeconds(1);
    private static final Duration STALL = Duration.ofSeconds(2);

    @TempDir
    Path folder;

    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder, new Config.Timeouts(IDLE, SETUP, STALL), TestServer.limits(10))
                .withUser("alice", "alice-password");
    }


    @Test
    void anIdleSessionIsClosedWith421() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            long started = System.nanoTime();
            RawClient.Reply reply = client.reply();
            assertEquals(421, reply.code(), reply.text());
            assertTrue(elapsed(started).compareTo(IDLE.minusMillis(100)) >= 0, "not before the idle timeout");
            assertTrue(client.closedByServer());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.server().activeSessions() == 0);
    }

    /**
     * The idle time limit counts for a whole command, not for each read: a client that sends a
     * byte at a time, never a line end, is still cut off.
     */
    @Test
    void aCommandSentAByteAtATimeDoesNotKeepASessionPastTheIdleTimeout() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            long started = System.nanoTime();
            RawClient.Reply reply = null;
            while (reply == null) {
                assertTrue(elapsed(started).compareTo(IDLE.multipliedBy(3)) < 0, "still open after 3 idle times");
                client.send("N");
                try {
                    reply = client.replyWithin(IDLE.dividedBy(4));
                } catch (SocketTimeoutException e) {
                    // No reply yet: the next byte.
                }
            }
            assertEquals(421, reply.code(), reply.text());
            assertTrue(elapsed(started).compareTo(IDLE.minusMillis(100)) >= 0, "not before the idle timeout");
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void commandsKeepASessionAlive() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            long started = System.nanoTime();
            while (elapsed(started).compareTo(IDLE.multipliedBy(2)) < 0) {
                assertEquals(200, client.command("NOOP").code());
            }
        }
    }

    @Test
    void aPassiveConnectionNotOpenedInTimeGets425() throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(227, client.command("PASV").code());
            assertEquals(1, server.server().openPassiveListeners());
            assertEquals(150, client.command("LIST").code());
            assertEquals(425, client.reply().code());
            await().atMost(Duration.ofSeconds(5)).until(() -> server.server().openPassiveListeners() == 0);
            assertEquals(200, client.command("NOOP").code(), "the session goes on");
        }
    }

    @Test
    void anUploadWhoseDataConnectionNeverOpensLeavesTheFileAsItWas() throws IOException {
        java.nio.file.Path file = server.folder("alice").resolve("precious.txt");
        java.nio.file.Files.writeString(file, "keep me");
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(227, client.command("PASV").code());
            assertEquals(150, client.command("STOR precious.txt").code());
            assertEquals(425, client.reply().code());
        }
        assertEquals("keep me", java.nio.file.Files.readString(file));
    }

    @Test
    void anActiveConnectionThatIsRefusedGets425() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, server.address().getAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(200, client.command("EPRT |1|127.0.0.1|" + closedPort + "|").code());
            assertEquals(150, client.command("NLST").code());
            assertEquals(425, client.reply().code());
            assertEquals(200, client.command("NOOP").code());
        }
    }

    @Test
    void anUploadThatStopsSendingGets426AndTheSessionGoesOn() throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password");
                Socket data = DataSocket.open(client)) {
            assertEquals(150, client.command("STOR silent.bin").code());
            data.getOutputStream().write(new byte[100]);
            RawClient.Reply reply = client.reply();
            assertEquals(426, reply.code(), reply.text());
            assertEquals(200, client.command("NOOP").code(), "the control connection stays usable");
        }
    }

    @Test
    void aDownloadThatIsNotReadGets426AndTheSessionGoesOn() throws IOException {
        try (RandomAccessFile sparse = new RandomAccessFile(server.folder("alice").resolve("big.bin").toFile(), "rw")) {
            sparse.setLength(256L * 1024 * 1024);
        }
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(200, client.command("TYPE I").code());
            try (Socket data = DataSocket.open(client)) {
                assertEquals(150, client.command("RETR big.bin").code());
                RawClient.Reply reply = client.reply();
                assertEquals(426, reply.code(), reply.text());
            }
            assertEquals(200, client.command("NOOP").code());
        }
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}

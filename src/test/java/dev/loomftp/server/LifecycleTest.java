package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.equalTo;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session limits, and a server that stops cleanly however busy it is. */
class LifecycleTest {
    private static final Config.Timeouts TIMEOUTS =
            new Config.Timeouts(TestServer.DEFAULT_IDLE, TestServer.DEFAULT_SETUP, TestServer.DEFAULT_STALL);

    @TempDir
    Path folder;

    @Test
    void stoppingTheServerEndsEverySessionWith421() throws IOException {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password");
                RawClient idle = RawClient.greeted(server.address());
                RawClient busy = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(227, busy.command("PASV").code());
            await().atMost(Duration.ofSeconds(5)).until(() -> server.server().activeSessions() == 2);
            server.server().close();
            assertEquals(421, idle.reply().code());
            assertEquals(421, busy.reply().code());
            assertTrue(idle.closedByServer());
            assertTrue(busy.closedByServer());
            assertEquals(0, server.server().activeSessions());
            assertEquals(0, server.server().openPassiveListeners(), "the unused PASV listener is closed");
        }
    }

    /**
     * Between commands a session is one virtual thread, parked in its own read of the control
     * connection. A transfer's control reader reads on after the transfer until the next command
     * (a blocked read cannot be stopped without closing the socket), then ends.
     */
    @Test
    void anIdleSessionIsOneThreadAndATransfersReaderEndsAfterTheNextCommand() throws IOException {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password")) {
            FTPClient client = new FTPClient();
            client.connect(server.address().getAddress(), server.port());
            assertTrue(client.login("alice", "alice-password"), client.getReplyString());
            await().atMost(Duration.ofSeconds(5)).until(LifecycleTest::sessionThreads,
                    equalTo(List.of("loomftp-session-")));
            client.enterLocalPassiveMode();
            assertEquals(List.of("Public"), List.of(client.listNames()));
            await().atMost(Duration.ofSeconds(5)).until(LifecycleTest::sessionThreads,
                    equalTo(List.of("loomftp-control-", "loomftp-session-")));
            assertTrue(client.sendNoOp(), client.getReplyString());
            await().atMost(Duration.ofSeconds(5)).until(LifecycleTest::sessionThreads,
                    equalTo(List.of("loomftp-session-")));
            assertTrue(client.sendNoOp(), client.getReplyString());
            client.disconnect();
        }
    }

    /** The server's threads but its acceptor, without their numbers, sorted. */
    private static List<String> sessionThreads() {
        return TestServer.serverThreads().stream()
                .filter(name -> !name.equals("loomftp-acceptor"))
                .map(name -> name.replaceAll("[0-9]+$", ""))
                .sorted()
                .toList();
    }

    /**
     * A download to a client that reads no more waits for room in the socket; stopping the server
     * ends that wait at once, not at the stall timeout, and leaves no thread behind.
     */
    @Test
    void stoppingTheServerEndsATransferThatWaitsForTheClient() throws IOException {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password")) {
            try (RandomAccessFile big = new RandomAccessFile(server.folder("alice").resolve("big.bin").toFile(), "rw")) {
                big.setLength(256L * 1024 * 1024);
            }
            try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                assertEquals(200, client.command("TYPE I").code());
                try (Socket data = DataSocket.open(client)) {
                    assertEquals(150, client.command("RETR big.bin").code());
                    data.getInputStream().readNBytes(64 * 1024);
                    long started = System.nanoTime();
                    server.server().close();
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    assertTrue(took.compareTo(TestServer.DEFAULT_STALL.dividedBy(2)) < 0, "stopped in " + took);
                    assertEquals(426, client.reply().code(), "the transfer is cut off");
                    assertEquals(421, client.reply().code());
                    assertTrue(client.closedByServer());
                    assertEquals(0, server.server().activeSessions());
                }
            }
        }
    }

    @Test
    void aPassiveListenerIsClosedWhenTheSessionEndsOrItIsReplaced() throws IOException {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password")) {
            try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                assertEquals(227, client.command("PASV").code());
                assertEquals(229, client.command("EPSV").code());
                assertEquals(1, server.server().openPassiveListeners(), "the second replaces the first");
                assertEquals(221, client.command("QUIT").code());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.server().openPassiveListeners() == 0);
        }
    }

    @Test
    void connectionsOverTheLimitForOneAddressGet421() throws IOException {
        Config.Limits limits = new Config.Limits(10, 2, 1024, 3, 50, 100);
        try (TestServer server = TestServer.start(folder, TIMEOUTS, limits);
                RawClient first = RawClient.greeted(server.address());
                RawClient second = RawClient.greeted(server.address())) {
            try (RawClient third = new RawClient(server.address())) {
                assertEquals(421, third.reply().code());
                assertTrue(third.closedByServer());
            }
            assertEquals(221, first.command("QUIT").code());
            await().atMost(Duration.ofSeconds(5)).until(() -> server.server().activeSessions() == 1);
            try (RawClient fourth = RawClient.greeted(server.address())) {
                assertEquals(200, fourth.command("NOOP").code(), "a freed slot is used again");
            }
        }
    }

    @Test
    void connectionsOverTheTotalLimitGet421UntilASessionEnds() throws IOException {
        Config.Limits limits = new Config.Limits(2, 2, 1024, 3, 50, 100);
        try (TestServer server = TestServer.start(folder, TIMEOUTS, limits);
                RawClient first = RawClient.greeted(server.address());
                RawClient second = RawClient.greeted(server.address())) {
            try (RawClient third = new RawClient(server.address())) {
                assertEquals(421, third.reply().code());
                assertTrue(third.closedByServer());
            }
            assertEquals(200, second.command("NOOP").code());
            assertEquals(221, first.command("QUIT").code());
            await().atMost(Duration.ofSeconds(5)).until(() -> server.server().activeSessions() == 1);
            try (RawClient fourth = RawClient.greeted(server.address())) {
                assertEquals(200, fourth.command("NOOP").code(), "a freed session is used again");
            }
        }
    }
}

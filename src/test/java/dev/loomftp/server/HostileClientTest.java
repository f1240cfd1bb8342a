package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that mean harm: password guessing, command floods, connection floods and clients that
 * send a line a byte at a time. Each gets a clear reply and, after it, a new client is served.
 */
@ExtendWith(StopServers.class)
class HostileClientTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    private TestServer server;
    private final List<RawClient> openClients = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        try (RawClient next = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            assertEquals(257, next.command("PWD").code(), "a new client is served afterwards");
        } finally {
            }
    }

    @Test
    void failedLoginsAreSlowedDownThenTheAddressIsBanned() throws IOException {
        Config.Logins logins = new Config.Logins(Duration.ofMillis(100), Duration.ofMillis(200), 4, Duration.ofSeconds(2));
        start(TestServer.Options.defaults(folder).withLogins(logins));
        try (RawClient guesser = RawClient.greeted(server.address())) {
            List<Long> waits = new ArrayList<>();
            for (int attempt = 1; attempt <= 2; attempt++) {
                guesser.command("USER alice");
                long started = System.nanoTime();
                assertEquals(530, guesser.command("PASS guess-" + attempt).code());
                waits.add((System.nanoTime() - started) / 1_000_000);
            }
            assertTrue(waits.get(0) >= 100 && waits.get(1) >= 200, "the wait grows: " + waits);
        }
        try (RawClient again = RawClient.greeted(server.address())) {
            again.command("USER alice");
            assertEquals(530, again.command("PASS guess-3").code(), "failures count across connections");
            again.command("USER alice");
            assertEquals(421, again.command("PASS guess-4").code(), "the fourth failure bans the address");
        }
        try (RawClient banned = new RawClient(server.address())) {
            assertEquals(421, banned.reply().code(), "a banned address is refused at once");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (RawClient later = new RawClient(server.address())) {
                return later.reply().code() == 220;
            }
        });
    }

    @Test
    void aGoodLoginClearsTheFailures() throws IOException {
        Config.Logins logins = new Config.Logins(Duration.ofMillis(1), Duration.ofMillis(1), 3, Duration.ofMinutes(5));
        start(TestServer.Options.defaults(folder).withLogins(logins));
        for (int round = 0; round < 3; round++) {
            try (RawClient client = RawClient.greeted(server.address())) {
                client.command("USER alice");
                assertEquals(530, client.command("PASS wrong").code());
                client.command("USER alice");
                assertEquals(530, client.command("PASS wrong again").code());
                client.login("alice", PASSWORD);
            }
        }
    }

    @Test
    void tooManyFailedCommandsInARowCloseTheConnection() throws IOException {
        start(TestServer.Options.defaults(folder));
        try (RawClient client = RawClient.greeted(server.address())) {
            for (int i = 1; i < 50; i++) {
                assertEquals(500, client.command("JUNK " + i).code());
            }
            assertEquals(200, client.command("NOOP").code(), "a good command starts the count again");
            for (int i = 1; i < 50; i++) {
                assertEquals(500, client.command("JUNK " + i).code());
            }
            client.send("JUNK 50\r\n");
            assertEquals(500, client.reply().code());
            assertEquals(421, client.reply().code());
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void aDataConnectionFromAnotherAddressIsDroppedAndTheRealClientIsServed() throws IOException {
        start(TestServer.Options.defaults(folder));
        java.nio.file.Files.writeString(server.folder("alice").resolve("file.txt"), "for alice only");
        try (RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            RawClient.Reply passive = client.command("EPSV");
            int port = Integer.parseInt(passive.text().replaceAll(".*\\(\\|\\|\\|(\\d+)\\|\\).*", "$1"));
            try (java.net.Socket thief = new java.net.Socket()) {
                thief.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
                thief.connect(new java.net.InetSocketAddress(server.address().getAddress(), port), 5000);
                thief.setSoTimeout(10_000);
                try (java.net.Socket real = new java.net.Socket(server.address().getAddress(), port)) {
                    assertEquals(150, client.command("RETR file.txt").code());
                    assertEquals("for alice only", new String(real.getInputStream().readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8));
                    assertEquals(226, client.reply().code());
                }
                assertEquals(-1, thief.getInputStream().read(), "the thief got nothing and was dropped");
            }
        }
    }

    @Test
    void aPassiveFloodHoldsOneListenerPerSession() throws IOException {
        start(TestServer.Options.defaults(folder));
        try (RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            for (int i = 0; i < 500; i++) {
                assertEquals(227, client.command("PASV").code());
            }
            assertEquals(1, server.server().openPassiveListeners(), "each PASV closes the one before");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.server().openPassiveListeners() == 0);
    }

    @Test
    void twoThousandConnectionsFromOneAddressAreRefusedPastTheLimit() throws IOException {
        start(TestServer.Options.defaults(folder).withLimits(new Config.Limits(500, 50, 1024, 3, 50, 100)));
        try {
            int refused = 0;
            for (int i = 0; i < 2000; i++) {
                RawClient client = new RawClient(server.address());
                int code = client.reply().code();
                if (code == 421) {
                    refused++;
                    client.close();
                } else {
                    assertEquals(220, code);
                    openClients.add(client);
                }
            }
            assertEquals(1950, refused);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.server().activeSessions() == 50);
        } finally {
            for (RawClient client : openClients) {
                client.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server().activeSessions() == 0);
    }

    @Test
    void aLineThatIsNeverFinishedDoesNotHoldTheSessionPastTheIdleTimeout() throws IOException {
        Config.Timeouts timeouts = new Config.Timeouts(Duration.ofSeconds(1), TestServer.DEFAULT_SETUP,
                TestServer.DEFAULT_STALL);
        start(TestServer.Options.defaults(folder).withTimeouts(timeouts));
        try (RawClient slow = RawClient.greeted(server.address())) {
            slow.send("N");
            slow.send("O");
            assertEquals(421, slow.reply().code(), "a line must be complete within the idle timeout");
        }
    }

    private void start(TestServer.Options options) throws IOException {
        server = TestServer.start(folder, options).withUser("alice", PASSWORD);
    }
}

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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bandwidth limits hold within 5 % over 10 s, up and down, for one user's sessions together and
 * for the whole server; a user without a limit is not slowed by one who has one. (The limits
 * themselves are what is timed here: each transfer is sized to take 10 s at its rate, far below
 * what loopback carries.)
 */
class BandwidthTest {
    private static final long MIB = 1024 * 1024;
    private static final double TOLERANCE = 0.05;

    @TempDir
    Path folder;

    /** A finished transfer: its bytes, and how long they took, from the first to the last. */
    private record Timed(byte[] bytes, Duration took) {
        double rate() {
            return bytes.length / (took.toNanos() / 1e9);
        }
    }

    private static Timed download(TestServer server, String user, String name) throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login(user, user + "-password")) {
            DataSocket.expect(200, client.command("TYPE I"));
            try (Socket data = DataSocket.open(client)) {
                DataSocket.expect(150, client.command("RETR " + name));
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                long started;
                try (InputStream in = data.getInputStream()) {
                    int first = in.read();
                    started = System.nanoTime();
                    bytes.write(first);
                    in.transferTo(bytes);
                }
                long took = System.nanoTime() - started;
                DataSocket.expect(226, client.reply());
                return new Timed(bytes.toByteArray(), Duration.ofNanos(took));
            }
        }
    }

    private static Timed upload(TestServer server, String user, String name, byte[] bytes) throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login(user, user + "-password")) {
            DataSocket.expect(200, client.command("TYPE I"));
            try (Socket data = DataSocket.open(client)) {
                long started = System.nanoTime();
                DataSocket.expect(150, client.command("STOR " + name));
                data.getOutputStream().write(bytes);
                data.shutdownOutput();
                DataSocket.expect(226, client.reply());
                return new Timed(bytes, Duration.ofNanos(System.nanoTime() - started));
            }
        }
    }

    private static void assertRate(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= expected * TOLERANCE,
                what + ": " + Math.round(actual) + " bytes/s against " + Math.round(expected));
    }

    private static TestServer start(Path folder, Config.Bandwidth bandwidth, Map<String, Config.UserOverride> overrides)
            throws IOException {
        Config.Limits limits = new Config.Limits(20, 20, 1024, 3, 50, 100, bandwidth);
        TestServer.Options options = TestServer.Options.defaults(folder).withLimits(limits);
        for (Map.Entry<String, Config.UserOverride> override : overrides.entrySet()) {
            options = options.withOverride(override.getKey(), override.getValue());
        }
        return TestServer.start(folder, options).withUser("alice", "alice-password").withUser("bob", "bob-password");
    }

    @Test
    void aUsersLimitHoldsUpAndDownAndAnotherUserGoesAtFullSpeed() throws Exception {
        Config.Bandwidth everyUser = new Config.Bandwidth(Config.Rates.UNLIMITED, new Config.Rates(MIB, 2 * MIB));
        Config.UserOverride bobUnlimited = new Config.UserOverride(Map.of(), null, null, Map.of(), Config.Rates.UNLIMITED);
        try (TestServer server = start(folder, everyUser, Map.of("bob", bobUnlimited));
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            byte[] down = TransferTest.randomBytes((int) (20 * MIB), 1);
            byte[] up = TransferTest.randomBytes((int) (10 * MIB), 2);
            byte[] big = TransferTest.randomBytes((int) (100 * MIB), 3);
            Files.write(server.folder("alice").resolve("down.bin"), down);
            Files.write(server.folder("bob").resolve("big.bin"), big);

            Future<Timed> aliceDown = clients.submit(() -> download(server, "alice", "down.bin"));
            Future<Timed> aliceUp = clients.submit(() -> upload(server, "alice", "up.bin", up));
            Future<Timed> bobDown = clients.submit(() -> download(server, "bob", "big.bin"));

            Timed bob = bobDown.get();
            assertArrayEquals(big, bob.bytes());
            assertTrue(bob.took().compareTo(Duration.ofSeconds(5)) < 0, "bob, unlimited, took " + bob.took());
            assertFalse(aliceDown.isDone(), "alice's download still runs when bob's 100 MiB are done");

            Timed downloaded = aliceDown.get();
            assertArrayEquals(down, downloaded.bytes());
            assertRate(2 * MIB, downloaded.rate(), "alice's download");
            Timed uploaded = aliceUp.get();
            assertRate(MIB, uploaded.rate(), "alice's upload");
            assertArrayEquals(up, Files.readAllBytes(server.folder("alice").resolve("up.bin")));
        }
    }

    @Test
    void theServersLimitIsSharedByEveryone() throws Exception {
        Config.Bandwidth server4 = new Config.Bandwidth(new Config.Rates(Config.Rates.NO_LIMIT, 4 * MIB),
                Config.Rates.UNLIMITED);
        try (TestServer server = start(folder, server4, Map.of());
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            byte[] file = TransferTest.randomBytes((int) (20 * MIB), 4);
            Files.write(server.folder("alice").resolve("a.bin"), file);
            Files.write(server.folder("bob").resolve("b.bin"), file);
            long started = System.nanoTime();
            Future<Timed> alice = clients.submit(() -> download(server, "alice", "a.bin"));
            Future<Timed> bob = clients.submit(() -> download(server, "bob", "b.bin"));
            assertArrayEquals(file, alice.get().bytes());
            assertArrayEquals(file, bob.get().bytes());
            double together = 2.0 * file.length / ((System.nanoTime() - started) / 1e9);
            assertRate(4 * MIB, together, "both downloads together");
            assertEquals(1.0, alice.get().rate() / bob.get().rate(), 0.15, "each gets about half");
        }
    }
}

package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that vanishes in the middle of a download (its connections reset, as when its
 * machine drops off the network): the session ends, nothing it started is left (no thread, no
 * passive listener), the file is as it was, the transfer log says the download was cut, and
 * the next client is served.
 */
class VanishingClientTest {
    @TempDir
    Path folder;

    @Test
    void aClientThatVanishesMidDownloadLeavesNothingBehind() throws Exception {
        Path xferlog = folder.resolve("logs/xferlog");
        try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder)
                .withLogging(new Config.Logging(Config.Level.INFO, null, xferlog, null)))
                .withUser("alice", "alice-password")) {
            byte[] content = TransferTest.randomBytes(32 * 1024 * 1024, 7);
            Path file = server.folder("alice").resolve("movie.bin");
            Files.write(file, content);
            for (int round = 0; round < 5; round++) {
                RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password");
                DataSocket.expect(200, client.command("TYPE I"));
                Socket data = DataSocket.open(client);
                DataSocket.expect(150, client.command("RETR movie.bin"));
                data.getInputStream().readNBytes(1024 * 1024);
                data.setSoLinger(true, 0);
                data.close();
                client.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> server.server().activeSessions() == 0);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> TestServer.serverThreads().stream()
                    .allMatch(name -> name.equals("loomftp-acceptor") || name.equals("loomftp-sweep")));
            assertEquals(0, server.server().openPassiveListeners());
            assertArrayEquals(content, Files.readAllBytes(file), "the file is as it was");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(xferlog)
                    && Files.readAllLines(xferlog).size() == 5);
            List<String> lines = Files.readAllLines(xferlog);
            assertTrue(lines.stream().allMatch(line -> line.endsWith(" i")), "each was cut short: " + lines);
            try (RawClient next = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                DataSocket.expect(200, next.command("TYPE I"));
                assertArrayEquals(content, DataSocket.retrieve(next, "movie.bin"), "the next client is served");
            }
            assertEquals(0, server.server().internalErrors());
        }
    }
}

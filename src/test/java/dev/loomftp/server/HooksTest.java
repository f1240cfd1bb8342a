package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.loomftp.config.Config;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hooks as real programs and a real HTTP receiver see them: a command gets the event in
 * LOOMFTP_ variables, a URL gets it as JSON and is tried again when it fails, and a hook that
 * hangs is killed at its timeout while the session goes on at once.
 */
class HooksTest {
    private static final String PASSWORD = "alice-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private TestServer start(Config.Hook... hooks) throws IOException {
        return TestServer.start(folder, TestServer.Options.defaults(folder)
                .withHooks(new Config.Hooks(4, 100, List.of(hooks)))).withUser("alice", PASSWORD);
    }

    private static RawClient.Reply upload(RawClient client, String name, byte[] bytes) throws IOException {
        DataSocket.expect(200, client.command("TYPE I"));
        try (Socket data = DataSocket.open(client)) {
            DataSocket.expect(150, client.command("STOR " + name));
            data.getOutputStream().write(bytes);
            data.shutdownOutput();
            return client.reply();
        }
    }

    /** A command that appends its event's variables to a file, one line per event. */
    private Config.Hook recorder(Path log, Set<String> events) {
        return new Config.Hook(events, List.of("/bin/sh", "-c",
                "echo \"$LOOMFTP_EVENT|$LOOMFTP_USER|$LOOMFTP_PATH|$LOOMFTP_TARGET|$LOOMFTP_BYTES|$LOOMFTP_REMOTE\" >> "
                        + "\"$0\"", log.toString()), null, Duration.ofSeconds(10), 0);
    }

    @Test
    void aCommandGetsEachEventInItsVariables() throws Exception {
        Path log = folder.resolve("events.log");
        try (TestServer server = start(recorder(log,
                Set.of("upload", "download", "login", "login-failed", "delete", "rename", "mkdir")));
                RawClient client = RawClient.greeted(server.address())) {
            client.command("USER alice");
            assertEquals(530, client.command("PASS wrong").code());
            client.login("alice", PASSWORD);
            assertEquals(226, upload(client, "report.pdf", new byte[1234]).code());
            assertEquals(1234, DataSocket.retrieve(client, "report.pdf").length);
            assertEquals(350, client.command("RNFR report.pdf").code());
            assertEquals(250, client.command("RNTO final.pdf").code());
            assertEquals(257, client.command("MKD archive").code());
            assertEquals(250, client.command("DELE final.pdf").code());

            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(log) && Files.readAllLines(log).size() == 7);
            assertEquals(Set.of(
                    "login-failed|alice||||127.0.0.1",
                    "login|alice||||127.0.0.1",
                    "upload|alice|/report.pdf||1234|127.0.0.1",
                    "download|alice|/report.pdf||1234|127.0.0.1",
                    "rename|alice|/report.pdf|/final.pdf||127.0.0.1",
                    "mkdir|alice|/archive|||127.0.0.1",
                    "delete|alice|/final.pdf|||127.0.0.1"), Set.copyOf(Files.readAllLines(log)));
        }
    }

    @Test
    void aUrlGetsJsonAndIsTriedAgainWhenItFails() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/events", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (attempts.incrementAndGet() < 3) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                received.add(JSON.readTree(body));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        receiver.start();
        try (TestServer server = start(new Config.Hook(Set.of("upload"), null,
                URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/events"), Duration.ofSeconds(5), 2));
                RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            assertEquals(226, upload(client, "data.csv", new byte[42]).code());
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
            JsonNode event = received.getFirst();
            assertEquals("upload", event.get("event").asText());
            assertEquals("alice", event.get("user").asText());
            assertEquals("/data.csv", event.get("path").asText());
            assertEquals(42, event.get("bytes").asLong());
            assertEquals("STOR", event.get("command").asText());
            assertTrue(event.get("session").isNumber());
            assertEquals(3, attempts.get(), "two failures, then the third try");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aHookThatHangsIsKilledAndNeverHoldsUpTheSession() throws Exception {
        Path started = folder.resolve("started");
        Config.Hook hanging = new Config.Hook(Set.of("upload"), List.of("/bin/sh", "-c",
                "echo started >> \"$0\"; exec sleep 600", started.toString()), null, Duration.ofMillis(500), 0);
        try (TestServer server = start(hanging);
                RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            for (int i = 0; i < 20; i++) {
                long before = System.nanoTime();
                assertEquals(226, upload(client, "file-" + i, new byte[100]).code());
                assertTrue(Duration.ofNanos(System.nanoTime() - before).compareTo(Duration.ofSeconds(5)) < 0,
                        "the upload's 226 does not wait for its hook");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started)
                    && Files.readAllLines(started).size() == 20);
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.current().descendants()
                    .noneMatch(process -> process.info().commandLine().orElse("").contains("sleep 600")));
            assertEquals(200, client.command("NOOP").code());
        }
    }

    @Test
    void eventsPastTheQueueAreDroppedAndTheServerGoesOn() throws Exception {
        Path started = folder.resolve("started");
        Config.Hook slow = new Config.Hook(Set.of("mkdir"), List.of("/bin/sh", "-c",
                "echo started >> \"$0\"; exec sleep 2", started.toString()), null, Duration.ofSeconds(10), 0);
        try (TestServer server = TestServer.start(folder, TestServer.Options.defaults(folder)
                .withHooks(new Config.Hooks(1, 2, List.of(slow)))).withUser("alice", PASSWORD);
                RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            for (int i = 0; i < 10; i++) {
                assertEquals(257, client.command("MKD folder-" + i).code());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started)
                    && Files.readAllLines(started).size() == 3);
            assertEquals(3, Files.readAllLines(started).size(), "one ran, two waited, the rest were dropped");
            assertEquals(200, client.command("NOOP").code());
        }
    }
}

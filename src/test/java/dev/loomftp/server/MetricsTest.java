package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint: off unless configured; when on, {@code /metrics} counts what real
 * clients did (sessions, logins, transfers and bytes, replies by code, bans) in a text that
 * {@code promtool check metrics} accepts, and that this test parses line by line too.
 */
class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("([a-z_]+(?:\\{[^}]*\\})?) ([-+0-9.eE]+|\\+Inf|NaN)");

    @TempDir
    Path folder;

    private TestServer start() throws IOException {
        Config.Logins quickBan = new Config.Logins(Duration.ofMillis(1), Duration.ofMillis(2), 2, Duration.ofMinutes(1));
        return TestServer.start(folder, TestServer.Options.defaults(folder).withLogins(quickBan)
                .withMetrics(new Config.Metrics(new Config.Listener("127.0.0.1", 0)))).withUser("alice", "alice-password");
    }

    /** An HTTP answer: its status, its Content-Type, its body. */
    private record Response(int status, String contentType, String body) {}

    /** A plain HTTP/1.1 GET over a socket, as a scraper sends it. */
    private static Response get(TestServer server, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server().metricsAddress().orElseThrow().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            String[] head = answer.substring(0, end).split("\r\n");
            String contentType = "";
            for (String header : head) {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
                    contentType = header.substring("content-type:".length()).strip();
                }
            }
            return new Response(Integer.parseInt(head[0].split(" ")[1]), contentType, answer.substring(end + 4));
        }
    }

    /** Every sample line, by series, each line checked for the text format's shape. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line);
            assertTrue(matcher.matches(), "not a sample line: " + line);
            assertEquals(null, samples.put(matcher.group(1), Double.parseDouble(matcher.group(2))), "twice: " + line);
        }
        return samples;
    }

    @Test
    void theEndpointIsOffByDefault() throws IOException {
        try (TestServer server = TestServer.start(folder)) {
            assertTrue(server.server().metricsAddress().isEmpty());
        }
    }

    @Test
    void clientsActivityIsCountedInAValidExposition() throws Exception {
        try (TestServer server = start()) {
            Files.write(server.folder("alice").resolve("a.bin"), new byte[123_456]);
            try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
                DataSocket.expect(200, client.command("TYPE I"));
                assertEquals(123_456, DataSocket.retrieve(client, "a.bin").length);
                assertEquals(500, client.command("BOGUS").code());
            }
            try (RawClient guesser = RawClient.greeted(server.address())) {
                guesser.command("USER alice");
                assertEquals(530, guesser.command("PASS wrong-1").code());
                guesser.command("USER alice");
                assertEquals(421, guesser.command("PASS wrong-2").code());
            }

            Response response = get(server, "/metrics");
            assertEquals(200, response.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", response.contentType());
            Map<String, Double> samples = samples(response.body());
            assertEquals(2.0, samples.get("loomftp_sessions_total"));
            assertEquals(1.0, samples.get("loomftp_logins_total{result=\"ok\"}"));
            assertEquals(2.0, samples.get("loomftp_logins_total{result=\"failed\"}"));
            assertEquals(1.0, samples.get("loomftp_bans_total"));
            assertEquals(1.0, samples.get("loomftp_transfers_total{direction=\"download\",result=\"ok\"}"));
            assertEquals(123_456.0, samples.get("loomftp_transfer_bytes_total{direction=\"download\"}"));
            assertEquals(1.0, samples.get("loomftp_transfer_duration_seconds_count{direction=\"download\"}"));
            assertEquals(1.0, samples.get("loomftp_transfer_duration_seconds_bucket{direction=\"download\",le=\"+Inf\"}"));
            assertEquals(1.0, samples.get("loomftp_replies_total{code=\"500\"}"));
            assertEquals(1.0, samples.get("loomftp_replies_total{code=\"226\"}"));
            assertEquals(2.0, samples.get("loomftp_replies_total{code=\"220\"}"));
            assertTrue(samples.get("jvm_memory_used_bytes{area=\"heap\"}") > 0);
            assertTrue(samples.get("process_open_fds") > 0);
            assertTrue(samples.containsKey("jvm_threads_virtual_mounted"));

            assertEquals(404, get(server, "/").status());
            assertEquals(404, get(server, "/metrics/../etc").status());
            promtoolAccepts(response.body());
        }
    }

    /** {@code promtool check metrics}, Prometheus' own linter, where it is installed. */
    private void promtoolAccepts(String exposition) throws Exception {
        ExternalClient.require("promtool", folder);
        Process check = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), output);
        assertEquals("", output.strip(), "no lint warning");
    }
}

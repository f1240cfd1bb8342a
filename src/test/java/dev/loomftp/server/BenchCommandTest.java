package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomftp.config.Config;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code loomftp bench} against a real server over real sockets, plain and over FTPS: every
 * scenario runs without an error and reports what it did, its files are gone afterwards, and each
 * bad command line or unreachable server ends with a clear line and its exit code.
 */
@ExtendWith(StopServers.class)
class BenchCommandTest {
    private static final String PASSWORD = "bench-password-1";
    private static final int FILES_LISTED = 150;

    @TempDir
    Path folder;

    private TestServer server;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyScenarioRunsAndReportsWhatItDid(boolean tls) throws Exception {
        start(tls);
        Path home = server.folder("bench");
        Path listed = Files.createDirectories(home.resolve("listed"));
        for (int i = 0; i < FILES_LISTED; i++) {
            Files.writeString(listed.resolve("file-" + i + ".txt"), "entry " + i);
        }
        List<String> security = tls ? List.of("--fingerprint", TestServer.fingerprint(folder)) : List.of();

        Map<String, JsonNode> work = bench(security, "login,small,stor,retr,idle", "", "--logins", "40",
                "--clients", "6", "--files", "5", "--small-size", "64K", "--size", "3M", "--sessions", "10,30");
        assertEquals(40, work.get("login").path("operations").asInt());
        assertEquals(30, work.get("small").path("operations").asInt(), "6 clients x 5 files");
        assertTrue(work.get("small").path("value").asDouble() > 0);
        assertEquals(3L << 20, work.get("retr").path("figures").path("fileBytes").asLong());
        assertTrue(work.get("stor").path("value").asDouble() > 0);
        assertEquals(30, work.get("idle").path("figures").path("sessionsHeld").asInt());
        assertTrue(work.get("idle").path("figures").path("serverKibAt10").asDouble() > 0,
                "the memory of the server's process, which is this one");
        assertTrue(work.get("idle").path("figures").path("serverKibAt30").asDouble() > 0);
        try (Stream<Path> left = Files.list(home)) {
            assertEquals(List.of("listed"), left.map(p -> p.getFileName().toString()).toList(),
                    "the benchmark's files are deleted at the end");
        }

        Map<String, JsonNode> listings = bench(security, "list,nlst,mlsd", "listed");
        assertEquals(FILES_LISTED, listings.get("list").path("figures").path("entries").asInt());
        assertEquals(FILES_LISTED, listings.get("nlst").path("figures").path("entries").asInt());
        assertEquals(FILES_LISTED, listings.get("mlsd").path("figures").path("entries").asInt());
        assertTrue(listings.get("mlsd").path("figures").path("serverPeakKib").asDouble() > 0);
        assertTrue(listings.get("mlsd").path("figures").has("serverGrowthKib"));
        listings.values().forEach(result -> assertEquals(tls, result.path("tls").asBoolean()));
    }

    @Test
    void aFolderThatIsNotThereIsCountedAsAnErrorWithTheServersReply() throws Exception {
        start(false);
        ClientRunner.Run run = run(List.of("ftp://bench@127.0.0.1:" + server.port() + "/missing", "--scenario",
                "nlst", "--rounds", "2"));
        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.out().lines().anyMatch(line -> line.startsWith("nlst") && line.contains("first error:")
                && line.contains("550")), run.describe());
        server.login("bench", PASSWORD).logout();
    }

    @Test
    void aScenarioThatOutrunsItsTimeLimitIsStoppedAndTheServerServesOn() throws Exception {
        start(false);
        ClientRunner.Run run = run(List.of("ftp://bench@127.0.0.1:" + server.port() + "/", "--scenario", "small",
                "--clients", "3", "--files", "1000000", "--small-size", "1K", "--time-limit", "1"));
        assertEquals(1, run.exitCode(), run.describe());
        assertTrue(run.out().contains("time limit of 1 s"), run.describe());
        server.login("bench", PASSWORD).logout();
    }

    @Test
    void aWrongPasswordEndsTheRunBeforeAnyLoadWithTheServersAnswer() throws Exception {
        start(false);
        ClientRunner.Run run = ClientRunner.run(Map.of("LOOMFTP_PASSWORD", "wrong-password"), "",
                List.of("bench", "ftp://bench@127.0.0.1:" + server.port() + "/", "--scenario", "login", "--logins",
                        "1"));
        assertEquals(4, run.exitCode(), run.describe());
        assertEquals(List.of("loomftp bench: the server refused the login: 530 Login incorrect."), run.err().lines().toList(),
                run.describe());
    }

    @Test
    void aServerThatIsNotThereIsSaidInOneLine() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        ClientRunner.Run run = ClientRunner.run(Map.of("LOOMFTP_PASSWORD", PASSWORD), "",
                List.of("bench", "ftp://bench@127.0.0.1:" + port + "/", "--scenario", "retr"));
        assertEquals(4, run.exitCode(), run.describe());
        assertEquals(1, run.err().lines().count(), run.describe());
        assertTrue(run.err().startsWith("loomftp bench: "), run.describe());
    }

    @Test
    void aServerPidThatIsNotAProcessIsRefusedBeforeAnyLoad() throws Exception {
        start(false);
        ClientRunner.Run run = run(List.of("ftp://bench@127.0.0.1:" + server.port() + "/", "--scenario", "idle",
                "--server-pid", "999999999"));
        assertEquals(4, run.exitCode(), run.describe());
        assertTrue(run.err().contains("cannot read the memory of process 999999999"), run.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--scenario=nothing", "--size=lots", "--clients=0", "--rounds=-1", "--sessions=10,x",
        "--sessions=0"})
    void aBadOptionIsAUsageError(String option) {
        ClientRunner.Run run = ClientRunner.run(Map.of(), "", List.of("bench", "ftp://bench@127.0.0.1:1/", option));
        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("loomftp bench: "), run.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftps://bench@127.0.0.1:1/", "ftp://bench:secret@127.0.0.1:1/", "http://127.0.0.1/"})
    void anAddressItCannotUseIsAUsageError(String address) {
        ClientRunner.Run run = ClientRunner.run(Map.of(), "", List.of("bench", address));
        assertEquals(2, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("loomftp bench: "), run.describe());
    }

    /** Runs the bench with JSON to a file, checks it ran without an error, and returns its results by scenario. */
    private Map<String, JsonNode> bench(List<String> security, String scenarios, String path, String... more)
            throws IOException {
        Path json = folder.resolve("results-" + scenarios.replace(',', '-') + ".json");
        List<String> args = new ArrayList<>(List.of("ftp://bench@127.0.0.1:" + server.port() + "/" + path,
                "--scenario", scenarios, "--rounds", "2", "--server-pid", Long.toString(ProcessHandle.current().pid()),
                "--json", json.toString()));
        args.addAll(security);
        args.addAll(List.of(more));
        ClientRunner.Run run = run(args);
        assertEquals(0, run.exitCode(), run.describe());
        Map<String, JsonNode> results = new HashMap<>();
        for (JsonNode result : new ObjectMapper().readTree(json.toFile()).path("results")) {
            assertEquals(0, result.path("errors").asInt(), result::toString);
            results.put(result.path("scenario").asText(), result);
        }
        assertEquals(scenarios.split(",").length, results.size(), run.describe());
        return results;
    }

    private ClientRunner.Run run(List<String> args) {
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(args);
        return ClientRunner.run(Map.of("LOOMFTP_PASSWORD", PASSWORD), "", all);
    }

    private void start(boolean tls) throws IOException {
        TestServer.Options options = TestServer.Options.defaults(folder).withLimits(TestServer.limits(200));
        if (tls) {
            options = options.withTls(TestServer.tls(folder, Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, List.of(),
                    true));
        }
        server = TestServer.start(folder, options).withUser("bench", PASSWORD);
    }
}

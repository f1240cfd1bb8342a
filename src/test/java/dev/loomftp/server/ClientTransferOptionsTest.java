package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomftp.client.FtpClient;
import dev.loomftp.client.RemoteEntry;
import dev.loomftp.server.ClientRunner.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client's transfer options over real sockets: active mode and MODE Z, alone and together,
 * mget and mput with globs, machine-readable and quiet
 * output, and resuming a download or upload that was cut off mid-way.
 */
@ExtendWith(StopServers.class)
class ClientTransferOptionsTest {
    private static final String PASSWORD = "alice-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;
    private Path netrc;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        netrc = local.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1 login alice password " + PASSWORD + "\n");
    }


    @ParameterizedTest(name = "active {0}, MODE Z {1}")
    @CsvSource({"true, false", "false, true", "true, true"})
    void getAndPutInActiveModeAndModeZ(boolean active, boolean compress) throws IOException {
        byte[] text = "a line that compresses well\n".repeat(200_000).getBytes();
        Files.write(local.resolve("up.txt"), text);
        List<String> options = new ArrayList<>();
        if (active) {
            options.add("--active");
        }
        if (compress) {
            options.add("--compress");
        }
        Run put = client(options, "put", local.resolve("up.txt").toString(), url(""));
        assertEquals(0, put.exitCode(), put.describe());
        assertArrayEquals(text, Files.readAllBytes(server.folder("alice").resolve("up.txt")));
        Run get = client(options, "get", url("up.txt"), local.resolve("down.txt").toString());
        assertEquals(0, get.exitCode(), get.describe());
        assertArrayEquals(text, Files.readAllBytes(local.resolve("down.txt")));
        assertTrue(get.out().contains("SHA-256 checked"), get.out());
    }

    @Test
    void activeAndCompressedOnTheApiUseTheirCommands() throws IOException {
        Files.writeString(server.folder("alice").resolve("f.txt"), "x".repeat(100_000));
        try (FtpClient client = FtpClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(10))) {
            client.login("alice", PASSWORD.toCharArray());
            client.active(true);
            client.compress(true);
            client.download("f.txt", local.resolve("f.txt"));
            assertEquals("x".repeat(100_000), Files.readString(local.resolve("f.txt")));
            List<RemoteEntry> entries = client.entries("");
            assertTrue(entries.stream().anyMatch(e -> e.name().equals("f.txt") && e.isFile() && e.size() == 100_000
                    && e.modified().isPresent()), entries.toString());
            client.compress(false);
            client.active(false);
            assertTrue(client.names("").contains("f.txt"));
        }
    }

    @Test
    void ipv6AddressesInPassiveAndActiveMode() throws IOException {
        server.close();
        Path v6 = folder.resolve("v6");
        server = TestServer.start(v6, TestServer.Options.defaults(v6).withAddress("::1")).withUser("alice", PASSWORD);
        Files.writeString(netrc, "machine ::1 login alice password " + PASSWORD + "\n");
        Files.writeString(local.resolve("six.txt"), "over IPv6");
        String url = "ftp://alice@[::1]:" + server.port() + "/";
        Run put = client(List.of("--active"), "put", local.resolve("six.txt").toString(), url);
        assertEquals(0, put.exitCode(), put.describe());
        Run get = client(List.of(), "get", url + "six.txt", local.resolve("back.txt").toString());
        assertEquals(0, get.exitCode(), get.describe());
        assertEquals("over IPv6", Files.readString(local.resolve("back.txt")));
    }

    @Test
    void mgetAndMputTakeGlobs() throws IOException {
        Path home = server.folder("alice");
        Files.createDirectories(home.resolve("logs"));
        for (String name : List.of("a.log", "b.log", "c.txt")) {
            Files.writeString(home.resolve("logs").resolve(name), "remote " + name);
        }
        Path here = Files.createDirectories(local.resolve("here"));
        for (String name : List.of("1.csv", "2.csv", "3.json")) {
            Files.writeString(here.resolve(name), "local " + name);
        }
        String login = "open 127.0.0.1 " + server.port() + "; user alice; pass " + PASSWORD + "; lcd " + here;
        Run run = ClientRunner.client(List.of("-c", login + "; mget logs/*.log; mkdir up; cd up; mput *.csv; ls"));
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("remote a.log", Files.readString(here.resolve("a.log")));
        assertEquals("remote b.log", Files.readString(here.resolve("b.log")));
        assertTrue(Files.notExists(here.resolve("c.txt")), "only what matches");
        assertEquals("local 1.csv", Files.readString(home.resolve("up/1.csv")));
        assertEquals("local 2.csv", Files.readString(home.resolve("up/2.csv")));
        assertTrue(Files.notExists(home.resolve("up/3.json")));

        Run none = ClientRunner.client(List.of("-c", login + "; mget logs/*.zip"));
        assertEquals(6, none.exitCode(), none.describe());
        assertTrue(none.err().contains("no remote file matches logs/*.zip"), none.err());
    }

    @Test
    void jsonAndQuietOutput() throws IOException {
        Files.writeString(server.folder("alice").resolve("report.txt"), "twelve bytes");
        Run ls = client(List.of("--json"), "ls", url(""));
        assertEquals(0, ls.exitCode(), ls.describe());
        List<JsonNode> entries = new ArrayList<>();
        for (String line : ls.out().lines().toList()) {
            entries.add(JSON.readTree(line));
        }
        assertTrue(entries.stream().anyMatch(e -> e.get("name").asText().equals("report.txt")
                && e.get("type").asText().equals("file") && e.get("size").asLong() == 12), ls.out());

        Run get = client(List.of("--json"), "get", url("report.txt"), local.resolve("r.txt").toString());
        JsonNode result = JSON.readTree(get.out().strip());
        assertEquals("get", result.get("action").asText());
        assertEquals(12, result.get("bytes").asLong());
        assertTrue(result.get("verified").asBoolean(), result.toString());

        Run quiet = client(List.of("-q"), "get", url("report.txt"), local.resolve("q.txt").toString());
        assertEquals(0, quiet.exitCode());
        assertEquals("", quiet.out() + quiet.err(), "nothing but errors");

        Run missing = client(List.of("--json"), "get", url("missing.txt"), local.resolve("m.txt").toString());
        assertEquals(7, missing.exitCode());
        JsonNode error = JSON.readTree(missing.out().strip());
        assertEquals(7, error.get("exit").asInt());
        assertTrue(error.get("error").asText().contains("550"), error.toString());
    }

    @Test
    void aDownloadCutOffMidWayResumesFromItsPartFile() throws IOException {
        byte[] content = TransferTest.randomBytes(8_000_000, 3);
        Files.write(server.folder("alice").resolve("big.bin"), content);
        Path target = local.resolve("big.bin");
        try (FtpClient client = FtpClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(10))) {
            client.login("alice", PASSWORD.toCharArray());
            assertThrows(Killed.class, () -> client.download("big.bin", target, bytes -> {
                if (bytes > 3_000_000) {
                    throw new Killed();
                }
            }));
        }
        long kept = Files.size(FtpClient.partial(target));
        assertTrue(kept > 3_000_000 && kept < content.length, "the part received is kept: " + kept);
        assertTrue(Files.notExists(target), "nothing under the real name until it is whole");

        Run resumed = client(List.of("--json"), "get", "-c", url("big.bin"), target.toString());
        assertEquals(0, resumed.exitCode(), resumed.describe());
        assertArrayEquals(content, Files.readAllBytes(target));
        assertTrue(Files.notExists(FtpClient.partial(target)));
        JsonNode result = JSON.readTree(resumed.out().strip());
        assertEquals(content.length - kept, result.get("bytes").asLong(), "only the rest was sent");
        assertTrue(result.get("verified").asBoolean());
    }

    @Test
    void anUploadCutOffMidWayResumesFromWhatTheServerHas() throws IOException {
        byte[] content = TransferTest.randomBytes(8_000_000, 4);
        Path source = local.resolve("up.bin");
        Files.write(source, content);
        try (FtpClient client = FtpClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(10))) {
            client.login("alice", PASSWORD.toCharArray());
            assertThrows(Killed.class, () -> client.upload(source, "up.bin", bytes -> {
                if (bytes > 3_000_000) {
                    throw new Killed();
                }
            }));
        }
        Path stored = server.folder("alice").resolve("up.bin");
        long kept = Files.size(stored);
        assertTrue(kept > 0 && kept < content.length, "the server kept the part it got: " + kept);

        Run resumed = client(List.of(), "put", "-c", source.toString(), url(""));
        assertEquals(0, resumed.exitCode(), resumed.describe());
        assertArrayEquals(content, Files.readAllBytes(stored));
        assertTrue(resumed.out().contains("SHA-256 checked"), resumed.out());
    }

    @Test
    void anInterruptedGetSaysHowToContinue() throws IOException {
        Files.write(server.folder("alice").resolve("big.bin"), new byte[4_000_000]);
        Path target = local.resolve("big.bin");
        Files.write(FtpClient.partial(target), Arrays.copyOf(new byte[4_000_000], 5_000_000));
        Run tooLong = client(List.of(), "get", "-c", url("big.bin"), target.toString());
        assertEquals(6, tooLong.exitCode(), tooLong.describe());
        assertTrue(tooLong.err().contains("is longer than big.bin"), tooLong.err());
    }

    /** A client that stops dead mid-transfer, as if killed: no clean-up runs, the sockets just close. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed mid-transfer");
        }
    }

    private String url(String path) {
        return "ftp://alice@127.0.0.1:" + server.port() + "/" + path;
    }

    private Run client(List<String> options, String... arguments) {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of(arguments));
        args.addAll(List.of("--netrc-file", netrc.toString()));
        return ClientRunner.client(args);
    }
}

package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loomftp.server.ClientRunner.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code loomftp client} takes from its environment, given as the variables of one run: the
 * password in LOOMFTP_PASSWORD, and the netrc and history files in HOME, as curl, lftp and ftp
 * find theirs.
 */
@ExtendWith(StopServers.class)
class ClientEnvironmentTest {
    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", "alice-password");
        Files.writeString(server.folder("alice").resolve("notes.txt"), "my notes\n");
    }


    @Test
    void thePasswordComesFromTheEnvironmentGiven() throws IOException {
        assertGetLogsInWith(Map.of("LOOMFTP_PASSWORD", "alice-password"));
    }

    @Test
    void theNetrcFileIsTheOneInHome() throws IOException {
        Path home = Files.createDirectories(local.resolve("home"));
        Files.writeString(home.resolve(".netrc"), "machine 127.0.0.1 login alice password alice-password\n");
        assertGetLogsInWith(Map.of("HOME", home.toString()));
    }

    @Test
    void theShellsHistoryIsInHome() throws IOException {
        Path home = Files.createDirectories(local.resolve("home"));
        Run run = ClientRunner.client(Map.of("HOME", home.toString(), "LOOMFTP_PASSWORD", "alice-password"),
                TypedTerminal.typing("pwd\nbye\n"), "", List.of(url("")));
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(List.of("pwd", "bye"), Files.readAllLines(home.resolve(".loomftp_history")).stream()
                .map(line -> line.substring(line.indexOf(':') + 1)).toList());
    }

    /** A real {@code client get} with these environment variables logs in and downloads. */
    private void assertGetLogsInWith(Map<String, String> environment) throws IOException {
        Run run = ClientRunner.client(environment, "", List.of("get", url("notes.txt"),
                local.resolve("copy.txt").toString()));
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("my notes\n", Files.readString(local.resolve("copy.txt")));
    }

    private String url(String path) {
        return "ftp://alice@127.0.0.1:" + server.port() + "/" + path;
    }
}

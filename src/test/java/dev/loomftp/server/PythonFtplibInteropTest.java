package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's standard ftplib against the server, through the script in
 * {@code src/test/resources/interop/ftplib_check.py}: MLSD, REST both ways, ABOR of a running
 * download, and UTF-8 names.
 */
@ExtendWith(StopServers.class)
class PythonFtplibInteropTest {
    private static final String PASSWORD = "alice-password";
    private static final String SCRIPT = "/interop/ftplib_check.py";
    /** Far more than the socket buffers hold, so the download is still running when ABOR comes. */
    private static final long BIG_FILE_SIZE = 512L * 1024 * 1024;

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;
    private ExternalClient python;

    @BeforeEach
    void start() throws IOException {
        python = ExternalClient.require("python3", local);
        server = TestServer.start(folder).withUser("alice", PASSWORD);
    }


    @Test
    void mlsdAndRestartedTransfers() throws Exception {
        runScript("mlsd-rest").expectPassed("mlsd", "rest");
        Path home = server.folder("alice");
        assertEquals(TransferTest.sha256(home.resolve("data.bin")), TransferTest.sha256(home.resolve("half.bin")),
                "the upload resumed with REST is the whole file");
    }

    @Test
    void abortOfARunningDownloadKeepsTheSessionUsable() throws Exception {
        try (RandomAccessFile big = new RandomAccessFile(server.folder("alice").resolve("big.bin").toFile(), "rw")) {
            big.setLength(BIG_FILE_SIZE); // sparse: costs no disk and no time to write
        }
        runScript("abort").expectPassed("abort");
    }

    @Test
    void utf8NamesRoundTrip() throws Exception {
        FileTrees.assumeUtf8FileNames();
        String name = FileTrees.UNICODE_NAME;
        runScript("utf8", name).expectPassed("utf8");
        assertTrue(Files.readString(server.folder("alice").resolve(name)).startsWith("Grüße, " + name),
                "the UTF-8 name and content on disk");
    }

    /** What the script printed. */
    private record ScriptRun(ExternalClient.Result result) {
        /** Checks that the script passed exactly these steps, then quit cleanly. */
        void expectPassed(String... steps) {
            List<String> expected = new ArrayList<>();
            Arrays.stream(steps).map(step -> "PASS " + step).forEach(expected::add);
            expected.add("PASS quit");
            List<String> passed = result.stdout().lines().filter(line -> line.startsWith("PASS ")).toList();
            assertEquals(expected, passed, result::describe);
        }
    }

    /** Runs one scenario of the script as alice; it must exit with 0. */
    private ScriptRun runScript(String scenario, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script().toString(), "127.0.0.1",
                Integer.toString(server.port()), "alice", PASSWORD, scenario));
        command.addAll(List.of(arguments));
        return new ScriptRun(python.run(command.toArray(String[]::new)).assertSuccess());
    }

    /** The script, copied out of the class path so python3 can read it from a file. */
    private Path script() throws IOException {
        Path copy = local.resolve("ftplib_check.py");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(SCRIPT), SCRIPT)) {
            Files.copy(in, copy);
        }
        return copy;
    }
}

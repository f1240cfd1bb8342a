package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** lftp against the server: a whole tree mirrored up and back down, and UTF-8 names. */
@ExtendWith(StopServers.class)
class LftpInteropTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;
    private ExternalClient lftp;

    @BeforeEach
    void start() throws IOException {
        lftp = ExternalClient.require("lftp", local).timeout(Duration.ofSeconds(120));
        server = TestServer.start(folder).withUser("alice", PASSWORD);
    }


    @ParameterizedTest(name = "MODE Z {0}")
    @ValueSource(booleans = {false, true})
    void mirrorUpAndBackDownIsByteIdentical(boolean modeZ) throws Exception {
        Path tree = FileTrees.writeMixedTree(local.resolve("tree"));
        Map<String, String> original = FileTrees.snapshot(tree);
        assertEquals(FileTrees.MIXED_TREE_FILES, original.values().stream().filter(value -> !value.equals("folder")).count());
        Path debug = local.resolve("lftp-debug.log");
        String settings = "set ftp:use-mode-z " + (modeZ ? "yes" : "no") + "; debug -o '" + debug + "' 5";

        lftp(settings, "mirror -R --parallel=3 '" + tree + "' /uploaded");
        assertEquals(original, FileTrees.snapshot(server.folder("alice").resolve("uploaded")), "tree on the server");

        Path fresh = local.resolve("fresh");
        lftp(settings, "mirror --parallel=3 /uploaded '" + fresh + "'");
        assertEquals(original, FileTrees.snapshot(fresh), "tree mirrored back down");
        assertEquals(modeZ, Files.readString(debug).contains("---> MODE Z"), "lftp used MODE Z: " + modeZ);
    }

    @Test
    void nonAsciiNamesRoundTrip() throws Exception {
        FileTrees.assumeUtf8FileNames();
        String name = FileTrees.UNICODE_NAME;
        Path original = FileTrees.write(local.resolve("upload.txt"), 5_000, 11);
        Path downloaded = local.resolve("downloaded.txt");

        ExternalClient.Result result = lftp("put '%s' -o '%s'; cls -1; get '%s' -o '%s'"
                .formatted(original, name, name, downloaded));

        assertEquals(TransferTest.sha256(original), TransferTest.sha256(server.folder("alice").resolve(name)),
                "stored under its own name");
        assertTrue(result.stdout().lines().anyMatch(name::equals), () -> "listed by name\n" + result.describe());
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(downloaded), "downloaded bytes");
    }

    /** Runs lftp commands in one session as alice; any failed command fails the run. */
    private ExternalClient.Result lftp(String commands) throws IOException, InterruptedException {
        return lftp("set ftp:use-mode-z no", commands);
    }

    private ExternalClient.Result lftp(String settings, String commands) throws IOException, InterruptedException {
        String script = String.join("; ",
                "set cmd:fail-exit yes", "set net:max-retries 1", "set net:timeout 20", "set ftp:ssl-allow no",
                "set xfer:clobber on", settings,
                "open -u alice," + PASSWORD + " -p " + server.port() + " 127.0.0.1", commands);
        return lftp.run("-c", script).assertSuccess();
    }
}

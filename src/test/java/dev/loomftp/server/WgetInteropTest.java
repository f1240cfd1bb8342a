package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** wget against the server: a recursive download of a folder, which wget walks through LIST. */
@ExtendWith(StopServers.class)
class WgetInteropTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;
    private ExternalClient wget;

    @BeforeEach
    void start() throws IOException {
        wget = ExternalClient.require("wget", local);
        server = TestServer.start(folder).withUser("alice", PASSWORD);
    }


    @Test
    void recursiveDownloadCopiesTheFolder() throws Exception {
        Path site = server.folder("alice").resolve("site");
        FileTrees.write(site.resolve("index.html"), 2_000, 1);
        FileTrees.write(site.resolve("empty.txt"), 0, 2);
        FileTrees.write(site.resolve("images/logo.png"), 300_000, 3);
        FileTrees.write(site.resolve("images/icons/small icon.png"), 700, 4);
        FileTrees.write(site.resolve("docs/manual.pdf"), 1_500_000, 5);

        Path target = local.resolve("copy");
        wget.run("--recursive", "--no-host-directories", "--cut-dirs=1", "--no-verbose", "--tries=1", "--timeout=20",
                "--directory-prefix=" + target,
                "ftp://alice:" + PASSWORD + "@127.0.0.1:" + server.port() + "/site/").assertSuccess();

        assertEquals(FileTrees.snapshot(site), FileTrees.snapshot(target));
    }
}

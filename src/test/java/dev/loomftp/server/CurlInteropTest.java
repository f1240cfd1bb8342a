package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The curl command-line client against the server: transfers, listings, created folders, resumes. */
@ExtendWith(StopServers.class)
class CurlInteropTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;
    private ExternalClient curl;
    private Path home;

    @BeforeEach
    void start() throws IOException {
        curl = ExternalClient.require("curl", local);
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        home = server.folder("alice");
    }


    @Test
    void uploadListAndDownload() throws Exception {
        Path original = FileTrees.write(local.resolve("report.bin"), 3_000_000, 1);

        curl("-T", original.toString(), url("report.bin"));
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(home.resolve("report.bin")), "uploaded bytes");

        ExternalClient.Result listing = curl(url(""));
        assertTrue(listing.stdout().lines().anyMatch(line -> line.matches("-.* 3000000 .* report\\.bin")),
                listing::describe);

        Path downloaded = local.resolve("downloaded.bin");
        curl("-o", downloaded.toString(), url("report.bin"));
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(downloaded), "downloaded bytes");
    }

    @Test
    void listOnlyGivesTheNames() throws Exception {
        Files.createDirectories(home.resolve("photos"));
        FileTrees.write(home.resolve("a.txt"), 10, 2);
        FileTrees.write(home.resolve("photos/inside.txt"), 10, 3);

        ExternalClient.Result names = curl("--list-only", url(""));
        assertEquals(List.of("Public", "a.txt", "photos"), sortedLines(names), names::describe);

        ExternalClient.Result inside = curl("--list-only", url("photos/"));
        assertEquals(List.of("inside.txt"), sortedLines(inside), inside::describe);
    }

    @Test
    void createDirsUploadsIntoANewNestedFolder() throws Exception {
        Path original = FileTrees.write(local.resolve("deep.bin"), 12_345, 4);

        curl("--ftp-create-dirs", "-T", original.toString(), url("new/nested/folder/deep.bin"));

        assertEquals(TransferTest.sha256(original), TransferTest.sha256(home.resolve("new/nested/folder/deep.bin")));
    }

    @Test
    void resumesAnInterruptedDownload() throws Exception {
        Path original = FileTrees.write(home.resolve("movie.bin"), 5_000_000, 5);
        Path partial = FileTrees.truncatedCopy(original, local.resolve("movie.bin"), 2_000_000);

        ExternalClient.Result resumed = curl("-C", "-", "-o", partial.toString(), url("movie.bin"));

        assertTrue(resumed.stderr().contains("> REST 2000000"),
                () -> "curl resumed at the local size\n" + resumed.describe());
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(partial), "resumed download");
    }

    @Test
    void resumesAnInterruptedUpload() throws Exception {
        Path original = FileTrees.write(local.resolve("backup.bin"), 5_000_000, 6);
        FileTrees.truncatedCopy(original, home.resolve("backup.bin"), 1_500_000);

        ExternalClient.Result resumed = curl("-C", "-", "-T", original.toString(), url("backup.bin"));

        assertTrue(resumed.stderr().contains("> SIZE backup.bin"),
                () -> "curl asked how much arrived\n" + resumed.describe());
        assertTrue(resumed.stderr().contains("> APPE backup.bin"), () -> "curl appended the rest\n" + resumed.describe());
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(home.resolve("backup.bin")), "resumed upload");
    }

    @Test
    void nonAsciiNamesRoundTrip() throws Exception {
        FileTrees.assumeUtf8FileNames();
        String name = FileTrees.UNICODE_NAME;
        Path original = FileTrees.write(local.resolve("upload.txt"), 4_321, 7);

        curl("-T", original.toString(), url(name));
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(home.resolve(name)), "stored under its own name");

        ExternalClient.Result names = curl("--list-only", url(""));
        assertTrue(names.stdout().lines().anyMatch(name::equals), names::describe);

        Path downloaded = local.resolve("downloaded.txt");
        curl("-o", downloaded.toString(), url(name));
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(downloaded), "downloaded bytes");
    }

    /** Runs curl as alice, verbose (the protocol goes to stderr), and checks that it succeeded. */
    private ExternalClient.Result curl(String... arguments) throws IOException, InterruptedException {
        String[] common = {"-sS", "-v", "--user", "alice:" + PASSWORD,
            "--connect-timeout", "10", "--max-time", "60"};
        String[] all = Arrays.copyOf(common, common.length + arguments.length);
        System.arraycopy(arguments, 0, all, common.length, arguments.length);
        return curl.run(all).assertSuccess();
    }

    /** The URL of a path in alice's view, each segment percent-encoded as UTF-8. */
    private String url(String path) {
        String encoded = Arrays.stream(path.split("/", -1))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
        return "ftp://127.0.0.1:" + server.port() + "/" + encoded;
    }

    private static List<String> sortedLines(ExternalClient.Result result) {
        return result.stdout().lines().filter(line -> !line.isBlank()).sorted().toList();
    }
}

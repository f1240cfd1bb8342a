package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.server.ClientRunner.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usual failures, each as one plain line and its exit code, never a stack trace: a wrong
 * password, a missing file, a refused write, and the TLS mismatches (TLS asked of a server
 * without it, TLS spoken to a plain port, plain FTP spoken to an implicit-TLS port).
 */
@ExtendWith(StopServers.class)
class ClientFailureMessagesTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;


    @Test
    void wrongPasswordMissingFileAndRefusedWrite() throws IOException {
        server = TestServer.start(folder, TestServer.Options.defaults(folder).withPublicAccess(Config.Access.READ_ONLY))
                .withUser("alice", PASSWORD);
        Files.writeString(local.resolve("a.txt"), "a");

        Run wrong = client("wrong-password", "ls", url(""));
        assertOneLine(wrong, 5, "login failed: 530");
        Run missing = client(PASSWORD, "get", url("nothing.txt"), local.toString());
        assertOneLine(missing, 7, "RETR refused: 550 No such file.");
        Run refused = client(PASSWORD, "put", local.resolve("a.txt").toString(), url("Public/"));
        assertOneLine(refused, 6, "Permission denied.");
    }

    @Test
    void aLocalFolderThatIsNotThereIsNamed() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        Files.writeString(server.folder("alice").resolve("a.txt"), "a");
        Path nowhere = local.resolve("no-such-folder/a.txt");
        Run run = client(PASSWORD, "get", url("a.txt"), nowhere.toString());
        assertOneLine(run, 6, "no such file or folder: " + nowhere + ".part");
    }

    @Test
    void tlsAskedOfAServerWithoutIt() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        Run run = client(PASSWORD, "--tls", "ls", url(""));
        assertOneLine(run, 4, "TLS failed: the server does not offer explicit TLS (AUTH TLS:");
    }

    @Test
    void tlsSpokenToAPlainPort() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        Run run = client(PASSWORD, "ls", "ftps://alice@127.0.0.1:" + server.port() + "/");
        assertOneLine(run, 4, "TLS failed: ");
        assertTrue(run.err().contains("ftps:// is for implicit FTPS ports"), run.describe());
    }

    @Test
    void plainFtpSpokenToAnImplicitTlsPort() throws IOException {
        Path tlsFolder = folder.resolve("tls");
        server = TestServer.start(folder, TestServer.Options.defaults(folder)
                .withTimeouts(new Config.Timeouts(java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(2),
                        java.time.Duration.ofSeconds(30)))
                .withTls(TestServer.tls(tlsFolder, Config.Policy.OPTIONAL, Config.Policy.OPTIONAL,
                        List.of(new Config.Listener("127.0.0.1", 0)), true))).withUser("alice", PASSWORD);
        int implicitPort = server.server().addresses().get(1).getPort();
        Run run = client(PASSWORD, "ls", "ftp://alice@127.0.0.1:" + implicitPort + "/");
        assertOneLine(run, 4, "an implicit FTPS port");
    }

    private static void assertOneLine(Run run, int exitCode, String part) {
        assertEquals(exitCode, run.exitCode(), run.describe());
        assertEquals(1, run.err().lines().count(), "one line: " + run.describe());
        assertTrue(run.err().startsWith("loomftp client: ") && run.err().contains(part), run.describe());
        assertFalse(run.err().contains("\tat ") || run.err().contains("Exception"), "no stack trace: " + run.describe());
    }

    private String url(String path) {
        return "ftp://alice@127.0.0.1:" + server.port() + "/" + path;
    }

    private Run client(String password, String... arguments) throws IOException {
        Path netrc = local.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1 login alice password " + password + "\n");
        List<String> args = new ArrayList<>(List.of(arguments));
        args.addAll(List.of("--netrc-file", netrc.toString()));
        return ClientRunner.client(args);
    }
}

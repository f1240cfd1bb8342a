package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.server.ClientRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomftp client --tls} against a server with a self-signed certificate, as a user meets
 * it: the refusal names the certificate's fingerprint and the option that trusts it.
 */
class ClientTrustTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    @TempDir
    Path home;

    private TestServer server;
    private String fingerprint;

    @BeforeEach
    void start() throws Exception {
        Path tls = folder.resolve("tls");
        server = TestServer.startTls(tls, TestServer.tls(tls, Config.Policy.REQUIRED, Config.Policy.REQUIRED,
                List.of(), true)).withUser("alice", PASSWORD);
        Files.writeString(server.folder("alice").resolve("notes.txt"), "my notes\n");
        fingerprint = TestServer.fingerprint(tls);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void withoutATerminalAnUntrustedCertificateIsExplainedWithTheOptionThatTrustsIt() {
        Run run = client("--tls", "ls", url());
        assertEquals(4, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("loomftp client: TLS failed: the certificate of 127.0.0.1:" + server.port()
                + " is not trusted: it is self-signed, or signed by an authority this system does not know."),
                run.describe());
        assertTrue(run.err().contains("Its SHA-256 fingerprint: " + fingerprint + "\n"), run.describe());
        assertTrue(run.err().contains("--fingerprint " + fingerprint + "\n"), run.describe());

        Run pinned = client("--fingerprint", fingerprint, "ls", url());
        assertEquals(0, pinned.exitCode(), "the option given works: " + pinned.describe());
    }

    @Test
    void aFingerprintOptionThatDiffersSaysWhichIsWhich() {
        String other = fingerprint.replace(fingerprint.charAt(0), fingerprint.charAt(0) == 'A' ? 'B' : 'A');
        Run run = client("--fingerprint", other, "ls", url());
        assertEquals(4, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("loomftp client: TLS failed: the certificate of 127.0.0.1:" + server.port()
                + " is not the one given with --fingerprint.\n"), run.describe());
        assertTrue(run.err().contains("Given:   " + other + "\n") && run.err().contains("Offered: " + fingerprint + "\n"),
                run.describe());
    }

    private String url() {
        return "ftp://alice@127.0.0.1:" + server.port() + "/";
    }

    private Run client(String... arguments) {
        return ClientRunner.client(Map.of("HOME", home.toString(), "LOOMFTP_PASSWORD", PASSWORD), "",
                List.of(arguments));
    }
}

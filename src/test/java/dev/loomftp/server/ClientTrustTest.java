package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.server.ClientRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomftp client --tls} against a server with a self-signed certificate, as a user meets
 * it: the refusal names the certificate's fingerprint and the option that trusts it; at a terminal
 * the user is asked, and a yes is remembered in the known hosts file under HOME and trusted from
 * then on without asking; a remembered certificate that changes is refused loudly.
 */
@ExtendWith(StopServers.class)
class ClientTrustTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    @TempDir
    Path home;

    private TestServer server;
    private String fingerprint;
    private Path knownHosts;

    @BeforeEach
    void start() throws Exception {
        Path tls = folder.resolve("tls");
        server = TestServer.startTls(tls, TestServer.tls(tls, Config.Policy.REQUIRED, Config.Policy.REQUIRED,
                List.of(), true)).withUser("alice", PASSWORD);
        Files.writeString(server.folder("alice").resolve("notes.txt"), "my notes\n");
        fingerprint = TestServer.fingerprint(tls);
        knownHosts = home.resolve(".loomftp/known_hosts");
    }


    @Test
    void withoutATerminalAnUntrustedCertificateIsExplainedWithTheOptionThatTrustsIt() {
        Run run = client(null, "--tls", "ls", url());
        assertEquals(4, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("loomftp client: TLS failed: the certificate of 127.0.0.1:" + server.port()
                + " is not trusted: it is self-signed, or signed by an authority this system does not know."),
                run.describe());
        assertTrue(run.err().contains("Its SHA-256 fingerprint: " + fingerprint + "\n"), run.describe());
        assertTrue(run.err().contains("--fingerprint " + fingerprint + "\n"), run.describe());
        assertTrue(Files.notExists(knownHosts), "nothing is remembered without asking");

        Run pinned = client(null, "--fingerprint", fingerprint, "ls", url());
        assertEquals(0, pinned.exitCode(), "the option given works: " + pinned.describe());
    }

    @Test
    void aRememberedCertificateIsTrustedWithoutAsking() throws Exception {
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, "# servers I trust\n127.0.0.1:" + server.port() + " " + fingerprint + "\n");
        Run run = client(null, "--tls", "get", url() + "notes.txt", home.resolve("copy.txt").toString());
        assertEquals(0, run.exitCode(), run.describe());
        assertEquals("my notes\n", Files.readString(home.resolve("copy.txt")));
    }

    @Test
    void aRememberedCertificateThatChangedIsRefusedLoudly() throws Exception {
        String other = fingerprint.replace(fingerprint.charAt(0), fingerprint.charAt(0) == 'A' ? 'B' : 'A');
        Files.createDirectories(knownHosts.getParent());
        String remembered = "example.org:21 " + fingerprint + "\n127.0.0.1:" + server.port() + " " + other + "\n";
        Files.writeString(knownHosts, remembered);

        Run run = client(TypedTerminal.typing("yes\n"), "--tls", "ls", url());
        assertEquals(4, run.exitCode(), run.describe());
        String server127 = "127.0.0.1:" + server.port();
        assertTrue(run.err().startsWith("loomftp client: TLS failed: WARNING: THE CERTIFICATE OF " + server127
                + " HAS CHANGED!\n"), run.describe());
        assertTrue(run.err().contains("Trusted: " + other + "\n")
                && run.err().contains("Offered: " + fingerprint + "\n"),
                run.describe());
        assertTrue(run.err().contains("remove line 2 (" + server127 + ") from " + knownHosts), run.describe());
        assertEquals(remembered, Files.readString(knownHosts), "the remembered one stays until removed");
    }

    @Test
    void atATerminalAYesIsRememberedAndTrustedFromThenOn() throws Exception {
        TypedTerminal terminal = TypedTerminal.typing("yes\n");
        Run run = client(terminal, "--tls", "ls", url());
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.out().contains(" notes.txt"), run.describe());
        assertTrue(terminal.screen().contains("Its SHA-256 fingerprint: " + fingerprint + "\n"), terminal.screen());
        assertTrue(terminal.screen().contains("A yes is kept in " + knownHosts + "\nfor 127.0.0.1:" + server.port()
                + ", as ssh keeps a host's key.\n"), terminal.screen());
        assertTrue(terminal.screen().contains("Trust it? [y/N] yes"), terminal.screen());
        assertEquals("127.0.0.1:" + server.port() + " " + fingerprint + "\n", Files.readString(knownHosts));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts)));
        assertFalse(Files.exists(home.resolve(".loomftp_history"))
                && Files.readString(home.resolve(".loomftp_history")).contains("yes"), "the answer is no command");

        Run again = client(null, "--tls", "ls", url());
        assertEquals(0, again.exitCode(), "trusted without a terminal now: " + again.describe());
    }

    @Test
    void atATerminalANoRefusesAndRemembersNothing() {
        Run run = client(TypedTerminal.typing("n\n"), "--tls", "ls", url());
        assertEquals(4, run.exitCode(), run.describe());
        assertTrue(run.err().contains("--fingerprint " + fingerprint), run.describe());
        assertTrue(Files.notExists(knownHosts), "nothing remembered");
    }

    @Test
    void theShellAsksOnItsOwnTerminal() throws Exception {
        Run declined = client(TypedTerminal.typing("no\n"), "--tls", url());
        assertEquals(4, declined.exitCode(), declined.describe());
        assertTrue(declined.err().startsWith("loomftp client: TLS failed: the certificate of 127.0.0.1:"
                + server.port() + " is not trusted"), declined.describe());
        assertTrue(Files.notExists(knownHosts), "nothing remembered");

        TypedTerminal terminal = TypedTerminal.typing("yes\nls\nbye\n");
        Run accepted = client(terminal, "--tls", url());
        assertEquals(0, accepted.exitCode(), accepted.describe());
        assertTrue(accepted.out().contains("230 ") && accepted.out().contains(" notes.txt"),
                "the yes, then the login and the listing: " + accepted.describe());
        assertTrue(terminal.screen().contains("? [y/N] "), terminal.screen());
        assertEquals("127.0.0.1:" + server.port() + " " + fingerprint + "\n", Files.readString(knownHosts));
        assertEquals(List.of("ls", "bye"), Files.readAllLines(home.resolve(".loomftp_history")).stream()
                .map(line -> line.substring(line.indexOf(':') + 1)).toList(), "the history, without the answer");
    }

    @Test
    void aFingerprintOptionThatDiffersSaysWhichIsWhich() {
        String other = fingerprint.replace(fingerprint.charAt(0), fingerprint.charAt(0) == 'A' ? 'B' : 'A');
        Run run = client(null, "--fingerprint", other, "ls", url());
        assertEquals(4, run.exitCode(), run.describe());
        assertTrue(run.err().startsWith("loomftp client: TLS failed: the certificate of 127.0.0.1:" + server.port()
                + " is not the one given with --fingerprint.\n"), run.describe());
        assertTrue(run.err().contains("Given:   " + other + "\n")
                && run.err().contains("Offered: " + fingerprint + "\n"),
                run.describe());
    }

    private String url() {
        return "ftp://alice@127.0.0.1:" + server.port() + "/";
    }

    private Run client(TypedTerminal terminal, String... arguments) {
        return ClientRunner.client(Map.of("HOME", home.toString(), "LOOMFTP_PASSWORD", PASSWORD), terminal, "",
                List.of(arguments));
    }
}

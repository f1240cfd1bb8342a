package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.server.ClientRunner.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code loomftp client} as a user runs it, against vsftpd and pyftpdlib from apt: the original
 * shell commands through standard input, every scripted command, mirror down and up with a
 * byte-identical tree (vsftpd has no MLSD, so its listings are read as {@code ls -l} lines),
 * active mode, explicit TLS trusted by fingerprint, and the exit codes.
 */
class ClientPeerCliTest {
    @TempDir
    Path work;

    @TempDir
    Path local;

    private PeerServer peer;
    private Path netrc;

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ClientPeerInteropTest.Peer.class)
    void theOriginalShellCommands(ClientPeerInteropTest.Peer which) throws IOException {
        start(which);
        Files.writeString(local.resolve("notes.txt"), "my notes\n");
        String folder = peer.writableFolder().isEmpty() ? "." : peer.writableFolder();
        Run session = ClientRunner.client("""
                127.0.0.1
                %d
                USER %s
                PASS %s
                CWD %s
                STOR %s
                LIST
                RETR notes.txt %s
                !DISCONNECT
                """.formatted(peer.port(), peer.user(), password(), folder, local.resolve("notes.txt"),
                local.resolve("copy.txt")), List.of());
        assertEquals(0, session.exitCode(), session.describe());
        assertTrue(session.out().contains("230"), session.describe());
        assertTrue(session.out().contains(" notes.txt"), session.describe());
        assertEquals("my notes\n", Files.readString(peer.localRoot().resolve("notes.txt")));
        assertEquals("my notes\n", Files.readString(local.resolve("copy.txt")));
    }

    @ParameterizedTest
    @EnumSource(ClientPeerInteropTest.Peer.class)
    void everyScriptedCommandAndActiveMode(ClientPeerInteropTest.Peer which) throws IOException {
        start(which);
        Path big = FileTrees.write(local.resolve("big.bin"), 5_000_000, 7);
        assertOk(client("mkdir", url("inbox")));
        assertOk(client("--active", "put", big.toString(), url("inbox/")));
        assertEquals(TransferTest.sha256(big), TransferTest.sha256(peer.localRoot().resolve("inbox/big.bin")));
        Run ls = assertOk(client("ls", url("inbox")));
        assertTrue(ls.out().contains(" big.bin"), ls.describe());
        Path downloads = Files.createDirectories(local.resolve("downloads"));
        assertOk(client("--active", "get", url("inbox/big.bin"), downloads.toString()));
        assertEquals(TransferTest.sha256(big), TransferTest.sha256(downloads.resolve("big.bin")));

        FileTrees.truncatedCopy(big, local.resolve("partial/big.bin"), 1_234_567);
        assertOk(client("get", "-c", url("inbox/big.bin"), local.resolve("partial/big.bin").toString()));
        assertEquals(TransferTest.sha256(big), TransferTest.sha256(local.resolve("partial/big.bin")), "resumed");

        assertOk(client("rm", url("inbox/big.bin")));
        assertTrue(Files.notExists(peer.localRoot().resolve("inbox/big.bin")));
        assertEquals(7, client("get", url("inbox/missing.bin"), local.toString()).exitCode(), "not found");
    }

    @ParameterizedTest
    @EnumSource(ClientPeerInteropTest.Peer.class)
    void mirrorUpAndBackDownIsByteIdentical(ClientPeerInteropTest.Peer which) throws IOException {
        start(which);
        Path tree = local.resolve("tree");
        for (int i = 0; i < 30; i++) {
            FileTrees.write(tree.resolve("level-" + i % 3).resolve(i % 2 == 0 ? "deeper" : ".").resolve("f " + i + ".bin"),
                    i == 0 ? 3_000_000 : i * 1000L, i);
        }
        Files.createDirectories(tree.resolve("empty"));

        assertOk(client("mirror", "-R", "-P", "3", tree.toString(), url("tree")));
        assertEquals(FileTrees.snapshot(tree), FileTrees.snapshot(peer.localRoot().resolve("tree")), "up");
        Path back = local.resolve("back");
        assertOk(client("mirror", "-P", "3", url("tree"), back.toString()));
        assertEquals(FileTrees.snapshot(tree), FileTrees.snapshot(back), "down");

        Run again = assertOk(client("mirror", url("tree"), back.toString()));
        assertTrue(again.out().contains("mirror: 0 copied"), again.describe());
        Run againUp = assertOk(client("mirror", "-R", tree.toString(), url("tree")));
        assertTrue(againUp.out().contains("mirror: 0 copied"), "a server without MFMT is not sent the same files "
                + "again: " + againUp.describe());
    }

    @Test
    void tlsWithVsftpdTrustedByFingerprint() throws IOException {
        peer = PeerServer.vsftpdTls(work);
        netrc = local.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1 login " + peer.user() + " password " + password() + "\n");
        Path file = FileTrees.write(local.resolve("secret.bin"), 3_000_000, 9);
        String pin = peer.fingerprint();
        assertOk(client("--fingerprint", pin, "put", file.toString(), url("")));
        assertEquals(TransferTest.sha256(file), TransferTest.sha256(peer.localRoot().resolve("secret.bin")));
        assertOk(client("--fingerprint", pin, "--active", "get", url("secret.bin"), local.resolve("back.bin").toString()));
        assertEquals(TransferTest.sha256(file), TransferTest.sha256(local.resolve("back.bin")));

        Run plain = client("ls", url(""));
        assertEquals(5, plain.exitCode(), "vsftpd wants TLS for logins: " + plain.describe());
        Run wrongPin = client("--fingerprint", pin.replace(pin.charAt(0), pin.charAt(0) == 'A' ? 'B' : 'A'),
                "ls", url(""));
        assertEquals(4, wrongPin.exitCode(), wrongPin.describe());
        assertTrue(wrongPin.err().contains("TLS failed"), wrongPin.describe());
    }

    @ParameterizedTest
    @EnumSource(ClientPeerInteropTest.Peer.class)
    void aWrongPasswordIsExitCodeFive(ClientPeerInteropTest.Peer which) throws IOException {
        start(which);
        Files.writeString(netrc, "machine 127.0.0.1 login nobody-here password wrong\n");
        Run refused = client("ls", "ftp://nobody-here@127.0.0.1:" + peer.port() + "/");
        assertEquals(5, refused.exitCode(), refused.describe());
    }

    private void start(ClientPeerInteropTest.Peer which) throws IOException {
        peer = which.start(work);
        netrc = local.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1 login " + peer.user() + " password " + password() + "\n");
    }

    /** The peer's password; anonymous vsftpd needs none, but the shell and netrc want a word. */
    private String password() {
        return peer.password().isEmpty() ? "guest@example.org" : peer.password();
    }

    private String url(String name) {
        return "ftp://" + peer.user() + "@127.0.0.1:" + peer.port() + "/" + peer.writable(name);
    }

    private Run client(String... arguments) {
        List<String> args = new ArrayList<>(List.of(arguments));
        args.addAll(List.of("--netrc-file", netrc.toString()));
        return ClientRunner.client(args);
    }

    private static Run assertOk(Run run) {
        assertEquals(0, run.exitCode(), run.describe());
        return run;
    }
}

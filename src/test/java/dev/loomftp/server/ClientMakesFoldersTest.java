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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code mirror -R} and {@code put --ftp-create-dirs} into folders that do not exist yet make every
 * missing folder on the way, as {@code mkdir -p} does, on servers that answer differently: vsftpd
 * refuses MKD of a folder that exists (550) and of one whose parent is missing, loomftp and
 * pyftpdlib have their own replies. A plain {@code put} into a missing folder fails and says how to
 * make it.
 */
class ClientMakesFoldersTest {
    @TempDir
    Path work;

    @TempDir
    Path local;

    private AutoCloseable server;
    /** The URL of the folder the user may write in, ending in a slash. */
    private String base;
    /** That folder's path as the server sees it from the login folder: "" or "up/". */
    private String writable;
    private Path remoteRoot;
    private Path netrc;

    /** The servers to make folders on. */
    enum Server {
        LOOMFTP, VSFTPD, PYFTPDLIB
    }

    /**
     * Stops the server, ours or a peer: {@link StopServers} only sees fields of type
     * {@link TestServer}, and this one may hold a peer process as well.
     */
    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void mirrorUpMakesEveryMissingFolderOnTheWay(Server which) throws Exception {
        start(which);
        Path tree = local.resolve("photos");
        FileTrees.write(tree.resolve("2024/beach.jpg"), 20_000, 1);
        FileTrees.write(tree.resolve("top.txt"), 10, 2);

        Run first = client("mirror", "-R", tree.toString(), base + "new/deeper/");
        assertEquals(0, first.exitCode(), first.describe());
        assertEquals(FileTrees.snapshot(tree), FileTrees.snapshot(remoteRoot.resolve("new/deeper/photos")));
        assertTrue(first.out().contains("mkdir " + writable + "new\n")
                && first.out().contains("mkdir " + writable + "new/deeper\n"), first.describe());
        assertTrue(first.out().contains("4 folders made"), first.describe());

        Run beside = client("mirror", "-R", tree.toString(), base + "new/beside/copy");
        assertEquals(0, beside.exitCode(), "an existing folder on the way is used: " + beside.describe());
        assertEquals(FileTrees.snapshot(tree), FileTrees.snapshot(remoteRoot.resolve("new/beside/copy")));

        Run again = client("mirror", "-R", tree.toString(), base + "new/deeper/");
        assertEquals(0, again.exitCode(), again.describe());
        assertTrue(again.out().contains("mirror: 0 copied"), again.describe());
        assertTrue(again.out().contains("0 folders made"), again.describe());
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void putMakesTheUrlsFolderOnlyWhenAsked(Server which) throws Exception {
        start(which);
        Path file = Files.writeString(local.resolve("a.txt"), "a");

        Run plain = client("put", file.toString(), base + "inbox/today/");
        assertEquals(7, plain.exitCode(), plain.describe());
        assertTrue(plain.err().contains("--ftp-create-dirs"), "says how to make it: " + plain.describe());
        assertTrue(Files.notExists(remoteRoot.resolve("inbox")), "nothing made without asking");

        Run made = client("put", "--ftp-create-dirs", file.toString(), base + "inbox/today/");
        assertEquals(0, made.exitCode(), made.describe());
        assertEquals("a", Files.readString(remoteRoot.resolve("inbox/today/a.txt")));

        Files.writeString(file, "b");
        Run there = client("put", "--ftp-create-dirs", file.toString(), base + "inbox/today/");
        assertEquals(0, there.exitCode(), "folders that exist are fine: " + there.describe());
        assertEquals("b", Files.readString(remoteRoot.resolve("inbox/today/a.txt")));
    }

    private void start(Server which) throws IOException {
        String user;
        String password;
        int port;
        if (which == Server.LOOMFTP) {
            TestServer ours = TestServer.start(work).withUser("alice", "alice-password");
            server = ours;
            user = "alice";
            password = "alice-password";
            port = ours.port();
            remoteRoot = ours.folder("alice");
            writable = "";
        } else {
            PeerServer peer = which == Server.VSFTPD ? PeerServer.vsftpd(work) : PeerServer.pyftpdlib(work);
            server = peer;
            user = peer.user();
            password = peer.password().isEmpty() ? "guest@example.org" : peer.password();
            port = peer.port();
            remoteRoot = peer.localRoot();
            writable = peer.writable("");
        }
        base = "ftp://" + user + "@127.0.0.1:" + port + "/" + writable;
        netrc = Files.writeString(local.resolve("netrc"), "machine 127.0.0.1 login " + user + " password " + password
                + "\n");
    }

    private Run client(String... arguments) {
        List<String> args = new ArrayList<>(List.of(arguments));
        args.addAll(List.of("--netrc-file", netrc.toString()));
        return ClientRunner.client(args);
    }
}

package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomftp client} driven through standard input, as a user would type: the original
 * client's way of asking for address and port, its command names, and the habitual ones.
 */
@ExtendWith(StopServers.class)
class ClientShellTest {
    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", "alice-password");
    }


    @Test
    void theOriginalCommandsWorkAfterTheAddressAndPortAreAsked() throws IOException {
        Files.writeString(local.resolve("notes.txt"), "my notes\n");
        Files.writeString(server.folder("Public").resolve("shared.txt"), "for everyone\n");
        ClientRunner.Run session = shell(List.of(), """
                127.0.0.1
                %d
                USER alice
                PASS alice-password
                STOR %s
                LIST
                CWD Public
                RETR shared.txt %s
                !DISCONNECT
                """.formatted(server.port(), local.resolve("notes.txt"), local.resolve("copy.txt")));

        assertEquals(0, session.exitCode(), session.err());
        assertTrue(session.out().startsWith("Server address: Port [5550]: 220 "), session.out());
        assertTrue(session.out().contains("230 Logged in as alice."), session.out());
        assertTrue(session.out().contains(" notes.txt"), "LIST shows the upload: " + session.out());
        assertTrue(session.out().contains("/Public"), session.out());
        assertTrue(session.out().contains("disconnected"), session.out());
        assertEquals("my notes\n", Files.readString(server.folder("alice").resolve("notes.txt")));
        assertEquals("for everyone\n", Files.readString(local.resolve("copy.txt")));
    }

    @Test
    void habitualNamesAndErrorsThatLetTheShellCarryOn() throws IOException {
        ClientRunner.Run session = shell(List.of("127.0.0.1", Integer.toString(server.port())), """
                user alice
                pass wrong-password
                user alice
                pass alice-password
                mkdir photos
                cd photos
                pwd
                get missing.txt
                frobnicate
                ls
                cd ..
                rmdir photos
                dir
                bye
                """);

        assertEquals(0, session.exitCode(), session.err());
        assertTrue(session.err().contains("530 Login incorrect."), session.err());
        assertTrue(session.out().contains("/photos"), session.out());
        assertTrue(session.err().contains("550"), "the missing file is reported: " + session.err());
        assertTrue(session.err().contains("unknown command 'frobnicate'; type help for the list"), session.err());
        assertTrue(Files.notExists(server.folder("alice").resolve("photos")), "rmdir ran after the errors");
    }

    @Test
    void anAddressConnectsLogsInAndGoesToItsFolderAndMirrorRunsInParallel() throws IOException {
        Path tree = server.folder("alice").resolve("work/tree");
        for (int i = 0; i < 12; i++) {
            FileTrees.write(tree.resolve("part-" + (i % 3)).resolve("f" + i + ".bin"), 50_000 + i, i);
        }
        Path netrc = local.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1 login alice password alice-password\n");
        Path copy = local.resolve("copy");
        ClientRunner.Run session = shell(List.of("--netrc-file", netrc.toString(),
                "ftp://alice@127.0.0.1:" + server.port() + "/work"), """
                pwd
                lcd %s
                mirror -P 3 tree %s
                passive
                ls tree
                quit
                """.formatted(local, copy));

        assertEquals(0, session.exitCode(), session.describe());
        assertTrue(session.out().contains("230 "), session.out());
        assertTrue(session.out().contains("ftp> /work\n"), session.out());
        assertTrue(session.out().contains("mirror: 12 copied"), session.describe());
        assertTrue(session.out().contains("active mode") && session.out().contains(" part-1"),
                "listing in active mode: " + session.out());
        assertEquals(FileTrees.snapshot(tree), FileTrees.snapshot(copy));
    }

    @Test
    void aServerThatIsNotThereIsAOneLineError() throws IOException {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        ClientRunner.Run session = shell(List.of("127.0.0.1", Integer.toString(closedPort)), "");
        assertEquals(4, session.exitCode(), "the exit code of scripts for a server that cannot be reached");
        assertEquals(1, session.err().lines().count(), session.err());
        assertTrue(session.err().startsWith("loomftp client: "), session.err());
    }

    private static ClientRunner.Run shell(List<String> arguments, String typed) {
        return ClientRunner.client(typed, arguments);
    }
}

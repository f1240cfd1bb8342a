package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.cli.RemoteFolders;
import dev.loomftp.cli.ShellCompleter;
import dev.loomftp.cli.TerminalInput;
import dev.loomftp.client.FtpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell's JLine input, typed through a virtual terminal on piped streams: TAB completes
 * commands, remote names listed from a real server, and local names; the history reaches its file
 * and comes back in the next session, without passwords.
 */
@ExtendWith(StopServers.class)
class TerminalInputTest {
    private static final String TAB = "\t";
    /** Ctrl-P: the previous line of the history. */
    private static final String PREVIOUS = "\u0010";

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;
    private FtpClient client;
    private RemoteFolders remote;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", "alice-password");
        Files.writeString(server.folder("alice").resolve("holiday-photos.zip"), "zip");
        Files.writeString(server.folder("alice").resolve("notes.txt"), "notes");
        Files.writeString(server.folder("Public").resolve("shared.txt"), "for everyone");
        client = FtpClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(20));
        client.login("alice", "alice-password".toCharArray());
        remote = new RemoteFolders(() -> Optional.of(client));
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
    }

    @Test
    void tabCompletesACommand() throws IOException {
        assertEquals(List.of("mkdir ", "pwd "), lines("mkd" + TAB + "\n" + "pw" + TAB + "\n"));
    }

    @Test
    void tabCompletesRemoteNamesInTheCurrentFolderAndBelow() throws IOException {
        assertEquals(List.of("get holiday-photos.zip ", "cd Public/", "get Public/shared.txt "),
                lines("get hol" + TAB + "\n" + "cd Pub" + TAB + "\n" + "get Pub" + TAB + "sh" + TAB + "\n"));
    }

    @Test
    void listingsAreKeptUntilForgotten() throws IOException {
        assertEquals(List.of("get notes.txt "), lines("get no" + TAB + "\n"));
        client.mkdir("new-folder");
        assertEquals(List.of("cd ne"), lines("cd ne" + TAB + "\n"), "the first listing is kept");
        remote.forget();
        assertEquals(List.of("cd new-folder/"), lines("cd ne" + TAB + "\n"));
    }

    @Test
    void tabCompletesLocalNamesForLocalCommands() throws IOException {
        Files.writeString(local.resolve("report.pdf"), "pdf");
        Files.createDirectory(local.resolve("reports"));
        assertEquals(List.of("put report.pdf ", "lcd reports/", "get notes.txt report.pdf "),
                lines("put report." + TAB + "\n" + "lcd reports" + TAB + "\n" + "get no" + TAB + "report." + TAB + "\n"));
    }

    @Test
    void historyIsWrittenToItsFileAndReadBackWithoutPasswords() throws IOException {
        Path history = folder.resolve("history");
        String typed = "user alice\n" + "PASS typed-secret\n" + "masked-secret\n" + "ls Public\n";
        try (TerminalInput input = terminal(TypedTerminal.typing(typed), history)) {
            assertEquals("user alice", input.readLine("ftp> "));
            assertEquals("PASS typed-secret", input.readLine("ftp> "));
            assertArrayEquals("masked-secret".toCharArray(), input.readPassword("Password: "));
            assertEquals("ls Public", input.readLine("ftp> "));
            assertNull(input.readLine("ftp> "), "the end of the input");
        }
        String file = Files.readString(history);
        assertTrue(file.contains("ls Public") && file.contains("user alice"), file);
        assertTrue(!file.contains("secret"), "no password in the history: " + file);

        try (TerminalInput next = terminal(TypedTerminal.typing(PREVIOUS + "\n" + PREVIOUS + PREVIOUS + "\n"),
                history)) {
            assertEquals("ls Public", next.readLine("ftp> "), "the last session's last line");
            assertEquals("user alice", next.readLine("ftp> "));
        }
    }

    @Test
    void thePasswordIsNotEchoed() throws IOException {
        TypedTerminal typed = TypedTerminal.typing("masked-secret\n");
        try (TerminalInput input = terminal(typed, folder.resolve("history"))) {
            assertArrayEquals("masked-secret".toCharArray(), input.readPassword("Password: "));
        }
        String screen = typed.screen();
        assertTrue(screen.contains("Password: ") && !screen.contains("masked"), screen);
    }

    /** The lines that {@code typed} gives through the shell's input, until the end of it. */
    private List<String> lines(String typed) throws IOException {
        List<String> lines = new ArrayList<>();
        try (TerminalInput input = terminal(TypedTerminal.typing(typed), folder.resolve("history"))) {
            for (String line = input.readLine("ftp> "); line != null; line = input.readLine("ftp> ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private TerminalInput terminal(TypedTerminal typed, Path history) throws IOException {
        return typed.open(history, new ShellCompleter(remote, () -> local));
    }
}

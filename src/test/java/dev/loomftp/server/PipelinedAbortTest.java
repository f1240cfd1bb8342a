package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands a client pipelines while a download runs: ABOR, STAT and NOOP are found and answered at
 * once however many lines came before them, and every other line gets exactly one reply, in its
 * order, after the transfer (RFC 959). The download is large and the client does not read it, so
 * it would run until the stall timeout if ABOR were not found.
 */
@ExtendWith(StopServers.class)
class PipelinedAbortTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        Path home = server.folder("alice");
        try (RandomAccessFile big = new RandomAccessFile(home.resolve("big.bin").toFile(), "rw")) {
            big.setLength(256L * 1024 * 1024);
        }
        Files.write(home.resolve("small.bin"), new byte[1234]);
    }


    @Test
    void aborBehindAHundredPipelinedLinesIsAnsweredAtOnceAndEveryLineGetsOneReply() throws Exception {
        List<String> kinds = List.of("NOOP", "PWD", "TYPE I", "SIZE small.bin", "SIZE missing.bin");
        List<Integer> codes = List.of(200, 257, 200, 213, 550);
        List<String> pipelined = new ArrayList<>();
        List<Integer> atOnce = new ArrayList<>();
        List<Integer> afterTransfer = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pipelined.add(kinds.get(i % kinds.size()));
            (i % kinds.size() == 0 ? atOnce : afterTransfer).add(codes.get(i % kinds.size()));
        }
        pipelined.add("STAT");
        atOnce.add(213);

        List<Integer> replies = downloadThenPipeline(pipelined);

        List<Integer> expected = new ArrayList<>(atOnce);
        expected.addAll(List.of(426, 226));
        expected.addAll(afterTransfer);
        expected.add(200);
        assertEquals(expected, replies);
    }

    @Test
    void linesPastWhatIsHeldForAfterTheTransferAreRefusedInTheirPlace() throws Exception {
        // TestServer's line limit is 1,024 bytes: 40 lines of 964 bytes are more than the server
        // holds for after a transfer (16 such lines' worth), but fewer than close the connection.
        String longCwd = "CWD " + "/.".repeat(480);
        List<String> pipelined = Collections.nCopies(40, longCwd);

        List<Integer> replies = downloadThenPipeline(pipelined);

        assertEquals(List.of(426, 226), replies.subList(0, 2));
        List<Integer> lines = replies.subList(2, 42);
        int held = lines.indexOf(500);
        assertTrue(held > 0, "some lines are held and run: " + lines);
        assertEquals(Collections.nCopies(held, 250), lines.subList(0, held));
        assertEquals(Collections.nCopies(40 - held, 500), lines.subList(held, 40));
        assertEquals(List.of(200), replies.subList(42, replies.size()), "the session goes on");
    }

    /**
     * Starts a download that the client does not read, sends {@code pipelined} and ABOR in one
     * write, then NOOP once every line has its reply. Returns the codes of the replies after the
     * 150, which must all come promptly: 426 and 226 for the aborted download, one for each line,
     * and the NOOP's.
     */
    private List<Integer> downloadThenPipeline(List<String> pipelined) throws Exception {
        List<Integer> replies = new CopyOnWriteArrayList<>();
        try (RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD)) {
            assertEquals(200, client.command("TYPE I").code());
            try (Socket data = DataSocket.open(client)) {
                assertEquals(150, client.command("RETR big.bin").code());
                data.getInputStream().readNBytes(64 * 1024);
                Thread reader = Thread.ofVirtual().name("test-reply-reader").start(() -> readAll(client, replies));
                try {
                    client.send(String.join("\r\n", pipelined) + "\r\nABOR\r\n");
                    await().atMost(RawClient.PROMPTLY).until(() -> replies.contains(226));
                    await().atMost(RawClient.PROMPTLY).until(() -> replies.size() == pipelined.size() + 2);
                    client.send("NOOP\r\n");
                    await().atMost(RawClient.PROMPTLY).until(() -> replies.size() == pipelined.size() + 3);
                } finally {
                    client.close();
                    reader.join();
                }
            }
        }
        return List.copyOf(replies);
    }

    private static void readAll(RawClient client, List<Integer> replies) {
        try {
            while (true) {
                replies.add(client.reply().code());
            }
        } catch (IOException e) {
            // The test closed the connection.
        }
    }
}

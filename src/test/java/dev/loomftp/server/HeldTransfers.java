package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many transfers held half-way, so that something can happen to a server (a drain, a reload)
 * while all of them run: each download has read its first bytes and each upload has written its
 * first bytes, and none goes on until {@link #finish} lets them all go on at once. A download
 * runs on only if its file is larger than what the sockets hold on the way (up to about 10 MiB on
 * Linux's loopback); an upload always does.
 */
final class HeldTransfers implements AutoCloseable {
    /** What each transfer moves before it is held. */
    static final int HELD_AT = 64 * 1024;

    private final List<Transfer> transfers;

    private HeldTransfers(List<Transfer> transfers) {
        this.transfers = transfers;
    }

    /** One transfer: its connections, and the bytes it moves (the file, or the upload). */
    private record Transfer(RawClient control, Socket data, boolean upload, String name, byte[] bytes) {}

    /**
     * Starts {@code downloads} downloads of {@code download} (a file in alice's home) and
     * {@code uploads} uploads of {@code uploadSize} random bytes each, as alice, one session each.
     */
    static HeldTransfers start(TestServer server, String download, int downloads, int uploads, int uploadSize)
            throws IOException {
        byte[] file = Files.readAllBytes(server.folder("alice").resolve(download));
        List<Transfer> transfers = new ArrayList<>();
        Random random = new Random(downloads * 31L + uploads);
        try {
            for (int i = 0; i < downloads + uploads; i++) {
                boolean upload = i >= downloads;
                RawClient control = RawClient.greeted(server.address()).login("alice", "alice-password");
                transfers.add(new Transfer(control, null, upload, null, null));
                DataSocket.expect(200, control.command("TYPE I"));
                Socket data = DataSocket.open(control);
                String name = upload ? "upload-" + i + ".bin" : download;
                byte[] bytes = file;
                if (upload) {
                    bytes = new byte[uploadSize];
                    random.nextBytes(bytes);
                }
                transfers.set(i, new Transfer(control, data, upload, name, bytes));
                DataSocket.expect(150, control.command((upload ? "STOR " : "RETR ") + name));
                if (upload) {
                    data.getOutputStream().write(bytes, 0, HELD_AT);
                } else {
                    assertArrayEquals(Arrays.copyOf(bytes, HELD_AT),
                            data.getInputStream().readNBytes(HELD_AT));
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            new HeldTransfers(transfers).close();
            throw e;
        }
        return new HeldTransfers(transfers);
    }

    /**
     * Lets every transfer go on, all at once, and checks that each ends with 226 and moved every
     * byte: a download's bytes equal the file, and an upload's file in {@code home} equals what
     * was sent.
     */
    void finish(Path home) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> results = new ArrayList<>();
            for (Transfer transfer : transfers) {
                results.add(threads.submit(() -> finish(transfer)));
            }
            for (Future<Void> result : results) {
                result.get();
            }
            for (Transfer transfer : transfers) {
                if (transfer.upload()) {
                    assertArrayEquals(transfer.bytes(), Files.readAllBytes(home.resolve(transfer.name())),
                            transfer.name());
                }
            }
        }
    }

    private static Void finish(Transfer transfer) throws IOException {
        try (Socket data = transfer.data()) {
            if (transfer.upload()) {
                OutputStream out = data.getOutputStream();
                out.write(transfer.bytes(), HELD_AT, transfer.bytes().length - HELD_AT);
                data.shutdownOutput();
            } else {
                InputStream in = data.getInputStream();
                byte[] chunk = new byte[HELD_AT];
                int at = HELD_AT;
                for (int read; (read = in.read(chunk)) > 0; at += read) {
                    assertTrue(at + read <= transfer.bytes().length, "more bytes than the file has");
                    assertArrayEquals(Arrays.copyOfRange(transfer.bytes(), at, at + read),
                            Arrays.copyOf(chunk, read), "bytes " + at + " to " + (at + read));
                }
                assertEquals(transfer.bytes().length, at, "the whole file");
            }
        }
        assertEquals(226, transfer.control().reply().code(), transfer.name());
        return null;
    }

    /** The control connections, in the order the transfers started. */
    List<RawClient> controls() {
        return transfers.stream().map(Transfer::control).toList();
    }

    @Override
    public void close() throws IOException {
        for (Transfer transfer : transfers) {
            if (transfer.data() != null) {
                transfer.data().close();
            }
            transfer.control().close();
        }
    }
}

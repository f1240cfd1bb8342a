package dev.loomftp.bench;

import static dev.loomftp.bench.Bench.FILE_SIZE;
import static dev.loomftp.bench.Bench.PASSWORD;
import static dev.loomftp.bench.Bench.ROUNDS;
import static dev.loomftp.bench.Bench.USER;
import static dev.loomftp.bench.Bench.mebibytes;
import static dev.loomftp.bench.Bench.median;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Side-by-side figures for loomftp (the built image) and the peers from apt, vsftpd and
 * pyftpdlib, in one run on this machine over loopback: download and upload throughput of one
 * large file with curl as the client, and the memory each server holds with many logged-in idle
 * sessions. Not a test: run it with {@code mvn -q -DskipTests -Pbench package}.
 *
 * <p>Every server runs as its own process and serves the same file from the page cache. Memory
 * is the proportional set size (PSS) of the server's whole process tree, so vsftpd's process per
 * session is counted fairly. Every loop is bounded in count and time.
 */
public final class PeerBenchmark {
    private static final int IDLE_SESSIONS = 500;

    private final Path work;
    private final Path image;
    private final Path payload;

    private PeerBenchmark(Path work, Path image, Path payload) {
        this.work = work;
        this.image = image;
        this.payload = payload;
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args.length > 0 ? args[0] : "target/image").toAbsolutePath();
        Path work = Files.createTempDirectory("loomftp-bench-");
        try {
            Path payload = work.resolve("payload.bin");
            Bench.writeRandom(payload, FILE_SIZE);
            new PeerBenchmark(work, image, payload).run();
        } finally {
            Bench.deleteTree(work);
        }
    }

    /** Starts one server; each is started only when its turn comes, and stopped after it. */
    @FunctionalInterface
    private interface Starter {
        Peer start() throws IOException, InterruptedException;
    }

    private void run() throws Exception {
        String afterAttack = "";
        List<Starter> peers = new ArrayList<>();
        peers.add(() -> Peer.loomftp(image, work, payload, 2201));
        if (Peer.vsftpdRuns()) {
            peers.add(() -> Peer.vsftpd(work, payload, 2202));
        }
        if (Peer.pyftpdlibRuns()) {
            peers.add(() -> Peer.pyftpdlib(work, payload, 2203));
        }
        System.out.printf(Locale.ROOT, "%s, %d cores, file %d MiB, %d rounds (median), %d idle sessions%n%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), FILE_SIZE >> 20, ROUNDS, IDLE_SESSIONS);
        System.out.println("| server | download MB/s | upload MB/s | memory at start MiB | after transfers MiB"
                + " | with " + IDLE_SESSIONS + " idle sessions MiB |");
        System.out.println("|---|---|---|---|---|---|");
        for (Starter starter : peers) {
            try (Peer peer = starter.start()) {
                peer.awaitListening();
                double start = mebibytes(Memory.pss(peer.process().pid()));
                double down = median(() -> curlSeconds(peer, List.of("-o", "/dev/null", peer.url("payload.bin"))));
                double up = median(() -> curlSeconds(peer, List.of("-T", payload.toString(), peer.url("up/upload.bin"))));
                double rest = mebibytes(Memory.pss(peer.process().pid()));
                double busy = withIdleSessions(peer);
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.1f | %.1f | %.1f |%n", peer.name(),
                        FILE_SIZE / down / 1e6, FILE_SIZE / up / 1e6, start, rest, busy);
                if (peer.name().equals("loomftp")) {
                    attack(peer);
                    double after = median(() -> curlSeconds(peer, List.of("-o", "/dev/null", peer.url("payload.bin"))));
                    afterAttack = String.format(Locale.ROOT, "loomftp download after an attack (2,000 connections,"
                            + " 500 PASV, a 10 MB line, 3 wrong passwords): %.0f MB/s, against %.0f MB/s before",
                            FILE_SIZE / after / 1e6, FILE_SIZE / down / 1e6);
                }
            }
        }
        System.out.println();
        System.out.println(afterAttack);
    }

    /** What HostileClientTest does, at once: floods, junk and guessing, all bounded. */
    private static void attack(Peer peer) throws IOException {
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 2000; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", peer.port()), 10_000);
                flood.add(socket);
            }
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
        }
        try (Socket socket = new Socket("127.0.0.1", peer.port())) {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            command(out, "USER " + USER);
            expect(in, "331");
            command(out, "PASS " + PASSWORD);
            expect(in, "230");
            for (int i = 0; i < 500; i++) {
                command(out, "PASV");
                expect(in, "227");
            }
            byte[] junk = new byte[10 * 1024 * 1024];
            java.util.Arrays.fill(junk, (byte) 'A');
            out.write(junk);
            command(out, "");
            expect(in, "500", "421");
        }
        for (int i = 0; i < 3; i++) {
            try (Socket socket = new Socket("127.0.0.1", peer.port())) {
                socket.setSoTimeout(60_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream();
                expect(in, "220", "421");
                command(out, "USER guess" + i);
                expect(in, "331", "421");
                command(out, "PASS wrong");
                expect(in, "530", "421");
            }
        }
    }

    /** Opens {@link #IDLE_SESSIONS} logged-in sessions, measures the server, and closes them. */
    private static double withIdleSessions(Peer peer) throws IOException, InterruptedException {
        List<Socket> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < IDLE_SESSIONS; i++) {
                Socket socket = new Socket();
                sessions.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", peer.port()), 10_000);
                socket.setSoTimeout(30_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream();
                expect(in, "220");
                command(out, "USER " + (peer.withUser() ? USER : "anonymous"));
                if (expect(in, "331", "230").startsWith("331")) {
                    command(out, "PASS " + (peer.withUser() ? PASSWORD : "bench@"));
                    expect(in, "230");
                }
            }
            return mebibytes(Memory.pss(peer.process().pid()));
        } finally {
            for (Socket socket : sessions) {
                socket.close();
            }
        }
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads one reply (the last line of a multi-line one), checks its code and returns it. */
    private static String expect(BufferedReader in, String... codes) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed waiting for " + String.join(" or ", codes));
            }
        } while (!(line.length() >= 4 && Character.isDigit(line.charAt(0)) && line.charAt(3) == ' '));
        for (String code : codes) {
            if (line.startsWith(code)) {
                return line;
            }
        }
        throw new IOException("expected " + String.join(" or ", codes) + " but got " + line);
    }

    private double curlSeconds(Peer peer, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail"));
        if (peer.withUser()) {
            command.addAll(List.of("-u", USER + ":" + PASSWORD));
        }
        command.addAll(args);
        return Bench.run(command).seconds();
    }
}

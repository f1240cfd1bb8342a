package dev.loomftp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
    private static final long FILE_SIZE = 1L << 30;
    private static final int ROUNDS = 3;
    private static final int IDLE_SESSIONS = 500;
    private static final Duration STEP_LIMIT = Duration.ofMinutes(3);
    private static final String USER = "bench";
    private static final String PASSWORD = "bench-password-1";

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
            writeRandom(payload, FILE_SIZE);
            new PeerBenchmark(work, image, payload).run();
        } finally {
            deleteTree(work);
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
        peers.add(() -> loomftp(2201));
        if (Files.isExecutable(Path.of("/usr/sbin/vsftpd"))) {
            peers.add(() -> vsftpd(2202));
        }
        if (python3HasPyftpdlib()) {
            peers.add(() -> pyftpdlib(2203));
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

    private Peer loomftp(int port) throws IOException, InterruptedException {
        Path home = work.resolve("loomftp");
        Path data = Files.createDirectories(home.resolve("data/" + USER + "/up"));
        Files.createLink(data.getParent().resolve("payload.bin"), payload);
        Path config = home.resolve("loomftp.json");
        Files.writeString(config, """
                {
                  "listeners": [ { "address": "127.0.0.1", "port": %d } ],
                  "passive": { "minPort": 44000, "maxPort": 44999 },
                  "storage": { "root": "data" },
                  "users": { "file": "users.txt" },
                  "limits": { "maxSessions": 2000, "maxSessionsPerAddress": 2000 },
                  "logging": { "level": "warn" }
                }
                """.formatted(port));
        Process add = new ProcessBuilder(image.resolve("bin/loomftp").toString(), "user", "add", USER,
                "--password-stdin", "--config", config.toString()).redirectErrorStream(true).start();
        add.getOutputStream().write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        add.getOutputStream().close();
        add.getInputStream().readAllBytes();
        if (!add.waitFor(60, TimeUnit.SECONDS) || add.exitValue() != 0) {
            throw new IOException("loomftp user add failed");
        }
        return Peer.start("loomftp", port, true, home, List.of(image.resolve("bin/loomftp").toString(),
                "serve", "--config", config.toString()));
    }

    private Peer vsftpd(int port) throws IOException, InterruptedException {
        Path home = work.resolve("vsftpd");
        Path root = Files.createDirectories(home.resolve("root"));
        Path up = Files.createDirectories(root.resolve("up"));
        Files.createLink(root.resolve("payload.bin"), payload);
        Path empty = Files.createDirectories(home.resolve("empty"));
        run(List.of("chown", "ftp", up.toString()));
        Path config = home.resolve("vsftpd.conf");
        Files.writeString(config, String.join("\n",
                "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=" + port, "background=NO",
                "anonymous_enable=YES", "local_enable=NO", "anon_root=" + root, "no_anon_password=YES",
                "write_enable=YES", "anon_upload_enable=YES", "anon_other_write_enable=YES", "anon_umask=022",
                "pasv_min_port=45000", "pasv_max_port=45999", "secure_chroot_dir=" + empty, "seccomp_sandbox=NO",
                "max_clients=2000", "max_per_ip=2000", "xferlog_enable=NO", "use_sendfile=YES", "") + "\n");
        return Peer.start("vsftpd 3.0.3", port, false, home, List.of("/usr/sbin/vsftpd", config.toString()));
    }

    private Peer pyftpdlib(int port) throws IOException {
        Path home = work.resolve("pyftpdlib");
        Path root = Files.createDirectories(home.resolve("root"));
        Files.createDirectories(root.resolve("up"));
        Files.createLink(root.resolve("payload.bin"), payload);
        return Peer.start("pyftpdlib", port, true, home, List.of("/usr/bin/python3", "-m", "pyftpdlib",
                "-i", "127.0.0.1", "-p", Integer.toString(port), "-w", "-d", root.toString(),
                "-u", USER, "-P", PASSWORD, "-r", "46000-46999"));
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
        long started = System.nanoTime();
        run(command);
        return (System.nanoTime() - started) / 1e9;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(STEP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(command + " took longer than " + STEP_LIMIT);
        }
        if (process.exitValue() != 0) {
            throw new IOException(command + " failed: " + output);
        }
    }

    @FunctionalInterface
    private interface Measurement {
        double seconds() throws IOException, InterruptedException;
    }

    private static double median(Measurement measurement) throws IOException, InterruptedException {
        List<Double> results = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            results.add(measurement.seconds());
        }
        results.sort(Comparator.naturalOrder());
        return results.get(ROUNDS / 2);
    }

    private static double mebibytes(long kibibytes) {
        return kibibytes / 1024.0;
    }

    private static boolean python3HasPyftpdlib() throws IOException, InterruptedException {
        Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import pyftpdlib").start();
        return check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
    }

    private static void writeRandom(Path file, long size) throws IOException {
        Random random = new Random(1);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** A server under test, as a process. */
    private record Peer(String name, int port, boolean withUser, Path folder, Process process) implements AutoCloseable {

        static Peer start(String name, int port, boolean withUser, Path folder, List<String> command)
                throws IOException {
            Process process = new ProcessBuilder(command).directory(folder.toFile())
                    .redirectOutput(folder.resolve("stdout.log").toFile())
                    .redirectError(folder.resolve("stderr.log").toFile())
                    .start();
            return new Peer(name, port, withUser, folder, process);
        }

        String url(String path) {
            return "ftp://127.0.0.1:" + port + "/" + path;
        }

        /** Waits, bounded, until the server greets a client. */
        void awaitListening() throws IOException {
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with " + process.exitValue() + ": "
                            + Files.readString(folder.resolve("stderr.log")));
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    socket.setSoTimeout(5000);
                    InputStream in = socket.getInputStream();
                    if (in.read() == '2') {
                        return;
                    }
                } catch (IOException notYet) {
                    process.onExit().completeOnTimeout(process, 100, TimeUnit.MILLISECONDS).join();
                }
            }
            throw new IOException(name + " did not start listening on port " + port);
        }

        @Override
        public void close() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Memory of a process tree, from /proc. */
    private static final class Memory {
        private Memory() {}

        /** The PSS of a process and all its descendants, in KiB. */
        static long pss(long pid) {
            return Stream.concat(Stream.of(pid), ProcessHandle.of(pid).stream()
                            .flatMap(ProcessHandle::descendants).map(ProcessHandle::pid))
                    .mapToLong(Memory::ownPss).sum();
        }

        private static long ownPss(long pid) {
            try {
                return Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup")).stream()
                        .filter(line -> line.startsWith("Pss:"))
                        .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                        .sum();
            } catch (IOException e) {
                return 0;
            }
        }
    }
}

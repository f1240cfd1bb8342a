package dev.loomftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak of the image: for {@code -Dsoak.seconds} (skipped without it; .ci/run gives 60, a
 * release 600), clients at a steady load log in and out, list, move small and large files both
 * ways byte for byte, abort downloads, fail logins and send garbage; meanwhile the server's own
 * metrics are read every few seconds. Afterwards, idle again, its platform threads and file
 * descriptors must be back where they started and its heap flat, and no client may have seen an
 * answer it should not have. The figures go to target/soak.txt.
 */
class SoakIT {
    private static final int CLIENTS = 16;
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(3);
    private static final String PASSWORD = "soak-password-1";
    private static final Duration WARM_UP = Duration.ofSeconds(10);
    /** What the heap, collected, may hold more at the end than after the warm-up. */
    private static final long HEAP_ALLOWANCE = 8L * 1024 * 1024;

    @TempDir
    Path folder;

    /** One reading of the server's metrics. */
    private record Sample(long millis, long sessions, long threads, long fds, long heap) {}

    @Test
    void aSteadyMixedLoadLeavesThreadsDescriptorsAndHeapFlat() throws Exception {
        String seconds = System.getProperty("soak.seconds");
        assumeTrue(seconds != null, "run with -Dsoak.seconds=N");
        Duration length = Duration.ofSeconds(Long.parseLong(seconds));
        Path launcher = Path.of(System.getProperty("loomftp.image", "target/image")).resolve("bin/loomftp")
                .toAbsolutePath();
        int metricsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            metricsPort = free.getLocalPort();
        }
        Path config = Files.writeString(folder.resolve("loomftp.json"), """
                {
                  "listeners": [ { "address": "127.0.0.1", "port": 0 } ],
                  "passive": { "minPort": 44000, "maxPort": 44999 },
                  "storage": { "root": "data" },
                  "users": { "file": "users.txt" },
                  "limits": { "maxSessions": 200, "maxSessionsPerAddress": 200 },
                  "logins": { "failureDelay": "1ms", "maxFailureDelay": "2ms", "banAfterFailures": 1000000 },
                  "logging": { "level": "warn", "file": "logs/loomftp.log" },
                  "tls": { "control": "off", "data": "off" },
                  "metrics": { "listener": { "address": "127.0.0.1", "port": %d } }
                }
                """.formatted(metricsPort));
        Process add = new ProcessBuilder(launcher.toString(), "user", "add", "alice", "--password-stdin", "--config",
                config.toString()).directory(folder.toFile()).start();
        add.getOutputStream().write((PASSWORD + "\n").getBytes(StandardCharsets.US_ASCII));
        add.getOutputStream().close();
        assertTrue(add.waitFor(60, TimeUnit.SECONDS) && add.exitValue() == 0);
        byte[] large = new byte[20 * 1024 * 1024];
        new Random(1).nextBytes(large);
        Files.createDirectories(folder.resolve("data/alice"));
        Files.write(folder.resolve("data/alice/large.bin"), large);

        Process server = new ProcessBuilder(launcher.toString(), "serve", "--config", config.toString())
                .directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(folder.resolve("serve.out").toFile()).start();
        try {
            int port = await().atMost(Duration.ofSeconds(60)).until(() -> portOf(folder.resolve("serve.out")), p -> p > 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> scrape(metricsPort) != null);
            Map<String, LongAdder> done = new ConcurrentHashMap<>();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            // A short warm-up first, so that what the JIT and the caches keep for good is in the baseline.
            long warm = System.nanoTime() + WARM_UP.toNanos();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CLIENTS; i++) {
                    int client = i;
                    clients.submit(() -> loop(client, port, large, warm, new ConcurrentHashMap<>(), failures));
                }
            }
            Sample before = idle(server, metricsPort, 0);
            List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
            long started = System.nanoTime();
            long deadline = started + length.toNanos();
            java.util.concurrent.ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    samples.add(sample(metricsPort, (System.nanoTime() - started) / 1_000_000));
                } catch (IOException e) {
                    failures.add("the metrics endpoint did not answer: " + e);
                }
            }, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CLIENTS; i++) {
                    int client = i;
                    clients.submit(() -> loop(client, port, large, deadline, done, failures));
                }
            } finally {
                sampler.shutdownNow();
                assertTrue(sampler.awaitTermination(30, TimeUnit.SECONDS));
            }
            Sample after = idle(server, metricsPort, (System.nanoTime() - started) / 1_000_000);
            String report = report(length, before, after, samples, done, failures);
            Files.writeString(Path.of("target/soak.txt"), report);
            System.out.println(report);

            assertEquals(List.of(), failures.stream().limit(20).toList(), "what clients saw that they should not");
            assertTrue(done.values().stream().mapToLong(LongAdder::sum).sum() > CLIENTS * length.toSeconds() / 4,
                    "the load ran: " + done);
            assertTrue(after.threads() <= before.threads() + 2, "platform threads: " + before + " then " + after);
            assertTrue(after.fds() <= before.fds() + 5, "file descriptors: " + before + " then " + after);
            assertTrue(after.heap() <= before.heap() + HEAP_ALLOWANCE, "heap after a GC: " + before + " then " + after);
            String log = Files.exists(folder.resolve("logs/loomftp.log"))
                    ? Files.readString(folder.resolve("logs/loomftp.log")) : "";
            assertTrue(!log.contains("internal error") && !log.contains(" ERROR "), log);
        } finally {
            server.destroy();
            assertTrue(server.waitFor(60, TimeUnit.SECONDS));
        }
    }

    /** One client's loop: a mix of what users do, each step checked, until the deadline. */
    private static void loop(int id, int port, byte[] large, long deadline, Map<String, LongAdder> done,
            List<String> failures) {
        Random random = new Random(id);
        byte[] small = new byte[10_000 + id];
        random.nextBytes(small);
        while (System.nanoTime() < deadline) {
            int pick = random.nextInt(100);
            String kind = pick < 30 ? "list" : pick < 60 ? "small" : pick < 70 ? "large" : pick < 80 ? "abort"
                    : pick < 90 ? "bad-login" : "garbage";
            try {
                switch (kind) {
                    case "garbage" -> garbage(port, random);
                    default -> withClient(port, kind, client -> step(kind, id, client, small, large, random));
                }
                done.computeIfAbsent(kind, key -> new LongAdder()).increment();
            } catch (IOException | RuntimeException e) {
                failures.add(kind + " (client " + id + "): " + e);
            }
        }
    }

    @FunctionalInterface
    private interface Step {
        void run(FTPClient client) throws IOException;
    }

    private static void withClient(int port, String kind, Step step) throws IOException {
        FTPClient client = new FTPClient();
        client.setDefaultTimeout(60_000);
        client.connect("127.0.0.1", port);
        try {
            step.run(client);
        } finally {
            if (client.isConnected()) {
                client.disconnect();
            }
        }
    }

    private static void step(String kind, int id, FTPClient client, byte[] small, byte[] large, Random random)
            throws IOException {
        if (kind.equals("bad-login")) {
            expect(!client.login("alice", "wrong-password"), client, "a wrong password was taken");
        }
        expect(client.login("alice", PASSWORD), client, "login");
        client.setFileType(FTP.BINARY_FILE_TYPE);
        client.enterLocalPassiveMode();
        switch (kind) {
            case "list", "bad-login" -> {
                expect(client.listFiles() != null, client, "LIST");
                expect(client.listNames() != null, client, "NLST");
            }
            case "small" -> {
                String name = "small-" + id + ".bin";
                expect(client.storeFile(name, new ByteArrayInputStream(small)), client, "STOR small");
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                expect(client.retrieveFile(name, back), client, "RETR small");
                expect(Arrays.equals(small, back.toByteArray()), client, "small file differs");
            }
            case "large" -> {
                String name = "large-" + id + ".bin";
                byte[] part = Arrays.copyOf(large, 4 * 1024 * 1024);
                expect(client.storeFile(name, new ByteArrayInputStream(part)), client, "STOR large");
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                expect(client.retrieveFile(name, back), client, "RETR large");
                expect(Arrays.equals(part, back.toByteArray()), client, "large file differs");
            }
            case "abort" -> {
                try (InputStream in = client.retrieveFileStream("large.bin")) {
                    expect(in != null, client, "RETR to abort");
                    in.readNBytes(100_000 + random.nextInt(100_000));
                    client.abort();
                }
                // RFC 959: 426 for the transfer, then 226 for the ABOR.
                expect(client.getReplyCode() == 426, client, "ABOR's first reply");
                expect(client.getReply() == 226, client, "ABOR's second reply");
                expect(client.sendNoOp(), client, "NOOP after ABOR");
            }
            default -> throw new IllegalStateException(kind);
        }
        client.logout();
    }

    /** A client that sends an over-long line and a broken one, then vanishes with a reset. */
    private static void garbage(int port, Random random) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getInputStream().readNBytes(6);
            byte[] junk = new byte[5000 + random.nextInt(3000)];
            random.nextBytes(junk);
            socket.getOutputStream().write(junk);
            socket.getOutputStream().write("\r\nUSER\u0000x\r\n".getBytes(StandardCharsets.UTF_8));
            socket.setSoLinger(true, 0);
        }
    }

    private static void expect(boolean ok, FTPClient client, String what) throws IOException {
        if (!ok) {
            throw new IOException(what + ": " + client.getReplyString().strip());
        }
    }

    /**
     * Waits until no session runs, has the server collect its garbage (jcmd GC.run, from the JDK
     * that runs this test), and reads the metrics: the heap then is what is live.
     */
    private static Sample idle(Process server, int metricsPort, long millis) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> sample(metricsPort, 0).sessions() == 0);
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(server.pid()), "GC.run").redirectErrorStream(true).start();
        String said = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0, said);
        return sample(metricsPort, millis);
    }

    private static int portOf(Path out) throws IOException {
        if (!Files.exists(out)) {
            return 0;
        }
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("Listening on ftp://127\\.0\\.0\\.1:(\\d+)/")
                .matcher(Files.readString(out));
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static Sample sample(int metricsPort, long millis) throws IOException {
        Map<String, Long> values = scrape(metricsPort);
        if (values == null) {
            throw new IOException("the metrics endpoint does not answer");
        }
        return new Sample(millis, values.get("loomftp_sessions"), values.get("jvm_threads_platform"),
                values.get("process_open_fds"), values.get("jvm_memory_used_bytes{area=\"heap\"}"));
    }

    /** The integer samples of /metrics, or null when it does not answer. */
    private static Map<String, Long> scrape(int metricsPort) {
        try (Socket socket = new Socket("127.0.0.1", metricsPort)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Long> values = new java.util.HashMap<>();
            for (String line : text.substring(text.indexOf("\r\n\r\n") + 4).split("\n")) {
                int space = line.lastIndexOf(' ');
                if (!line.startsWith("#") && space > 0 && line.substring(space + 1).matches("\\d+")) {
                    values.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
                }
            }
            return values;
        } catch (IOException e) {
            return null;
        }
    }

    private static String report(Duration length, Sample before, Sample after, List<Sample> samples,
            Map<String, LongAdder> done, List<String> failures) {
        StringBuilder out = new StringBuilder();
        out.append("soak of ").append(length.toSeconds()).append(" s, ").append(CLIENTS).append(" clients\n");
        out.append("operations: ").append(new java.util.TreeMap<>(done)).append(", failures: ").append(failures.size())
                .append('\n');
        out.append("idle after the warm-up, collected: ").append(before).append('\n');
        out.append("idle at the end, collected:        ").append(after).append('\n');
        out.append("t(s)  sessions  threads  fds  heap(MiB)\n");
        for (Sample sample : samples) {
            out.append(String.format("%5d %9d %8d %4d %10.1f%n", sample.millis() / 1000, sample.sessions(),
                    sample.threads(), sample.fds(), sample.heap() / 1048576.0));
        }
        return out.toString();
    }
}

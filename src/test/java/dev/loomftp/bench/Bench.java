package dev.loomftp.bench;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the benchmarks share: the login of the servers that need one, the payload, bounded runs of
 * other programs, and the median of rounds. Every wait here is bounded by {@link #STEP_LIMIT}.
 */
final class Bench {
    /** The size of the file every server serves and every client moves. */
    static final long FILE_SIZE = 1L << 30;
    /** How many times each figure is measured; the median is reported. */
    static final int ROUNDS = 3;
    /** The longest any one program may run. */
    static final Duration STEP_LIMIT = Duration.ofMinutes(3);
    /** The user of the servers that do not take anonymous logins (loomftp, pyftpdlib). */
    static final String USER = "bench";
    static final String PASSWORD = "bench-password-1";
    /** How often a running program's memory is read. */
    private static final long SAMPLE_MILLIS = 20;

    private Bench() {}

    /** One run of a program: its wall time and the most resident memory it (or a child) held. */
    record Outcome(double seconds, long peakKib) {
    }

    /** Runs {@code command} with this process's environment; see {@link #run(ProcessBuilder)}. */
    static Outcome run(List<String> command) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command));
    }

    /**
     * Runs a program to its end, no longer than {@link #STEP_LIMIT}, reading its peak resident
     * memory (VmHWM) every {@value #SAMPLE_MILLIS} ms meanwhile. Its output goes to a file, read only
     * when it fails, so it can never block on a full pipe; its input is empty unless the builder
     * names one.
     *
     * @throws IOException when it takes too long or exits with another code than 0
     */
    static Outcome run(ProcessBuilder builder) throws IOException, InterruptedException {
        Path log = Files.createTempFile("loomftp-bench-", ".log");
        try {
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            if (builder.redirectInput() == ProcessBuilder.Redirect.PIPE) {
                builder.redirectInput(new File("/dev/null"));
            }
            long started = System.nanoTime();
            Process process = builder.start();
            long deadline = started + STEP_LIMIT.toNanos();
            long peak = 0;
            while (!process.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
                peak = Math.max(peak, Memory.peak(process.pid()));
                if (System.nanoTime() > deadline) {
                    stop(process);
                    throw new IOException(builder.command() + " took longer than " + STEP_LIMIT);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (process.exitValue() != 0) {
                throw new IOException(builder.command() + " failed with exit code " + process.exitValue() + ": "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            return new Outcome(seconds, peak);
        } finally {
            Files.delete(log);
        }
    }

    /** Ends a process and everything it started, forcibly. */
    static void stop(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** A measurement that takes a while, such as one transfer. */
    @FunctionalInterface
    interface Measurement {
        double seconds() throws IOException, InterruptedException;
    }

    /** Measures {@link #ROUNDS} times and returns the median. */
    static double median(Measurement measurement) throws IOException, InterruptedException {
        List<Double> results = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            results.add(measurement.seconds());
        }
        return median(results);
    }

    /** The median of some figures. */
    static double median(List<Double> figures) {
        List<Double> sorted = figures.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static double mebibytes(long kibibytes) {
        return kibibytes / 1024.0;
    }

    /** Throughput in MB/s (10^6 bytes a second) of {@code bytes} moved in {@code seconds}. */
    static double megabytesPerSecond(long bytes, double seconds) {
        return bytes / seconds / 1e6;
    }

    /** Writes {@code size} bytes from a seeded generator, the same on every run. */
    static void writeRandom(Path file, long size) throws IOException {
        writeRandom(file, size, new Random(1));
    }

    /** Writes {@code size} bytes from {@code random}. */
    static void writeRandom(Path file, long size, Random random) throws IOException {
        byte[] chunk = new byte[(int) Math.min(size, 1 << 20)];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
        }
    }

    /** Deletes a folder tree, when it is there. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

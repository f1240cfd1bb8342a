package dev.loomftp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The memory of a server running on this machine, from /proc: the proportional set size (PSS) of
 * its process and every process it started, so that a server with a process per session (vsftpd)
 * is counted fairly against one with a thread per session. A process that is gone counts as 0.
 */
final class ServerMemory {
    private final long pid;

    ServerMemory(long pid) {
        this.pid = pid;
    }

    /** The PSS of the server's process tree, in KiB. */
    long pssKib() {
        return Stream.concat(Stream.of(pid), ProcessHandle.of(pid).stream()
                        .flatMap(ProcessHandle::descendants).map(ProcessHandle::pid))
                .mapToLong(id -> field(Path.of("/proc/" + id + "/smaps_rollup"), "Pss:"))
                .sum();
    }

    /** Whether the server can be read here: it runs on this machine, and this user may read its memory. */
    boolean readable() {
        return Files.isReadable(Path.of("/proc/" + pid + "/smaps_rollup")) && pssKib() > 0;
    }

    /** The sum of the lines of {@code file} that start with {@code name}, which are in kB. */
    private static long field(Path file, String name) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(line -> line.startsWith(name))
                    .mapToLong(line -> Long.parseLong(line.substring(name.length()).replace("kB", "").strip()))
                    .sum();
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /**
     * Reads the server's PSS every {@code periodMillis} while {@code work} runs, on a thread of
     * its own that ends with it, and returns the most it saw (at least one reading, taken after).
     */
    <T> Peak<T> peakDuring(long periodMillis, Work<T> work) throws IOException, InterruptedException {
        long[] most = {0};
        Thread sampler = Thread.ofVirtual().name("bench-memory").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                most[0] = Math.max(most[0], pssKib());
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        });
        T result;
        try {
            result = work.run();
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        return new Peak<>(result, Math.max(most[0], pssKib()));
    }

    /** Something measured while memory is sampled. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException, InterruptedException;
    }

    /** What {@link #peakDuring} returns: the work's result and the most memory seen meanwhile. */
    record Peak<T>(T result, long kib) {
    }
}

package dev.loomftp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** Memory of a process tree, from /proc; a process that is gone counts as 0. */
final class Memory {
    private Memory() {}

    /** The PSS (proportional set size) of a process and all its descendants, in KiB. */
    static long pss(long pid) {
        return tree(pid).map(id -> field(Path.of("/proc/" + id + "/smaps_rollup"), "Pss:")).sum();
    }

    /** The highest peak resident set size (VmHWM) so far of a process or any of its descendants, in KiB. */
    static long peak(long pid) {
        return tree(pid).map(id -> field(Path.of("/proc/" + id + "/status"), "VmHWM:")).max().orElse(0);
    }

    private static LongStream tree(long pid) {
        return Stream.concat(Stream.of(pid), ProcessHandle.of(pid).stream()
                        .flatMap(ProcessHandle::descendants).map(ProcessHandle::pid))
                .mapToLong(Long::longValue);
    }

    /** The sum of the lines of {@code file} that start with {@code name}, which are in kB. */
    private static long field(Path file, String name) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith(name))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .sum();
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}

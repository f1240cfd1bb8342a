package dev.loomftp.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Folder trees for the interop tests: made from a seed, and summed up for comparison. */
final class FileTrees {
    /** A file name with Latin, accented and Japanese letters, for UTF-8 round trips. */
    static final String UNICODE_NAME = "naïve-日本語.txt";

    private FileTrees() {}

    /** Skips the calling test when this JVM cannot put non-ASCII names on disk (a non-UTF-8 locale). */
    static void assumeUtf8FileNames() {
        String encoding = System.getProperty("sun.jnu.encoding", "");
        assumeTrue(encoding.equalsIgnoreCase("UTF-8"),
                () -> "file names are encoded as " + encoding
                        + ", not UTF-8; run with LANG=C.UTF-8 to test non-ASCII names");
    }

    /**
     * Every entry under {@code root} by its relative path (with {@code /}): a folder maps to
     * {@code "folder"}, a file to the SHA-256 of its bytes. Two trees are byte-identical, folder
     * structure included, when their snapshots are equal.
     */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (path.equals(root)) {
                    continue;
                }
                String relative = root.relativize(path).toString().replace('\\', '/');
                entries.put(relative, Files.isDirectory(path) ? "folder" : TransferTest.sha256(path));
            }
        }
        return entries;
    }

    /** Writes {@code size} bytes from a seeded generator, in chunks, so large files cost little memory. */
    static Path write(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return file;
    }

    /** A copy of {@code file} cut to its first {@code length} bytes: a transfer that broke off. */
    static Path truncatedCopy(Path file, Path copy, long length) throws IOException {
        Files.createDirectories(copy.getParent());
        try (var in = Files.newInputStream(file); OutputStream out = Files.newOutputStream(copy)) {
            out.write(in.readNBytes(Math.toIntExact(length)));
        }
        return copy;
    }
}

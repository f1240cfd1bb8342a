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
    /** How many files {@link #writeMixedTree} writes. */
    static final int MIXED_TREE_FILES = 200;
    private static final String[][] FOLDERS = {{"alpha", "beta", "gamma"}, {"one", "two", "three", "four"}, {"x", "y"}};

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

    /**
     * 200 files from 0 bytes to 20 MB in folders up to three levels deep, with an empty folder and
     * names with spaces, the same on every run: one file of 20 MB, three of a few MB, every tenth
     * empty, the rest up to 64 KB.
     */
    static Path writeMixedTree(Path root) throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < MIXED_TREE_FILES; i++) {
            long size = switch (i) {
                case 0 -> 20L * 1024 * 1024;
                case 1, 2, 3 -> 3_000_000 + random.nextInt(3_000_000);
                default -> i % 10 == 0 ? 0 : random.nextInt(64 * 1024);
            };
            Path parent = root;
            for (int level = 0; level < i % 4; level++) {
                String[] names = FOLDERS[level];
                parent = parent.resolve(names[(i / 4 + level) % names.length]);
            }
            String name = (i % 17 == 0 ? "file %03d.bin" : "file-%03d.bin").formatted(i);
            FileTrees.write(parent.resolve(name), size, i);
        }
        Files.createDirectories(root.resolve("alpha/empty"));
        return root;
    }
}

package dev.loomftp.server;

import dev.loomftp.storage.UploadNames;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import org.tinylog.Logger;

/**
 * Removes the files that uploads of an earlier run left under the data root: every temporary
 * file of an atomic upload (no upload of this run is older than its start), and the kept files of
 * cut resumable uploads that nobody resumed for {@link #KEPT}. It walks the tree without
 * following links, on a thread of the server's scope, so a large tree does not hold up the start.
 */
final class UploadLeftovers {
    /** How long a cut resumable upload is kept for its resume. */
    static final Duration KEPT = Duration.ofDays(7);
    /**
     * How much older than the start a temporary file must be: the kernel stamps files with a
     * clock that may lag the one Java reads by a tick, and an upload of this run must never be
     * taken for a leftover.
     */
    private static final Duration CLOCK_MARGIN = Duration.ofSeconds(2);

    private UploadLeftovers() {}

    /** Sweeps {@code root}; stops early when the thread is interrupted, as when the server stops. */
    static Void sweep(Path root, Instant started) {
        Thread.currentThread().setName("loomftp-sweep");
        Instant before = started.minus(CLOCK_MARGIN);
        Instant keptSince = started.minus(KEPT);
        int[] removed = new int[1];
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (Thread.currentThread().isInterrupted()) {
                        return FileVisitResult.TERMINATE;
                    }
                    String name = file.getFileName().toString();
                    Instant modified = attributes.lastModifiedTime().toInstant();
                    if (attributes.isRegularFile()
                            && (name.startsWith(UploadNames.TEMPORARY) && modified.isBefore(before)
                            || name.startsWith(UploadNames.PARTIAL) && modified.isBefore(keptSince))) {
                        Files.deleteIfExists(file);
                        removed[0]++;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException error) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            Logger.warn("cannot look for the files of unfinished uploads: {}", FileErrors.reason(e));
        }
        if (removed[0] > 0) {
            Logger.info("removed {} files of uploads that an earlier run left unfinished", removed[0]);
        }
        return null;
    }
}

package dev.loomftp.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the files of one storage take now, for its quota: measured by walking it (the files of
 * uploads in progress included, as they take space too), kept up to date by the uploads and
 * deletions that go through the server, and measured again when {@link #FRESH} has passed, so
 * that what changed on the disk behind the server's back is seen too. Shared by every session of
 * the folder, and safe to use from all of them.
 */
public final class QuotaUsage {
    /** How long a measure is trusted, with the server's own changes added to it. */
    static final Duration FRESH = Duration.ofMinutes(5);

    private final Storage storage;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private long bytes;
    private long files;
    private Instant measured;

    public QuotaUsage(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /** Bytes and files now. */
    public record Use(long bytes, long files) {}

    /** What the storage takes now, measured again first when the last measure is not fresh. */
    public Use now() throws IOException {
        lock.lock();
        try {
            Instant at = clock.instant();
            if (measured == null || !at.isBefore(measured.plus(FRESH))) {
                Use walked = walk();
                bytes = walked.bytes();
                files = walked.files();
                measured = at;
            }
            return new Use(bytes, files);
        } finally {
            lock.unlock();
        }
    }

    /** Adds what the server itself changed: a file made or removed, bytes written or freed. */
    public void add(long moreBytes, long moreFiles) {
        lock.lock();
        try {
            if (measured != null) {
                bytes = Math.max(0, bytes + moreBytes);
                files = Math.max(0, files + moreFiles);
            }
        } finally {
            lock.unlock();
        }
    }

    private Use walk() throws IOException {
        long walkedBytes = 0;
        long walkedFiles = 0;
        Deque<VirtualPath> folders = new ArrayDeque<>();
        folders.push(VirtualPath.ROOT);
        while (!folders.isEmpty()) {
            VirtualPath folder = folders.pop();
            try (DirectoryStream<FileEntry> entries = storage.list(folder)) {
                for (FileEntry entry : entries) {
                    if (entry.isDirectory()) {
                        folders.push(folder.child(entry.name()));
                    } else if (entry.isFile()) {
                        walkedBytes += entry.size();
                        walkedFiles++;
                    }
                }
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                if (folder.isRoot()) {
                    throw e instanceof IOException io ? io : new IOException(e.getCause());
                }
                // A folder that cannot be read (a link that leads out, say) holds nothing here.
            }
        }
        return new Use(walkedBytes, walkedFiles);
    }
}

package dev.loomftp.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the files of one storage take now, for its quota, counted in this server's memory:
 * measured by walking it, kept up to date by the uploads and deletions that go through the
 * server, and measured again when {@link #FRESH} has passed and no upload is running, so that what
 * changed on the disk behind the server's back is seen too. Shared by every session of the folder,
 * and safe to use from all of them.
 */
public final class QuotaUsage implements QuotaCounter {
    /** How long a measure is trusted, with the server's own changes added to it. */
    static final Duration FRESH = Duration.ofMinutes(5);

    private final Storage storage;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private long bytes;
    private long files;
    private long reservedBytes;
    private long reservedFiles;
    /** Uploads holding a reservation now, whatever they hold: while any runs, no walk counts its file. */
    private int running;
    private Instant measured;

    public QuotaUsage(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /** Bytes and files now. */
    public record Use(long bytes, long files) {}

    /**
     * {@inheritDoc} Measured again first when the last measure is not fresh and no upload holds
     * room: a running upload's file is on the disk already, and would be counted twice.
     */
    @Override
    public Use now() throws IOException {
        lock.lock();
        try {
            measureIfStale();
            return new Use(bytes + reservedBytes, files + reservedFiles);
        } finally {
            lock.unlock();
        }
    }

    @Override
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

    @Override
    public Optional<Reservation> reserve(Quota quota, long newFiles) throws IOException {
        lock.lock();
        try {
            measureIfStale();
            if (newFiles > 0 && files + reservedFiles + newFiles > quota.files()) {
                return Optional.empty();
            }
            reservedFiles += newFiles;
            running++;
            return Optional.of(new Held(quota, newFiles));
        } finally {
            lock.unlock();
        }
    }

    private void measureIfStale() throws IOException {
        Instant at = clock.instant();
        if (measured == null || !at.isBefore(measured.plus(FRESH)) && running == 0) {
            Use walked = walk();
            bytes = walked.bytes();
            files = walked.files();
            measured = at;
        }
    }

    /** The room of one upload, in this counter. */
    private final class Held implements Reservation {
        private final Quota quota;
        private long heldBytes;
        private long heldFiles;
        private boolean done;

        Held(Quota quota, long files) {
            this.quota = quota;
            this.heldFiles = files;
        }

        @Override
        public boolean grow(long more) {
            lock.lock();
            try {
                if (done || bytes + reservedBytes + more > quota.bytes()) {
                    return false;
                }
                reservedBytes += more;
                heldBytes += more;
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void commit(long changedBytes, long changedFiles) {
            lock.lock();
            try {
                if (!done) {
                    giveBack();
                    add(changedBytes, changedFiles);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void release() {
            lock.lock();
            try {
                if (!done) {
                    giveBack();
                }
            } finally {
                lock.unlock();
            }
        }

        private void giveBack() {
            reservedBytes -= heldBytes;
            reservedFiles -= heldFiles;
            heldBytes = 0;
            heldFiles = 0;
            running--;
            done = true;
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

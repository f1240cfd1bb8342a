package dev.loomftp.storage;

import java.io.IOException;
import java.util.Optional;

/**
 * What the files of one folder with a quota take, and the room that uploads running now hold in
 * it. An upload reserves its room as its bytes arrive, so two uploads (in two sessions, or on two
 * nodes that share the counter) can never together pass the quota; it turns its reservation into
 * what it changed when it completes, and gives it back when it fails.
 *
 * <p>{@link QuotaUsage} counts in memory, for one server; a shared database counts for many.
 * Every method is safe to call from many threads at once.
 */
public interface QuotaCounter {

    /** Bytes and files now: those of the files, and those that running uploads hold. */
    QuotaUsage.Use now() throws IOException;

    /** Adds what the server changed outside an upload: a file deleted, or moved in or out. */
    void add(long bytes, long files) throws IOException;

    /**
     * Starts the reservation of one upload, holding {@code files} new files (1 for a new file, 0
     * when it replaces or continues one).
     *
     * @return empty when {@code quota} has no room for that many more files
     */
    Optional<Reservation> reserve(Quota quota, long files) throws IOException;

    /** The room one upload holds. Used by one thread at a time: the upload's. */
    interface Reservation {

        /**
         * Holds {@code bytes} more.
         *
         * @return false, holding nothing more, when the quota has less room than that
         */
        boolean grow(long bytes) throws IOException;

        /**
         * The upload completed: what it holds gives way to what it changed, {@code bytes} (less
         * than 0 when the file shrank) and {@code files}. Call it once, at most.
         */
        void commit(long bytes, long files) throws IOException;

        /** The upload did not complete: its room is given back. Does nothing after a commit; never fails. */
        void release();
    }
}

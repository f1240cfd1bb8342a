package dev.loomftp.storage;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * A file being uploaded, written as its {@link UploadPolicy} says: into the target itself, or
 * into a hidden file that {@link #commit} renames over the target. Closing an upload that was not
 * committed deletes a temporary file ({@link UploadPolicy#ATOMIC}) and keeps a partial one
 * ({@link UploadPolicy#ATOMIC_RESUMABLE}) for a later resume. On a storage that
 * {@linkplain Storage#writesWhole writes whole}, the target changes at commit and never before.
 */
public final class Upload implements AutoCloseable {
    /** Where the bytes go, and so what a cut upload leaves. */
    enum Kind {
        /** A hidden file of its own, deleted unless committed. */
        TEMPORARY,
        /** The hidden file kept for a resume. */
        KEPT,
        /** The target itself, under an atomic policy (APPE, REST + STOR): restored when the storage fails. */
        IN_PLACE,
        /** The target itself, under {@link UploadPolicy#DIRECT}: left as it is, whatever happens. */
        DIRECT,
        /**
         * The target itself on a storage that {@linkplain Storage#writesWhole writes whole}: it
         * changes only at commit, whatever the policy, and is left as it was otherwise.
         */
        WHOLE
    }

    private final Storage storage;
    private final VirtualPath target;
    private final VirtualPath written;
    private final Kind kind;
    private final SeekableByteChannel channel;
    private final AtomicChannel whole;
    private final long start;
    private boolean finished;

    Upload(Storage storage, VirtualPath target, VirtualPath written, Kind kind, SeekableByteChannel channel)
            throws IOException {
        this(storage, target, written, kind, channel, null);
    }

    /**
     * @param channel where the bytes go, perhaps through a {@link QuotaChannel}
     * @param whole   for {@link Kind#WHOLE}, the storage's own channel under {@code channel}
     */
    private Upload(Storage storage, VirtualPath target, VirtualPath written, Kind kind, SeekableByteChannel channel,
            AtomicChannel whole) throws IOException {
        this.storage = storage;
        this.target = target;
        this.written = written;
        this.kind = kind;
        this.channel = channel;
        this.whole = whole;
        this.start = channel.size();
    }

    /** An upload to a storage that writes whole: {@code channel} wraps {@code whole}, or is it. */
    static Upload whole(Storage storage, VirtualPath target, SeekableByteChannel channel, AtomicChannel whole)
            throws IOException {
        return new Upload(storage, target, target, Kind.WHOLE, channel, whole);
    }

    /** Where the bytes go, from the position the upload starts at. */
    public SeekableByteChannel channel() {
        return channel;
    }

    /**
     * Makes the upload the target: the file written is renamed over it, when it is not the
     * target itself. Call it once every byte has come.
     */
    public void commit() throws IOException {
        long size = channel.size();
        channel.close();
        finished = true;
        if (!written.equals(target)) {
            try {
                storage.rename(written, target);
            } catch (IOException e) {
                storage.deleteFile(written);
                throw e;
            }
        }
        // Counted once the file is the target: an upload the storage refused at the end (a
        // multipart upload that would not complete, a rename that failed) adds nothing.
        if (channel instanceof QuotaChannel limited) {
            limited.count(size);
        }
    }

    /**
     * Undoes what this upload wrote, as for one refused part-way: the file written goes back to
     * the size it had, and is deleted when the upload made it.
     */
    public void discard() throws IOException {
        if (kind == Kind.WHOLE) {
            abortWhole();
            return;
        }
        channel.truncate(start);
        channel.close();
        finished = true;
        if (start == 0) {
            storage.deleteFile(written);
        }
    }

    /**
     * After the storage failed part-way (a full disk, a quota, an I/O error), leaves no file that
     * the failure could have spoiled: a hidden file is deleted, as it holds the space that is
     * missing and bytes that may be bad, and a file written in place goes back to the size it
     * had, except under {@link UploadPolicy#DIRECT}, which leaves everything as it is.
     */
    public void abandon() throws IOException {
        if (kind == Kind.WHOLE) {
            abortWhole();
            return;
        }
        finished = true;
        try {
            if (kind == Kind.IN_PLACE) {
                channel.truncate(start);
            }
        } finally {
            channel.close();
        }
        if (kind == Kind.TEMPORARY || kind == Kind.KEPT) {
            storage.deleteFile(written);
        }
    }

    /** Leaves the target as it was: what was written is dropped. */
    private void abortWhole() throws IOException {
        finished = true;
        try {
            whole.abort();
        } finally {
            channel.close();
        }
    }

    /** Ends the upload; one that was not committed gives back the room it held in its quota. */
    @Override
    public void close() throws IOException {
        try {
            if (!finished && kind == Kind.WHOLE) {
                abortWhole();
                return;
            }
            channel.close();
            if (!finished && kind == Kind.TEMPORARY) {
                storage.deleteFile(written);
            }
        } finally {
            if (channel instanceof QuotaChannel limited) {
                limited.release();
            }
        }
    }
}

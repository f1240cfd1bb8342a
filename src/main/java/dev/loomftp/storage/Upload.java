package dev.loomftp.storage;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * A file being uploaded, written as its {@link UploadPolicy} says: into the target itself, or
 * into a hidden file that {@link #commit} renames over the target. Closing an upload that was not
 * committed deletes a temporary file ({@link UploadPolicy#ATOMIC}) and keeps a partial one
 * ({@link UploadPolicy#ATOMIC_RESUMABLE}) for a later resume.
 */
public final class Upload implements AutoCloseable {
    private final Storage storage;
    private final VirtualPath target;
    private final VirtualPath written;
    private final boolean temporary;
    private final SeekableByteChannel channel;
    private final long start;
    private boolean finished;

    Upload(Storage storage, VirtualPath target, VirtualPath written, boolean temporary, SeekableByteChannel channel)
            throws IOException {
        this.storage = storage;
        this.target = target;
        this.written = written;
        this.temporary = temporary;
        this.channel = channel;
        this.start = channel.size();
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
    }

    /**
     * Undoes what this upload wrote, as for one refused part-way: the file written goes back to
     * the size it had, and is deleted when the upload made it.
     */
    public void discard() throws IOException {
        channel.truncate(start);
        channel.close();
        finished = true;
        if (start == 0) {
            storage.deleteFile(written);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        if (!finished && temporary) {
            storage.deleteFile(written);
        }
    }
}

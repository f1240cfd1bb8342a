package dev.loomftp.storage;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * A file being written as one whole, as object storage writes: readers see the file as it was
 * until {@link #close} makes the bytes written the file, all at once. {@link #abort} first, and
 * the file stays as it was.
 */
public interface AtomicChannel extends SeekableByteChannel {

    /**
     * Drops what was written: the file stays as it was, and a later {@link #close} does nothing
     * more. Does nothing after close.
     */
    void abort() throws IOException;

    /**
     * Makes the bytes written the file, unless {@link #abort} came first.
     *
     * @throws IOException when the storage refuses them: the file then stays as it was
     */
    @Override
    void close() throws IOException;
}

package dev.loomftp.client;

import java.nio.ByteBuffer;

/**
 * Hears how a transfer advances: a progress bar, a rate meter, a checksum of the bytes as they
 * pass. It is called from the thread that runs the transfer, for every chunk, so it must be quick.
 */
@FunctionalInterface
public interface TransferListener {
    /** Hears nothing. */
    TransferListener NONE = bytes -> { };

    /** @param bytes the bytes moved so far in this transfer (after decompression in MODE Z) */
    void transferred(long bytes);

    /**
     * Sees each chunk before {@link #transferred} counts it: the file's own bytes (what is read
     * from or written to the file, so after decompression in MODE Z), from the buffer's position
     * to its limit, read-only. Does nothing unless overridden.
     */
    default void data(ByteBuffer chunk) {
    }
}

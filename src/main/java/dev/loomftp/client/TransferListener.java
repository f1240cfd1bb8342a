package dev.loomftp.client;

/**
 * Hears how a transfer advances: a progress bar, a rate meter. It is called from the thread that
 * runs the transfer, after every chunk, so it must be quick.
 */
@FunctionalInterface
public interface TransferListener {
    /** Hears nothing. */
    TransferListener NONE = bytes -> { };

    /** @param bytes the bytes moved so far in this transfer (after decompression in MODE Z) */
    void transferred(long bytes);
}

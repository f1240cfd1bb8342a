package dev.loomftp.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * The channel of an upload to a mount with a quota. It reserves room in the mount's
 * {@link QuotaCounter} as bytes arrive, {@link #STEP} at a time (or just what is needed, when less
 * than a step is left), so that the uploads running at once never pass the quota together; a
 * write the quota has no room for fails with {@link QuotaExceededException}. {@link #count} turns
 * the reservation into what the finished upload changed, and {@link #release} gives it back.
 * What a cut upload leaves on the disk is seen at the next measure.
 */
final class QuotaChannel extends ForwardingChannel {
    /** How much room one reservation takes: a 1 GiB upload asks the counter 256 times. */
    static final long STEP = 4L * 1024 * 1024;

    private final QuotaCounter.Reservation reservation;
    private final long replaced;
    private final long newFiles;
    private final VirtualPath path;
    private long held;

    /**
     * @param reservation the upload's room, holding its new file already
     * @param replaced    what the files it replaces take now, which it may fill without reserving
     * @param newFiles    1 when the upload makes a file that was not there, else 0
     */
    QuotaChannel(SeekableByteChannel channel, QuotaCounter.Reservation reservation, long replaced, long newFiles,
            VirtualPath path) {
        super(channel);
        this.reservation = reservation;
        this.replaced = replaced;
        this.newFiles = newFiles;
        this.path = path;
    }

    @Override
    public int write(ByteBuffer buffer) throws IOException {
        long needed = channel.position() + buffer.remaining() - replaced - held;
        if (needed > 0) {
            if (reservation.grow(Math.max(needed, STEP))) {
                held += Math.max(needed, STEP);
            } else if (reservation.grow(needed)) {
                held += needed;
            } else {
                throw new QuotaExceededException(path.toString(), "the upload does not fit in the quota");
            }
        }
        return channel.write(buffer);
    }

    /** Counts what the finished file, {@code size} bytes, takes in place of what it replaced; call it once. */
    void count(long size) throws IOException {
        reservation.commit(size - replaced, newFiles);
    }

    /** Gives the room back, unless {@link #count} took it; safe to call more than once. */
    void release() {
        reservation.release();
    }
}

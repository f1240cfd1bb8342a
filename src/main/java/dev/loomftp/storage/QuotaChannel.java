package dev.loomftp.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * The channel of an upload to a mount with a quota: a write that would make the file longer than
 * the room the quota leaves fails with {@link QuotaExceededException}, and {@link #count} tells
 * the mount's usage what a finished upload added. What a cut one leaves is seen at the next
 * measure.
 */
final class QuotaChannel extends ForwardingChannel {
    private final QuotaUsage usage;
    private final long longest;
    private final long replaced;
    private final long newFiles;
    private final VirtualPath path;

    /**
     * @param longest  the most the file may hold
     * @param replaced what the files it replaces take now, given back when it is done
     * @param newFiles 1 when the upload makes a file that was not there, else 0
     */
    QuotaChannel(SeekableByteChannel channel, QuotaUsage usage, long longest, long replaced, long newFiles,
            VirtualPath path) {
        super(channel);
        this.usage = usage;
        this.longest = longest;
        this.replaced = replaced;
        this.newFiles = newFiles;
        this.path = path;
    }

    @Override
    public int write(ByteBuffer buffer) throws IOException {
        if (channel.position() + buffer.remaining() > longest) {
            throw new QuotaExceededException(path.toString(), "the upload does not fit in the quota");
        }
        return channel.write(buffer);
    }

    /** Counts what the finished file, {@code size} bytes, takes in place of what it replaced; call it once. */
    void count(long size) {
        usage.add(size - replaced, newFiles);
    }
}

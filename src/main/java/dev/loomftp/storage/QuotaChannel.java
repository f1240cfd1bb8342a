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
final class QuotaChannel implements SeekableByteChannel {
    private final SeekableByteChannel channel;
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
        this.channel = channel;
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

    @Override
    public int read(ByteBuffer buffer) throws IOException {
        return channel.read(buffer);
    }

    @Override
    public long position() throws IOException {
        return channel.position();
    }

    @Override
    public SeekableByteChannel position(long position) throws IOException {
        channel.position(position);
        return this;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        channel.truncate(size);
        return this;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Counts what the finished file takes in place of what it replaced; call it once, before closing. */
    void count() throws IOException {
        usage.add(channel.size() - replaced, newFiles);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

package dev.loomftp.server;

import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.ForwardingChannel;
import dev.loomftp.storage.LocalStorage;
import dev.loomftp.storage.Storage;
import dev.loomftp.storage.StorageOpener;
import dev.loomftp.storage.VirtualPath;
import dev.loomftp.storage.WriteMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A local storage that fails on purpose, as disks do: once {@code budget} bytes have been
 * written (or read) through all its channels together, each further write (or read) throws the
 * error the test chose. Everything else is the local file system's.
 */
final class FaultyStorage implements Storage {
    private final Storage local;
    private final AtomicLong writable;
    private final AtomicLong readable;
    private final Supplier<IOException> error;

    private FaultyStorage(Storage local, AtomicLong writable, AtomicLong readable, Supplier<IOException> error) {
        this.local = local;
        this.writable = writable;
        this.readable = readable;
        this.error = error;
    }

    /** Opens mounts whose writes fail after {@code bytes} bytes in all, with {@code error}. */
    static StorageOpener failingWritesAfter(long bytes, Supplier<IOException> error) {
        AtomicLong writable = new AtomicLong(bytes);
        AtomicLong readable = new AtomicLong(Long.MAX_VALUE);
        return folder -> new FaultyStorage(new LocalStorage(folder), writable, readable, error);
    }

    /** Opens mounts whose reads fail after {@code bytes} bytes in all, with {@code error}. */
    static StorageOpener failingReadsAfter(long bytes, Supplier<IOException> error) {
        AtomicLong writable = new AtomicLong(Long.MAX_VALUE);
        AtomicLong readable = new AtomicLong(bytes);
        return folder -> new FaultyStorage(new LocalStorage(folder), writable, readable, error);
    }

    @Override
    public Optional<FileEntry> stat(VirtualPath path) throws IOException {
        return local.stat(path);
    }

    @Override
    public DirectoryStream<FileEntry> list(VirtualPath path) throws IOException {
        return local.list(path);
    }

    @Override
    public SeekableByteChannel openRead(VirtualPath path) throws IOException {
        return new Failing(local.openRead(path));
    }

    @Override
    public SeekableByteChannel openWrite(VirtualPath path, WriteMode mode, long offset) throws IOException {
        return new Failing(local.openWrite(path, mode, offset));
    }

    @Override
    public void createFolder(VirtualPath path) throws IOException {
        local.createFolder(path);
    }

    @Override
    public void deleteFile(VirtualPath path) throws IOException {
        local.deleteFile(path);
    }

    @Override
    public void deleteFolder(VirtualPath path) throws IOException {
        local.deleteFolder(path);
    }

    @Override
    public void rename(VirtualPath from, VirtualPath to) throws IOException {
        local.rename(from, to);
    }

    @Override
    public void setModified(VirtualPath path, Instant time) throws IOException {
        local.setModified(path, time);
    }

    @Override
    public void setMode(VirtualPath path, int mode) throws IOException {
        local.setMode(path, mode);
    }

    /**
     * A channel that takes bytes from the budgets before it moves them. Not a FileChannel, so
     * downloads from it go through a buffer rather than the kernel's zero-copy path.
     */
    private final class Failing extends ForwardingChannel {
        Failing(SeekableByteChannel channel) {
            super(channel);
        }

        @Override
        public int read(ByteBuffer buffer) throws IOException {
            if (readable.addAndGet(-buffer.remaining()) < 0) {
                throw error.get();
            }
            return channel.read(buffer);
        }

        @Override
        public int write(ByteBuffer buffer) throws IOException {
            if (writable.addAndGet(-buffer.remaining()) < 0) {
                throw error.get();
            }
            return channel.write(buffer);
        }
    }
}

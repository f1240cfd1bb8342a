package dev.loomftp.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * An open data connection. Every blocking step runs under the stall deadline (see
 * {@link Deadline}): when a step moves nothing for that long, the connection is closed and the
 * step fails with {@link TransferStalledException}.
 */
final class DataChannel implements AutoCloseable {
    /** The buffer that carries a file's bytes when the socket is full; see {@link #sendFile}. */
    private static final int SPARE_SIZE = 64 * 1024;

    private final SocketChannel socket;
    private final Duration stall;
    /** Written by the transfer's thread only; read by the session's for STAT. */
    private volatile long bytes;
    private ByteBuffer spare;

    DataChannel(SocketChannel socket, Duration stall) {
        this.socket = socket;
        this.stall = stall;
    }

    /**
     * Sends {@code count} bytes of a file from {@code position} with {@link FileChannel#transferTo},
     * which the JDK turns into {@code sendfile(2)}: the bytes go from the page cache to the socket
     * without passing through the JVM.
     *
     * <p>The socket is put in non-blocking mode for {@code transferTo}, which then takes what fits
     * and never blocks: a {@code sendfile} blocked in the kernel could not be woken by the stall
     * deadline, since an interrupt does not reach it. When the socket is full, one buffer is
     * written in blocking mode instead, which parks the virtual thread until there is room, under
     * the stall deadline; then {@code transferTo} goes on.
     */
    void sendFile(FileChannel file, long position, long count) throws IOException, InterruptedException {
        long end = position + count;
        long at = position;
        socket.configureBlocking(false);
        try {
            while (at < end) {
                long sent = file.transferTo(at, end - at, socket);
                if (sent > 0) {
                    bytes += sent;
                } else if (file.size() <= at) {
                    break;
                } else {
                    socket.configureBlocking(true);
                    sent = writeFrom(file, at, (int) Math.min(SPARE_SIZE, end - at));
                    socket.configureBlocking(false);
                }
                at += sent;
            }
        } finally {
            if (socket.isOpen()) {
                socket.configureBlocking(true);
            }
        }
    }

    /** Copies one piece of a file through a buffer, waiting for room in the socket. */
    private long writeFrom(FileChannel file, long position, int length) throws IOException, InterruptedException {
        if (spare == null) {
            spare = ByteBuffer.allocateDirect(SPARE_SIZE);
        }
        spare.clear().limit(length);
        int read = file.read(spare, position);
        if (read <= 0) {
            throw new java.io.EOFException("the file became shorter while it was sent");
        }
        spare.flip();
        write(spare);
        return read;
    }

    /** Writes all of {@code buffer}. */
    void write(ByteBuffer buffer) throws IOException, InterruptedException {
        while (buffer.hasRemaining()) {
            bytes += step(() -> socket.write(buffer));
        }
    }

    /** Reads what has arrived, waiting for at least one byte; -1 at the end of the data. */
    int read(ByteBuffer buffer) throws IOException, InterruptedException {
        int read = step(() -> socket.read(buffer));
        if (read > 0) {
            bytes += read;
        }
        return read;
    }

    /** An unbuffered stream over {@link #write}, for listings. */
    OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] data, int offset, int length) throws IOException {
                try {
                    DataChannel.this.write(ByteBuffer.wrap(data, offset, length));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("transfer interrupted");
                }
            }
        };
    }

    /** The bytes moved so far. */
    long bytes() {
        return bytes;
    }

    private <T> T step(Deadline.Step<T> step) throws IOException, InterruptedException {
        try {
            return Deadline.within(stall, step);
        } catch (TimeoutException e) {
            throw new TransferStalledException(stall);
        }
    }

    /** Whether data is compressed on the wire (MODE Z), which rules out sending files zero-copy. */
    boolean compressing() {
        return false;
    }

    /** Ends the data stream properly after the last byte: nothing to do in stream mode. */
    void finish() {
        // Stream mode ends with the connection.
    }

    /** Breaks the connection off at once, as ABOR does; the transfer fails with an I/O error. */
    void abort() {
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // The transfer's result is already decided; a failed close changes nothing.
        }
    }
}

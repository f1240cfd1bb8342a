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
    /** File chunks handed to the kernel in one step, adapted to the connection's speed. */
    private static final long MIN_CHUNK = 64 * 1024;
    private static final long MAX_CHUNK = 64L * 1024 * 1024;
    private static final long FAST_STEP_NANOS = Duration.ofMillis(250).toNanos();
    private static final long SLOW_STEP_NANOS = Duration.ofSeconds(1).toNanos();

    private final SocketChannel socket;
    private final Duration stall;
    private long bytes;

    DataChannel(SocketChannel socket, Duration stall) {
        this.socket = socket;
        this.stall = stall;
    }

    /**
     * Sends {@code count} bytes of a file from {@code position} with {@link FileChannel#transferTo},
     * which the JDK turns into {@code sendfile(2)}: the bytes go from the page cache to the socket
     * without passing through the JVM. Each chunk is one step under the stall deadline; chunks
     * grow on fast connections and shrink on slow ones, so a step stays around a second or less.
     */
    void sendFile(FileChannel file, long position, long count) throws IOException, InterruptedException {
        long chunk = 1024 * 1024;
        long end = position + count;
        long at = position;
        while (at < end) {
            long from = at;
            long size = Math.min(chunk, end - at);
            long started = System.nanoTime();
            long sent = step(() -> file.transferTo(from, size, socket));
            if (sent == 0 && file.size() <= at) {
                break;
            }
            at += sent;
            bytes += sent;
            long took = System.nanoTime() - started;
            if (took < FAST_STEP_NANOS) {
                chunk = Math.min(chunk * 2, MAX_CHUNK);
            } else if (took > SLOW_STEP_NANOS) {
                chunk = Math.max(chunk / 2, MIN_CHUNK);
            }
        }
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

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // The transfer's result is already decided; a failed close changes nothing.
        }
    }
}

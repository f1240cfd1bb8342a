package dev.loomftp.server;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The socket of one data connection, in non-blocking mode, with reads and writes that wait for it
 * at most the stall time: a wait that passes it fails with {@link TransferStalledException}. Any
 * byte moved starts the clock again, so the limit is on a connection that moves nothing, never on
 * a long transfer.
 *
 * <p>The waits run on the transfer's own thread (see {@link SocketWait}); {@link #abort()} may be
 * called from the session's thread, and ends a wait at once.
 */
final class DataWire implements TlsData.Wire, AutoCloseable {
    private final SocketChannel socket;
    private final Duration stall;
    private final SocketWait wait = new SocketWait();

    /** Takes over a connected socket, which is put in non-blocking mode. */
    DataWire(SocketChannel socket, Duration stall) throws IOException {
        socket.configureBlocking(false);
        this.socket = socket;
        this.stall = stall;
    }

    /** How a read or write that found the socket not ready waits for it. */
    @FunctionalInterface
    private interface Waiting {
        void await(int operation) throws IOException, InterruptedException;
    }

    @Override
    public int read(ByteBuffer buffer) throws IOException, InterruptedException {
        return read(buffer, this::awaitStalling);
    }

    @Override
    public int write(ByteBuffer buffer) throws IOException, InterruptedException {
        return write(buffer, this::awaitStalling);
    }

    private int read(ByteBuffer buffer, Waiting waiting) throws IOException, InterruptedException {
        while (true) {
            int read = socket.read(buffer);
            if (read != 0 || !buffer.hasRemaining()) {
                return read;
            }
            waiting.await(SelectionKey.OP_READ);
        }
    }

    private int write(ByteBuffer buffer, Waiting waiting) throws IOException, InterruptedException {
        while (true) {
            int written = socket.write(buffer);
            if (written != 0 || !buffer.hasRemaining()) {
                return written;
            }
            waiting.await(SelectionKey.OP_WRITE);
        }
    }

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position} with
     * {@link FileChannel#transferTo}, which is {@code sendfile(2)} on Linux, waiting for room in
     * the socket when it is full. On a non-blocking socket {@code sendfile} never blocks in the
     * kernel, where neither the stall limit nor ABOR could reach it.
     *
     * @return the bytes sent, at least one; -1 when the file ends before {@code position}
     */
    long transferFrom(FileChannel file, long position, long count) throws IOException, InterruptedException {
        while (true) {
            long sent = file.transferTo(position, count, socket);
            if (sent > 0) {
                return sent;
            }
            if (file.size() <= position) {
                return -1;
            }
            awaitStalling(SelectionKey.OP_WRITE);
        }
    }

    /**
     * This socket's reads and writes under one deadline, {@code limit} from now, as the TLS
     * handshake has: past it they fail with {@link SetupExpiredException}.
     */
    TlsData.Wire within(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Waiting waiting = operation -> {
            if (!wait.await(socket, operation, deadline - System.nanoTime())) {
                throw new SetupExpiredException();
            }
        };
        return new TlsData.Wire() {
            @Override
            public int read(ByteBuffer buffer) throws IOException, InterruptedException {
                return DataWire.this.read(buffer, waiting);
            }

            @Override
            public int write(ByteBuffer buffer) throws IOException, InterruptedException {
                return DataWire.this.write(buffer, waiting);
            }
        };
    }

    private void awaitStalling(int operation) throws IOException, InterruptedException {
        if (!wait.await(socket, operation, stall.toNanos())) {
            throw new TransferStalledException(stall);
        }
    }

    /** Whether the client has sent something already, such as the start of a TLS handshake. */
    boolean hasInput() throws IOException {
        return socket.socket().getInputStream().available() > 0;
    }

    /** Ends the server's side of the data: the client reads the end of the stream. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Breaks the connection off at once, ending a wait in progress; the transfer fails with an I/O error. */
    void abort() {
        closeSocket();
        wait.wakeup();
    }

    @Override
    public void close() {
        wait.close();
        closeSocket();
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            // The transfer's result is already decided; a failed close changes nothing.
        }
    }

    /** A step under a deadline, as the TLS handshake, that did not end in time. */
    static final class SetupExpiredException extends SocketTimeoutException {
        SetupExpiredException() {
            super("the data connection was not set up in time");
        }
    }
}

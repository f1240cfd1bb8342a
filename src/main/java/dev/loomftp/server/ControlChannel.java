package dev.loomftp.server;

import dev.loomftp.protocol.ControlLine;
import dev.loomftp.protocol.LineReader;
import dev.loomftp.protocol.Reply;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeoutException;

/**
 * A session's control connection. Lines are read by {@link #pump()}, which runs as a subtask of
 * the session's scope and hands each line over through a small queue; the session takes them with
 * {@link #next(Duration)}, under its idle deadline. Reading apart from the session keeps the idle
 * timeout from closing the socket before the 421 reply is sent, and lets the session see commands
 * while it does something else.
 */
final class ControlChannel implements AutoCloseable {
    /** Lines read ahead of the session; a client that pipelines more waits in TCP. */
    private static final int READ_AHEAD = 16;

    private final SocketChannel socket;
    private final LineReader reader;
    private final OutputStream out;
    private final BlockingQueue<ControlLine> lines = new ArrayBlockingQueue<>(READ_AHEAD);
    private volatile boolean closed;

    ControlChannel(SocketChannel socket, int maxLineLength) {
        this.socket = socket;
        this.reader = new LineReader(Channels.newInputStream(socket), maxLineLength);
        this.out = new BufferedOutputStream(Channels.newOutputStream(socket), 4096);
    }

    /**
     * Reads lines until the connection ends or is closed. Runs in its own subtask. After
     * {@link #close()} it hands over at most one more line, which the emptied queue has room for,
     * so it never stays blocked on a queue that nobody takes from.
     */
    Void pump() throws InterruptedException {
        ControlLine line;
        do {
            try {
                line = reader.read();
            } catch (IOException e) {
                line = new ControlLine.End();
            }
            lines.put(line);
        } while (!closed && !(line instanceof ControlLine.End));
        return null;
    }

    /**
     * Waits for the next line.
     *
     * @throws TimeoutException when none came within {@code idle}
     */
    ControlLine next(Duration idle) throws TimeoutException, InterruptedException {
        try {
            return Deadline.within(idle, lines::take);
        } catch (IOException e) {
            throw new IllegalStateException("taking from a queue cannot fail with I/O", e);
        }
    }

    void reply(Reply reply) throws IOException {
        out.write(reply.encode());
        out.flush();
    }

    void reply(int code, String text) throws IOException {
        reply(Reply.of(code, text));
    }

    InetSocketAddress remote() throws IOException {
        return (InetSocketAddress) socket.getRemoteAddress();
    }

    InetSocketAddress local() throws IOException {
        return (InetSocketAddress) socket.getLocalAddress();
    }

    /** Closes the connection, which also ends the pump. */
    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is best effort; the session is ending either way.
        }
        lines.clear();
    }
}

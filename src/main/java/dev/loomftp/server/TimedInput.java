package dev.loomftp.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The control connection's input, read under a deadline: before each read, the socket's read
 * timeout is set to the time left, so a read blocked past the deadline fails with
 * {@link SocketTimeoutException}. The JDK keeps that time limit by parking the reading virtual
 * thread with a timeout: no thread is started and nothing polls. The deadline counts for a whole
 * line, not for each read, so a client cannot keep a session by sending a byte at a time.
 *
 * <p>The session's thread sets the deadline, and reads; the control pump reads with none, and
 * only while the session does not read.
 */
final class TimedInput extends FilterInputStream {
    private final Socket socket;
    private volatile boolean limited;
    private volatile long deadline;

    /** @param socket the socket whose read timeout governs {@code in}: the plain one, or the TLS one over it */
    TimedInput(InputStream in, Socket socket) {
        super(in);
        this.socket = socket;
    }

    /** Reads from now on must end before {@code deadline}, in {@link System#nanoTime()} terms. */
    void limitTo(long deadline) {
        this.deadline = deadline;
        this.limited = true;
    }

    /** Reads from now on may wait for ever. */
    void unlimited() {
        this.limited = false;
    }

    @Override
    public int read() throws IOException {
        arm();
        return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        arm();
        return super.read(buffer, offset, length);
    }

    private void arm() throws IOException {
        if (!limited) {
            socket.setSoTimeout(0);
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("the deadline has passed");
        }
        long millis = (left + 999_999) / 1_000_000;
        socket.setSoTimeout((int) Math.min(millis, Integer.MAX_VALUE));
    }
}

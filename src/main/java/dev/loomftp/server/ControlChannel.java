package dev.loomftp.server;

import dev.loomftp.protocol.ControlLine;
import dev.loomftp.protocol.LineReader;
import dev.loomftp.protocol.Reply;
import dev.loomftp.tls.TlsContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.util.function.Predicate;

/**
 * A session's control connection. Lines are read by {@link #pump()}, which runs as a subtask of
 * the session's scope and hands each line over through a queue; the session takes them with
 * {@link #next(Duration)}, waiting at most the idle time, or, while a transfer runs, with
 * {@link #nextUrgent}, which also wakes when the transfer ends. Reading apart from the session
 * keeps the idle timeout from closing the socket before the 421 reply is sent, and lets the
 * session answer ABOR and STAT in the middle of a transfer.
 *
 * <p>At most {@value #READ_AHEAD} lines wait in the queue for the session; a client that pipelines
 * more waits in TCP. During a transfer the session takes every line as it comes, so that ABOR,
 * STAT and NOOP are found however many lines came before them, and holds the others for after
 * the transfer in {@link HeldLines}, up to {@value #HELD_LINES} times the line limit in bytes.
 * Holding them all would let a client fill the memory, and leaving the excess in TCP would keep an
 * ABOR behind it until the transfer ended; so past that budget a line is refused in its place.
 */
final class ControlChannel implements AutoCloseable {
    private static final int READ_AHEAD = 16;
    /** How many lines of the longest length may be held for after a transfer. */
    private static final int HELD_LINES = 16;
    /** Put in the queue by {@link #wake()}; never seen by callers. */
    private static final Object WAKE = new Object();

    private final SocketChannel socket;
    private final int maxLineLength;
    /** The pump's reader; replaced when TLS starts, between two of the pump's reads. */
    private LineReader reader;
    /** Unbuffered: see {@link #reply(Reply)}. */
    private OutputStream out;
    private SSLSocket tls;
    /** How the pump goes on after an AUTH line: with the reader to use next, or empty to stop. */
    private final BlockingQueue<Optional<LineReader>> afterAuth = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(READ_AHEAD);
    private final HeldLines heldBack;
    private volatile boolean closed;
    private boolean holdFirstRead;

    /**
     * Takes over a control connection. Urgent data is read in line: clients mark ABOR with it
     * (RFC 959's Telnet Synch, or Python's ftplib sending ABOR's line end as urgent), and out of
     * line the kernel would drop that byte and the command with it.
     */
    ControlChannel(SocketChannel socket, int maxLineLength) throws IOException {
        socket.socket().setOOBInline(true);
        this.socket = socket;
        this.maxLineLength = maxLineLength;
        this.heldBack = new HeldLines(HELD_LINES * maxLineLength);
        this.reader = new LineReader(Channels.newInputStream(socket), maxLineLength);
        this.out = Channels.newOutputStream(socket);
    }

    /**
     * Starts TLS on this connection, as the server (AUTH TLS, or at once on an implicit-TLS
     * listener), with the handshake under {@code deadline}. Call it only while the pump waits:
     * before it starts, or after it has handed over an AUTH line.
     *
     * @throws TimeoutException when the handshake did not finish in time
     */
    void startTls(TlsContext context, Duration deadline) throws IOException, TimeoutException, InterruptedException {
        SSLSocket secured = Deadline.within(deadline, () -> context.serverSocket(socket.socket(), true));
        tls = secured;
        reader = new LineReader(secured.getInputStream(), maxLineLength);
        out = secured.getOutputStream();
    }

    /**
     * Ends TLS on this connection after CCC: sends close_notify and goes on in clear text. A
     * client may answer with its own close_notify (curl's active CCC mode) or not (its passive
     * mode, the default); the clear-text reader skips that one TLS record if it comes. Call it
     * only while the pump waits.
     */
    void stopTls() throws IOException {
        tls.shutdownOutput();
        tls = null;
        reader = new LineReader(new AfterTls(Channels.newInputStream(socket)), maxLineLength);
        out = Channels.newOutputStream(socket);
    }

    /**
     * The clear-text stream after CCC: when its first byte starts a TLS record (content types
     * 20 to 23, which no FTP command starts with), that record, the client's close_notify, is
     * skipped.
     */
    private static final class AfterTls extends java.io.FilterInputStream {
        private static final int HEADER = 5;
        private boolean checked;

        AfterTls(java.io.InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            skipRecord();
            return super.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            skipRecord();
            return super.read(buffer, offset, length);
        }

        private void skipRecord() throws IOException {
            if (checked) {
                return;
            }
            checked = true;
            java.io.PushbackInputStream peek = new java.io.PushbackInputStream(in, 1);
            in = peek;
            int first = peek.read();
            if (first < 20 || first > 23) {
                if (first >= 0) {
                    peek.unread(first);
                }
                return;
            }
            byte[] header = peek.readNBytes(HEADER - 1);
            if (header.length == HEADER - 1) {
                peek.skipNBytes((header[2] & 0xff) << 8 | header[3] & 0xff);
            }
        }
    }

    /** The TLS session of this connection, if TLS is on. */
    Optional<SSLSession> tlsSession() {
        return Optional.ofNullable(tls).map(SSLSocket::getSession);
    }

    /** Lets the pump go on after an AUTH line, reading through TLS if it started. */
    void authHandled() {
        afterAuth.add(Optional.of(reader));
    }

    /**
     * Makes the pump wait, before its first read, for {@link #authHandled()}: on an implicit-TLS
     * connection the first bytes are the TLS handshake.
     */
    void holdReading() {
        holdFirstRead = true;
    }

    /** Reads lines until the connection ends or is closed. Runs in its own subtask. */
    Void pump() throws InterruptedException {
        if (holdFirstRead) {
            Optional<LineReader> first = afterAuth.take();
            if (first.isEmpty()) {
                return null;
            }
            reader = first.get();
        }
        ControlLine line;
        do {
            room.acquire();
            if (closed) {
                return null;
            }
            try {
                line = reader.read();
            } catch (IOException e) {
                line = new ControlLine.End();
            }
            events.add(line);
            if (changesProtection(line)) {
                // What follows AUTH may be a TLS handshake: read nothing more until the session
                // has answered it.
                Optional<LineReader> next = afterAuth.take();
                if (next.isEmpty()) {
                    return null;
                }
                reader = next.get();
            }
        } while (!(line instanceof ControlLine.End));
        return null;
    }

    /** AUTH starts TLS and CCC ends it: what follows either is read differently. */
    static boolean changesProtection(ControlLine line) {
        return line instanceof ControlLine.Text text
                && (Session.verbOf(text.text()).equals("AUTH") || Session.verbOf(text.text()).equals("CCC"));
    }

    /**
     * Waits for the next line: first any held back during a transfer, then new ones.
     *
     * @throws TimeoutException when none came within {@code idle}
     */
    ControlLine next(Duration idle) throws TimeoutException, InterruptedException {
        ControlLine held = heldBack.poll();
        if (held != null) {
            return held; // its place in the queue was freed when it was held
        }
        ControlLine line = takeLine(idle);
        room.release();
        return line;
    }

    /**
     * During a transfer: waits for a line that {@code urgent} accepts, holding back the others
     * for {@link #next} in their order, or for {@link #wake()}. Every line taken frees its place
     * in the queue, so the pump reads on.
     *
     * @return the urgent line, or empty when woken
     */
    Optional<ControlLine> nextUrgent(Predicate<ControlLine> urgent) throws InterruptedException {
        while (true) {
            Object event = events.take();
            if (event == WAKE) {
                return Optional.empty();
            }
            ControlLine line = (ControlLine) event;
            room.release();
            if (urgent.test(line)) {
                return Optional.of(line);
            }
            if (!heldBack.add(line) && changesProtection(line)) {
                // The pump waits after an AUTH or CCC line; refused, it starts or ends no TLS.
                authHandled();
            }
        }
    }

    /** Wakes {@link #nextUrgent}, as a transfer does when it ends. Never blocks. */
    void wake() {
        events.add(WAKE);
    }

    /**
     * Takes the next line, skipping wake-ups, within {@code idle}. The session's own thread waits
     * on the queue with a time limit: no thread is started for the wait, which is the whole of a
     * session's life between commands.
     */
    private ControlLine takeLine(Duration idle) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + idle.toNanos();
        while (true) {
            Object event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new TimeoutException("no command in " + idle.toMillis() + " ms");
            }
            if (event != WAKE) {
                return (ControlLine) event;
            }
        }
    }

    /**
     * Sends a reply in one write. The output is not buffered: a reply is encoded whole, and a
     * buffer would be held for the session's whole life, most of it idle.
     */
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
        room.release(READ_AHEAD);
        afterAuth.add(Optional.empty());
    }
}

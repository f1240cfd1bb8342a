package dev.loomftp.server;

import dev.loomftp.protocol.ControlLine;
import dev.loomftp.protocol.LineReader;
import dev.loomftp.protocol.Reply;
import dev.loomftp.tls.TlsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.util.function.Predicate;

/**
 * A session's control connection. Between transfers the session's own thread reads it, with
 * {@link #next(Duration)}, under the idle deadline, which the socket's read timeout keeps
 * ({@link TimedInput}): an idle session is one virtual thread parked in a read, and nothing else
 * runs for it. While a transfer runs, a {@link ControlPump} reads the lines on a subtask of the
 * session's scope and the session takes them with {@link #nextUrgent}, which also wakes when the
 * transfer ends. A pump stops only after a line (a blocked read cannot be stopped without closing
 * the socket), so after a transfer the session takes lines from it until it has stopped.
 *
 * <p>During a transfer the session takes every line as it comes, so that ABOR, STAT and NOOP are
 * found however many lines came before them, and holds the others for after the transfer in
 * {@link HeldLines}, up to {@value #HELD_LINES} times the line limit in bytes. Holding them all
 * would let a client fill the memory, and leaving the excess in TCP would keep an ABOR behind it
 * until the transfer ended; so past that budget a line is refused in its place.
 *
 * <p>Everything here runs on the session's thread, except {@link #wake()} (the transfer's) and
 * {@link #stop()} (the server's, when it stops).
 */
final class ControlChannel implements AutoCloseable {
    /** How many lines of the longest length may be held for after a transfer. */
    private static final int HELD_LINES = 16;

    private final SocketChannel socket;
    private final int maxLineLength;
    private final HeldLines heldBack;
    /** Told the code of every reply sent, for the metrics. */
    private final java.util.function.IntConsumer sent;
    /** Created at the first transfer: most sessions that make none never need one. */
    private ControlPump pump;
    /** Forks a pump in the session's scope. */
    private Consumer<Callable<Void>> fork;
    private TimedInput input;
    private LineReader reader;
    /** Unbuffered: see {@link #reply(Reply)}. */
    private OutputStream out;
    private SSLSocket tls;
    /** During a transfer: the pump stopped at a line that must be answered before it reads on. */
    private boolean pumpStoppedForGood;
    private volatile boolean stopping;

    /**
     * Takes over a control connection. Urgent data is read in line: clients mark ABOR with it
     * (RFC 959's Telnet Synch, or Python's ftplib sending ABOR's line end as urgent), and out of
     * line the kernel would drop that byte and the command with it.
     */
    ControlChannel(SocketChannel socket, int maxLineLength, java.util.function.IntConsumer sent) throws IOException {
        socket.socket().setOOBInline(true);
        this.socket = socket;
        this.sent = sent;
        this.maxLineLength = maxLineLength;
        this.heldBack = new HeldLines(HELD_LINES * maxLineLength);
        readFrom(socket.socket().getInputStream(), socket.socket());
        this.out = Channels.newOutputStream(socket);
    }

    /** Where {@link #startTransfer} forks the pump: a scope the session owns. */
    void forkPumpsWith(Consumer<Callable<Void>> fork) {
        this.fork = fork;
    }

    private void readFrom(InputStream in, Socket timed) {
        input = new TimedInput(in, timed);
        reader = new LineReader(input, maxLineLength);
    }

    /**
     * Starts TLS on this connection, as the server (AUTH TLS, or at once on an implicit-TLS
     * listener), with the handshake under {@code deadline}. No pump runs then: one stops after an
     * AUTH line.
     *
     * @throws TimeoutException when the handshake did not finish in time
     */
    void startTls(TlsContext context, Duration deadline) throws IOException, TimeoutException, InterruptedException {
        SSLSocket secured = Deadline.within(deadline, () -> context.serverSocket(socket.socket(), true));
        tls = secured;
        readFrom(secured.getInputStream(), secured);
        out = secured.getOutputStream();
    }

    /**
     * Ends TLS on this connection after CCC: sends close_notify and goes on in clear text. A
     * client may answer with its own close_notify (curl's active CCC mode) or not (its passive
     * mode, the default); the clear-text reader skips that one TLS record if it comes. No pump
     * runs then: one stops after a CCC line.
     */
    void stopTls() throws IOException {
        tls.shutdownOutput();
        tls = null;
        readFrom(new AfterTls(socket.socket().getInputStream()), socket.socket());
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

    /** AUTH starts TLS and CCC ends it: what follows either is read differently. */
    static boolean changesProtection(ControlLine line) {
        return line instanceof ControlLine.Text text
                && (Session.verbOf(text.text()).equals("AUTH") || Session.verbOf(text.text()).equals("CCC"));
    }

    /**
     * Waits for the next line: first any held back during a transfer, then any a pump still
     * gives, then new ones read here.
     *
     * @throws TimeoutException when none came within {@code idle}
     */
    ControlLine next(Duration idle) throws TimeoutException, InterruptedException {
        ControlLine held = heldBack.poll();
        if (held != null) {
            return held;
        }
        long deadline = System.nanoTime() + idle.toNanos();
        while (pump != null && pump.running()) {
            Object event = pump.poll(deadline - System.nanoTime());
            if (event == null) {
                throw new TimeoutException("no command in " + idle.toMillis() + " ms");
            }
            if (event instanceof ControlLine line) {
                return line;
            }
        }
        return readWithin(deadline, idle);
    }

    private ControlLine readWithin(long deadline, Duration idle) throws TimeoutException, InterruptedException {
        input.limitTo(deadline);
        try {
            return reader.read();
        } catch (SocketTimeoutException e) {
            throw new TimeoutException("no command in " + idle.toMillis() + " ms");
        } catch (IOException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException(); // the read was interrupted, which closed the socket
            }
            return new ControlLine.End();
        }
    }

    /** A transfer starts: a pump reads the lines that come during it (and one after it). */
    void startTransfer() {
        if (pump == null) {
            pump = new ControlPump();
        }
        pumpStoppedForGood = false;
        startPump();
    }

    private void startPump() {
        if (pump.transferStarting()) {
            input.unlimited();
            LineReader current = reader;
            fork.accept(() -> pump.run(current));
        }
    }

    /** The transfer has ended; call it after it has, and before the next {@link #next}. */
    void transferEnded() {
        pump.transferEnded();
    }

    /**
     * During a transfer: waits for a line that {@code urgent} accepts, holding back the others
     * for {@link #next} in their order, or for {@link #wake()}. Every line taken frees its place
     * in the pump's queue, so it reads on.
     *
     * @return the urgent line, or empty when woken
     */
    Optional<ControlLine> nextUrgent(Predicate<ControlLine> urgent) throws InterruptedException {
        while (true) {
            Object event = pump.take();
            if (event == ControlPump.WAKE) {
                return Optional.empty();
            }
            if (event == ControlPump.STOPPED) {
                if (!pumpStoppedForGood) {
                    startPump(); // it stopped as this transfer began, after a line of the last one
                }
                continue;
            }
            ControlLine line = (ControlLine) event;
            if (urgent.test(line)) {
                pumpStoppedForGood |= line instanceof ControlLine.End;
                return Optional.of(line);
            }
            // A held AUTH or CCC is answered after the transfer, and nothing after it is read
            // before; a refused one starts or ends no TLS, and the next pump reads on.
            pumpStoppedForGood |= heldBack.add(line) && changesProtection(line);
        }
    }

    /** Wakes {@link #nextUrgent}, as a transfer does when it ends. Never blocks. */
    void wake() {
        pump.wake();
    }

    /**
     * Asks the session to end, from another thread, as the server does when it stops: the
     * session's read, or its pump's, sees the end of the input, and {@link #stopping()} tells it
     * why. The socket stays open, so the session can still say 421.
     */
    void stop() {
        stopping = true;
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            // Closed already: the session is ending either way.
        }
    }

    /** Whether {@link #stop()} was called. */
    boolean stopping() {
        return stopping;
    }

    /**
     * Sends a reply in one write. The output is not buffered: a reply is encoded whole, and a
     * buffer would be held for the session's whole life, most of it idle.
     */
    void reply(Reply reply) throws IOException {
        out.write(reply.encode());
        out.flush();
        sent.accept(reply.code());
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
        if (pump != null) {
            pump.close();
        }
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is best effort; the session is ending either way.
        }
    }
}

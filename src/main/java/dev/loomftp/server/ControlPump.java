package dev.loomftp.server;

import dev.loomftp.protocol.ControlLine;
import dev.loomftp.protocol.LineReader;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads the control connection on a subtask of the session's scope while a transfer runs, so that
 * the session, which waits for the transfer, still sees ABOR, STAT and NOOP. Between transfers
 * the session reads the connection itself and no pump runs: an idle session is one parked thread.
 *
 * <p>A read blocked on a socket cannot be stopped without closing the socket, so a pump stops
 * only after a line: the first one read once its transfer has ended, an AUTH or CCC line (what
 * follows it may be TLS, or clear text again), or the end of the input. After its last line it
 * puts {@link #STOPPED} in the queue. At most {@value #READ_AHEAD} lines wait in the queue; a
 * client that sends more waits in TCP.
 *
 * <p>{@link #run} runs on the pump's own thread; everything else on the session's, except
 * {@link #wake} (the transfer's thread) and {@link #close} (any thread).
 */
final class ControlPump {
    /** Put in the queue by {@link #wake()}. */
    static final Object WAKE = new Object();
    /** Put in the queue after the pump's last line. */
    static final Object STOPPED = new Object();
    private static final int READ_AHEAD = 16;

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(READ_AHEAD);
    private volatile boolean transferring;
    private volatile boolean closed;
    /** Whether a pump runs whose {@link #STOPPED} the session has not taken yet. */
    private boolean running;

    /** Whether lines come from here now, rather than from the connection. */
    boolean running() {
        return running;
    }

    /** A transfer starts: the pump reads on until it ends. Returns whether a pump must be started. */
    boolean transferStarting() {
        transferring = true;
        if (running) {
            return false;
        }
        running = true;
        return true;
    }

    /** The transfer has ended: the pump stops after the next line. */
    void transferEnded() {
        transferring = false;
    }

    /** Reads lines with {@code reader} until one of the stops the class describes. */
    Void run(LineReader reader) throws InterruptedException {
        try {
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
            } while (transferring && !(line instanceof ControlLine.End) && !ControlChannel.changesProtection(line));
            return null;
        } finally {
            events.add(STOPPED);
        }
    }

    /**
     * The next event: a line (whose place in the queue is freed), {@link #WAKE} or
     * {@link #STOPPED} (after which {@link #running()} is false), or null when none came in time.
     */
    Object poll(long nanos) throws InterruptedException {
        Object event = events.poll(nanos, TimeUnit.NANOSECONDS);
        return taken(event);
    }

    /** As {@link #poll}, waiting as long as it takes. */
    Object take() throws InterruptedException {
        return taken(events.take());
    }

    private Object taken(Object event) {
        if (event == STOPPED) {
            running = false;
        } else if (event instanceof ControlLine) {
            room.release();
        }
        return event;
    }

    /** Wakes the session waiting in {@link #take}, as a transfer does when it ends. Never blocks. */
    void wake() {
        events.add(WAKE);
    }

    /** Lets a pump that waits for room end; one blocked in a read ends when the socket closes. */
    void close() {
        closed = true;
        room.release(READ_AHEAD);
    }
}

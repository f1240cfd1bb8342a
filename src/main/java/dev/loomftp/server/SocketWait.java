package dev.loomftp.server;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

/**
 * Waits, with a time limit, until a non-blocking channel of one data connection is ready: to
 * accept, connect, read or write. This is how the data timeouts are kept on the thread that does
 * the work, with no thread started for a wait: a blocking channel's reads and writes honour no time
 * limit, and starting a subtask under a deadline for every step cost more than the step itself.
 *
 * <p>The selector is the data connection's own, never shared, and opened only when a wait is
 * needed: a small file on a fast network moves without one. On a virtual thread the selector parks
 * the thread, not its carrier. Each wait registers the channel and cancels it again, so closing the
 * channel is never deferred past the wait.
 *
 * <p>{@link #await} runs on one thread at a time, the one that owns the connection's work;
 * {@link #wakeup()} may be called from any thread, as the session does on ABOR.
 */
final class SocketWait implements AutoCloseable {
    private volatile Selector selector;
    private boolean closed;

    /**
     * Waits until {@code channel} is ready for {@code operation} (a {@link SelectionKey} operation),
     * for at most {@code nanos}.
     *
     * @return whether it became ready; false when the time passed first
     * @throws AsynchronousCloseException when the channel was closed meanwhile, as by ABOR
     * @throws InterruptedException       when the thread was interrupted, as when its session ends
     */
    boolean await(SelectableChannel channel, int operation, long nanos) throws IOException, InterruptedException {
        if (nanos <= 0) {
            return false;
        }
        Selector open = selector();
        SelectionKey key = channel.register(open, operation);
        int ready;
        try {
            // select(0) would wait without end: a limit under a millisecond is one millisecond.
            ready = open.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
        } finally {
            key.cancel();
            open.selectedKeys().clear();
            open.selectNow();
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting for a data connection");
        }
        if (!channel.isOpen()) {
            throw new AsynchronousCloseException();
        }
        return ready > 0;
    }

    /** Ends a wait in progress, or the next one, at once; the caller has closed the channel. */
    void wakeup() {
        Selector open = selector;
        if (open != null) {
            open.wakeup();
        }
    }

    private Selector selector() throws IOException {
        if (closed) {
            throw new AsynchronousCloseException();
        }
        if (selector == null) {
            selector = Selector.open();
        }
        return selector;
    }

    @Override
    public void close() {
        closed = true;
        Selector open = selector;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // Nothing is left registered with it; a failed close leaks nothing more.
            }
        }
    }
}

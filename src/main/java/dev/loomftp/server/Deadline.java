package dev.loomftp.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;

/**
 * Runs one blocking step under a deadline, as a subtask of a structured scope owned by the
 * calling thread. When the deadline passes, the scope cancels the subtask, which interrupts it (a
 * socket or channel it is blocked on is closed by that), and the caller gets a
 * {@link TimeoutException}. No timer thread, no polling, and the subtask never outlives the call.
 *
 * <p>A step costs a scope and a virtual thread, a few microseconds: right for a step that happens
 * once, as the control connection's TLS handshake, and too much for every read and write of a
 * transfer, whose time limits {@link DataWire} keeps on the transfer's own thread.
 */
final class Deadline {
    private static final ThreadFactory STEPS = Thread.ofVirtual().name("loomftp-step-", 0).factory();

    private Deadline() {}

    /** A blocking step that may fail with an I/O error. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code step} and returns its result, or fails once {@code timeout} has passed.
     *
     * @throws TimeoutException     when the deadline passed first
     * @throws IOException          when the step failed with one
     * @throws InterruptedException when the calling thread was interrupted, as when its session
     *                              is being closed
     */
    static <T> T within(Duration timeout, Step<T> step) throws TimeoutException, IOException, InterruptedException {
        Callable<T> task = step::run;
        try (var scope = StructuredTaskScope.open(Joiner.<T>anySuccessfulResultOrThrow(),
                config -> config.withTimeout(timeout).withThreadFactory(STEPS))) {
            scope.fork(task);
            return scope.join();
        } catch (StructuredTaskScope.TimeoutException e) {
            throw new TimeoutException("no progress in " + timeout.toMillis() + " ms");
        } catch (StructuredTaskScope.FailedException e) {
            throw rethrow(e.getCause());
        }
    }

    private static IOException rethrow(Throwable cause) throws InterruptedException {
        return switch (cause) {
            case InterruptedIOException interrupted -> interrupted;
            case IOException io -> io;
            case InterruptedException interrupted -> throw interrupted;
            case UncheckedIOException unchecked -> unchecked.getCause();
            case RuntimeException runtime -> throw runtime;
            case Error error -> throw error;
            default -> new IOException(cause);
        };
    }
}

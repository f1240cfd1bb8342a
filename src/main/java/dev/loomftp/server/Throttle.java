package dev.loomftp.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bandwidth limit, shared by the transfers it covers: a whole server's, or one user's. It
 * keeps the time at which the bytes taken so far would all have gone at the rate (the generic
 * cell rate algorithm), and a transfer that takes bytes ahead of that time waits the difference,
 * outside any lock, so a transfer that waits holds up no other. Up to {@link #BURST} of bytes may
 * go at once after a pause; over ten seconds the average is within 1 % of the rate.
 */
final class Throttle {
    /** How far ahead of the rate a transfer may go after a pause. */
    static final Duration BURST = Duration.ofMillis(50);
    /** The most a transfer moves between two waits: about this long at the rate, so an ABOR is seen soon. */
    private static final Duration STEP = Duration.ofMillis(50);
    private static final int MIN_SLICE = 4096;
    private static final int MAX_SLICE = 256 * 1024;

    private final long bytesPerSecond;
    private final int slice;
    private final ReentrantLock lock = new ReentrantLock();
    /** When every byte taken so far will have gone, on the {@link System#nanoTime} clock. */
    private long done = Long.MIN_VALUE;

    /** @param bytesPerSecond the rate, more than 0 */
    Throttle(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("a rate is more than 0 bytes a second");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.slice = (int) Math.clamp(bytesPerSecond * STEP.toNanos() / 1_000_000_000L, MIN_SLICE, MAX_SLICE);
    }

    long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Takes {@code bytes}, waiting as long as the rate asks. */
    void take(long bytes) throws InterruptedException {
        long wait;
        lock.lock();
        try {
            long now = System.nanoTime();
            long start = done == Long.MIN_VALUE || done - now < 0 ? now : done;
            done = start + Math.multiplyExact(bytes, 1_000_000_000L) / bytesPerSecond;
            wait = done - now - BURST.toNanos();
        } finally {
            lock.unlock();
        }
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }

    /**
     * The limits one transfer is under, each taken in turn: its user's, then the server's. None
     * at all costs nothing.
     */
    record Set(List<Throttle> throttles) {
        static final Set NONE = new Set(List.of());

        Set {
            throttles = List.copyOf(throttles);
        }

        boolean limited() {
            return !throttles.isEmpty();
        }

        /** The most to move before the next {@link #take}: the smallest step of its limits. */
        int slice() {
            int smallest = Integer.MAX_VALUE;
            for (Throttle throttle : throttles) {
                smallest = Math.min(smallest, throttle.slice);
            }
            return smallest;
        }

        void take(long bytes) throws InterruptedException {
            for (Throttle throttle : throttles) {
                throttle.take(bytes);
            }
        }
    }
}

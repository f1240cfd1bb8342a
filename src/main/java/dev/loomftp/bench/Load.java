package dev.loomftp.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * Runs many clients at once, each on its own virtual thread, as subtasks of one structured scope
 * with a time limit: they all start together once every one has been forked, and when the limit
 * passes the scope interrupts those still running (closing their sockets), so a run never
 * outlasts it. Each client records how long each of its operations took; failures are counted,
 * and the first one's message kept, rather than ending the run.
 */
final class Load {
    private final int clients;
    private final Duration limit;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final long[][] times;
    private final int[] counts;

    /** What one client does; {@code number} is 0 to clients - 1. */
    @FunctionalInterface
    interface Client {
        void run(int number, Timer timer) throws IOException, InterruptedException;
    }

    /** Records one client's operation times. */
    final class Timer {
        private final int number;

        private Timer(int number) {
            this.number = number;
        }

        /** Records one operation that began at {@code startNanos} (from {@link System#nanoTime()}) and ended now. */
        void record(long startNanos) {
            long elapsed = System.nanoTime() - startNanos;
            if (counts[number] == times[number].length) {
                times[number] = Arrays.copyOf(times[number], Math.max(8, counts[number] * 2));
            }
            times[number][counts[number]++] = elapsed;
        }
    }

    /** The outcome: wall time, operation times in ms (sorted), and failures. */
    record Outcome(double seconds, double[] millis, long errors, String firstError) {
        long operations() {
            return millis.length;
        }

        /** The {@code fraction} quantile of the operation times (0.5 for the median), or 0 with none. */
        double quantile(double fraction) {
            return millis.length == 0 ? 0 : millis[(int) Math.min(millis.length - 1, Math.ceil(fraction * millis.length) - 1)];
        }
    }

    private Load(int clients, Duration limit) {
        this.clients = clients;
        this.limit = limit;
        this.times = new long[clients][];
        this.counts = new int[clients];
        Arrays.setAll(times, i -> new long[8]);
    }

    /** Runs {@code clients} copies of {@code client} together, for no longer than {@code limit}. */
    static Outcome run(int clients, Duration limit, Client client) throws InterruptedException {
        return new Load(clients, limit).run(client);
    }

    private Outcome run(Client client) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        long began;
        try (var scope = StructuredTaskScope.open(Joiner.<Void>awaitAll(), config -> config.withTimeout(limit))) {
            for (int i = 0; i < clients; i++) {
                int number = i;
                scope.fork(() -> {
                    start.await();
                    one(client, number);
                    return null;
                });
            }
            began = System.nanoTime();
            start.countDown();
            try {
                scope.join();
            } catch (StructuredTaskScope.TimeoutException late) {
                // The clients it stopped fail as interrupted; the reason to give is the limit.
                errors.incrementAndGet();
                firstError.set("the run passed its time limit of " + limit.toSeconds() + " s");
            }
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        return new Outcome(seconds, sortedMillis(), errors.get(), firstError.get());
    }

    private void one(Client client, int number) throws InterruptedException {
        try {
            client.run(number, new Timer(number));
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage() == null ? "failed without a reason given" : e.getMessage());
        }
    }

    private void fail(String message) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, message);
    }

    private double[] sortedMillis() {
        return IntStream.range(0, clients).mapToObj(i -> Arrays.stream(times[i], 0, counts[i]))
                .flatMapToLong(row -> row).sorted().mapToDouble(nanos -> nanos / 1e6).toArray();
    }
}

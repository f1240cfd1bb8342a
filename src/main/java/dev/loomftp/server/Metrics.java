package dev.loomftp.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * What the server counts for Prometheus: sessions, logins, transfers and their bytes and
 * durations, replies by code, passive listeners, bans, and the JVM's memory, threads and file
 * descriptors. Counting is a {@link LongAdder} increment, cheap enough for every reply; the text
 * is made only when it is scraped ({@link #render}), in Prometheus' text format 0.0.4.
 */
final class Metrics {
    /** The upper bounds of the transfer-duration buckets, in seconds; +Inf follows. */
    private static final double[] BUCKETS = {0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120, 600};
    private static final int CODES = 600;

    /** Which way a transfer went, and how it ended. */
    enum Direction { UPLOAD, DOWNLOAD, LISTING }

    private final LongAdder sessions = new LongAdder();
    private final LongAdder loginsOk = new LongAdder();
    private final LongAdder loginsFailed = new LongAdder();
    private final LongAdder bans = new LongAdder();
    private final AtomicLongArray replies = new AtomicLongArray(CODES);
    private final Transfers[] transfers = {new Transfers(), new Transfers(), new Transfers()};

    /** The counts of one direction. */
    private static final class Transfers {
        final LongAdder ok = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final java.util.concurrent.atomic.DoubleAdder seconds = new java.util.concurrent.atomic.DoubleAdder();

        Transfers() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }
    }

    void sessionStarted() {
        sessions.increment();
    }

    void login(boolean ok) {
        (ok ? loginsOk : loginsFailed).increment();
    }

    void banned() {
        bans.increment();
    }

    void reply(int code) {
        if (code >= 100 && code < CODES) {
            replies.incrementAndGet(code);
        }
    }

    void transfer(Direction direction, long bytes, Duration took, boolean ok) {
        Transfers counts = transfers[direction.ordinal()];
        (ok ? counts.ok : counts.failed).increment();
        counts.bytes.add(bytes);
        double seconds = took.toNanos() / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                counts.buckets[i].increment();
                break;
            }
        }
        counts.count.increment();
        counts.seconds.add(seconds);
    }

    /**
     * The whole exposition: every metric with its HELP and TYPE, the gauges read now.
     *
     * @param activeSessions  the sessions running now
     * @param passiveListeners the passive listeners open now
     */
    String render(IntSupplier activeSessions, IntSupplier passiveListeners) {
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "loomftp_sessions", "Control sessions running now.", activeSessions.getAsInt());
        counter(out, "loomftp_sessions_total", "Control sessions started.", sessions.sum());
        header(out, "loomftp_logins_total", "Logins, by result.", "counter");
        sample(out, "loomftp_logins_total{result=\"ok\"}", loginsOk.sum());
        sample(out, "loomftp_logins_total{result=\"failed\"}", loginsFailed.sum());
        counter(out, "loomftp_bans_total", "Client addresses banned after failed logins.", bans.sum());
        gauge(out, "loomftp_passive_listeners", "Passive data listeners open now.", passiveListeners.getAsInt());

        header(out, "loomftp_transfers_total", "Transfers (files and listings), by direction and result.", "counter");
        for (Direction direction : Direction.values()) {
            Transfers counts = transfers[direction.ordinal()];
            sample(out, "loomftp_transfers_total{direction=\"" + label(direction) + "\",result=\"ok\"}", counts.ok.sum());
            sample(out, "loomftp_transfers_total{direction=\"" + label(direction) + "\",result=\"failed\"}",
                    counts.failed.sum());
        }
        header(out, "loomftp_transfer_bytes_total", "Bytes over data connections, by direction.", "counter");
        for (Direction direction : Direction.values()) {
            sample(out, "loomftp_transfer_bytes_total{direction=\"" + label(direction) + "\"}",
                    transfers[direction.ordinal()].bytes.sum());
        }
        header(out, "loomftp_transfer_duration_seconds", "How long transfers took, from command to end.", "histogram");
        for (Direction direction : Direction.values()) {
            Transfers counts = transfers[direction.ordinal()];
            String labels = "direction=\"" + label(direction) + "\"";
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += counts.buckets[i].sum();
                sample(out, "loomftp_transfer_duration_seconds_bucket{" + labels + ",le=\"" + number(BUCKETS[i]) + "\"}",
                        cumulative);
            }
            long count = counts.count.sum();
            sample(out, "loomftp_transfer_duration_seconds_bucket{" + labels + ",le=\"+Inf\"}", Math.max(count, cumulative));
            out.append("loomftp_transfer_duration_seconds_sum{").append(labels).append("} ")
                    .append(number(counts.seconds.sum())).append('\n');
            sample(out, "loomftp_transfer_duration_seconds_count{" + labels + "}", Math.max(count, cumulative));
        }
        header(out, "loomftp_replies_total", "Replies sent, by code.", "counter");
        for (int code = 100; code < CODES; code++) {
            long sent = replies.get(code);
            if (sent > 0) {
                sample(out, "loomftp_replies_total{code=\"" + code + "\"}", sent);
            }
        }
        jvm(out);
        return out.toString();
    }

    private static void jvm(StringBuilder out) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        header(out, "jvm_memory_used_bytes", "Memory the JVM uses, by area.", "gauge");
        sample(out, "jvm_memory_used_bytes{area=\"heap\"}", memory.getHeapMemoryUsage().getUsed());
        sample(out, "jvm_memory_used_bytes{area=\"nonheap\"}", memory.getNonHeapMemoryUsage().getUsed());
        header(out, "jvm_memory_committed_bytes", "Memory the JVM has from the system, by area.", "gauge");
        sample(out, "jvm_memory_committed_bytes{area=\"heap\"}", memory.getHeapMemoryUsage().getCommitted());
        sample(out, "jvm_memory_committed_bytes{area=\"nonheap\"}", memory.getNonHeapMemoryUsage().getCommitted());
        gauge(out, "jvm_threads_platform", "Platform threads alive.", ManagementFactory.getThreadMXBean().getThreadCount());
        VirtualThreadSchedulerMXBean scheduler = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
        gauge(out, "jvm_threads_virtual_mounted", "Virtual threads running on a carrier now.",
                scheduler.getMountedVirtualThreadCount());
        gauge(out, "jvm_threads_virtual_queued", "Virtual threads ready to run, waiting for a carrier.",
                scheduler.getQueuedVirtualThreadCount());
        OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
        if (system instanceof UnixOperatingSystemMXBean unix) {
            gauge(out, "process_open_fds", "File descriptors the process has open.", unix.getOpenFileDescriptorCount());
            gauge(out, "process_max_fds", "The most file descriptors the process may open.",
                    unix.getMaxFileDescriptorCount());
        }
    }

    private static String label(Direction direction) {
        return direction.name().toLowerCase(Locale.ROOT);
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "gauge");
        sample(out, name, value);
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "counter");
        sample(out, name, value);
    }

    private static void sample(StringBuilder out, String series, long value) {
        out.append(series).append(' ').append(value).append('\n');
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}

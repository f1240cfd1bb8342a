package dev.loomftp.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.loomftp.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.tinylog.Logger;

/**
 * The transfer logs an operator asked for ({@code logging.xferlog}, {@code logging.transferJson}):
 * one line for each file sent or received, complete or cut short, in wu-ftpd's xferlog format
 * (which fail2ban, webalizer and other log tools read) and as a JSON object a line. Listings are
 * not file transfers and are not in them. Paths are the ones clients see, never real ones.
 *
 * <p>Safe to use from many threads: each line is written whole, under a lock, with one append. A
 * write that fails is logged once, and never fails the transfer. {@link #reopen} (SIGUSR1, after
 * logrotate) takes the same lock, so no line is split between the old file and the new.
 * {@link #reconfigure} (a reload) opens the logs a new configuration names; a line written to one
 * it closes as it does goes on to its successor, so none is lost.
 */
final class TransferLog implements AutoCloseable {
    /** The date as wu-ftpd writes it, C's ctime: "Sun Dec  6 12:10:36 2026". */
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
    private static final JsonFactory JSON = new JsonFactory();

    private volatile Optional<Sink> xferlog;
    private volatile Optional<Sink> json;
    private final ZoneId zone;

    private TransferLog(Optional<Sink> xferlog, Optional<Sink> json, ZoneId zone) {
        this.xferlog = xferlog;
        this.json = json;
        this.zone = zone;
    }

    /** No transfer log at all. */
    static TransferLog none() {
        return new TransferLog(Optional.empty(), Optional.empty(), ZoneId.systemDefault());
    }

    /**
     * Opens the configured logs for appending, with their folders, and new files readable by the
     * owner and the group only. xferlog dates are in {@code zone}, as wu-ftpd writes local time.
     */
    static TransferLog open(Config.Logging logging, ZoneId zone) throws IOException {
        return new TransferLog(Sink.open(logging.xferlog()), Sink.open(logging.transferJson()), zone);
    }

    /** Which way a file went, from the server's side. */
    enum Direction {
        IN('i', "upload"), OUT('o', "download");

        private final char xferlog;
        private final String json;

        Direction(char xferlog, String json) {
            this.xferlog = xferlog;
            this.json = json;
        }
    }

    /**
     * One file transfer.
     *
     * @param finished  when it ended
     * @param took      how long it took, from the command to the end
     * @param session   the session's number
     * @param user      the user's name
     * @param anonymous whether the user logged in anonymously
     * @param remote    the client's address, as text
     * @param verb      RETR, STOR, APPE or STOU
     * @param path      the path the client sees
     * @param bytes     the bytes that went over the data connection
     * @param binary    TYPE I (true) or TYPE A
     * @param tls       whether the data connection was protected
     * @param complete  whether the whole file went
     * @param result    "ok", or why it did not complete
     */
    record Entry(Instant finished, Duration took, long session, String user, boolean anonymous, String remote,
            String verb, String path, long bytes, boolean binary, boolean tls, boolean complete, String result) {
        Direction direction() {
            return verb.equals("RETR") ? Direction.OUT : Direction.IN;
        }
    }

    /**
     * Writes from now on the logs {@code next} names: a log whose file stays the same is reopened
     * (as by {@link #reopen}), another is opened, and one no longer named is closed.
     *
     * @throws IOException when a new log cannot be opened; the logs are as they were then
     */
    void reconfigure(Config.Logging next) throws IOException {
        Optional<Sink> nextXferlog = successor(xferlog, next.xferlog());
        Optional<Sink> nextJson;
        try {
            nextJson = successor(json, next.transferJson());
        } catch (IOException e) {
            if (nextXferlog != xferlog) {
                nextXferlog.ifPresent(Sink::close);
            }
            throw e;
        }
        handOver(xferlog, nextXferlog);
        handOver(json, nextJson);
        xferlog = nextXferlog;
        json = nextJson;
    }

    /** The log for {@code file}: the one open now when it writes that file, else a new one. */
    private static Optional<Sink> successor(Optional<Sink> current, Path file) throws IOException {
        if (current.isPresent() && current.get().file.equals(file)) {
            return current;
        }
        return Sink.open(file);
    }

    private static void handOver(Optional<Sink> old, Optional<Sink> next) {
        if (old == next) {
            old.ifPresent(Sink::reopen);
        } else {
            old.ifPresent(sink -> sink.retire(next.orElse(null)));
        }
    }

    /** Whether any transfer log is on; when none is, a transfer need not describe itself. */
    boolean isOn() {
        return xferlog.isPresent() || json.isPresent();
    }

    /** Writes {@code entry} to each log that is on. */
    void record(Entry entry) {
        xferlog.ifPresent(sink -> sink.append(xferlogLine(entry)));
        json.ifPresent(sink -> sink.append(jsonLine(entry)));
    }

    /**
     * The wu-ftpd line: date, seconds (whole, at least 1, as tools divide by it), host, bytes, file
     * name, a or b, special action (_), i or o, access mode (a anonymous, r real), user, service,
     * authentication method (0), authenticated user id (*), c or i. The name's blanks and
     * control characters become '_', so that a line always has its fourteen fields.
     */
    String xferlogLine(Entry entry) {
        long seconds = Math.max(1, (entry.took().toMillis() + 999) / 1000);
        return String.join(" ", CTIME.format(entry.finished().atZone(zone)), Long.toString(seconds), entry.remote(),
                Long.toString(entry.bytes()), field(entry.path()), entry.binary() ? "b" : "a", "_",
                String.valueOf(entry.direction().xferlog), entry.anonymous() ? "a" : "r", field(entry.user()), "ftp",
                "0", "*", entry.complete() ? "c" : "i") + "\n";
    }

    /** The JSON line, with UTC time in ISO-8601. */
    static String jsonLine(Entry entry) {
        ByteArrayOutputStream text = new ByteArrayOutputStream(256);
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            out.writeStringField("time", entry.finished().truncatedTo(ChronoUnit.MILLIS).toString());
            out.writeNumberField("session", entry.session());
            out.writeStringField("user", entry.user());
            out.writeBooleanField("anonymous", entry.anonymous());
            out.writeStringField("remote", entry.remote());
            out.writeStringField("direction", entry.direction().json);
            out.writeStringField("command", entry.verb());
            out.writeStringField("path", entry.path());
            out.writeNumberField("bytes", entry.bytes());
            out.writeNumberField("ms", entry.took().toMillis());
            out.writeStringField("type", entry.binary() ? "binary" : "ascii");
            out.writeBooleanField("tls", entry.tls());
            out.writeBooleanField("complete", entry.complete());
            out.writeStringField("result", entry.result());
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return text.toString(StandardCharsets.UTF_8) + "\n";
    }

    private static String field(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(c -> clean.appendCodePoint(Character.isWhitespace(c) || Character.isISOControl(c)
                ? '_' : c));
        return clean.isEmpty() ? "_" : clean.toString();
    }

    /**
     * Opens each log again by its name, as after logrotate moved the file away: lines from now on
     * go to a new file there. When one cannot be opened, it keeps the file it had.
     */
    void reopen() {
        xferlog.ifPresent(Sink::reopen);
        json.ifPresent(Sink::reopen);
    }

    @Override
    public void close() {
        xferlog.ifPresent(Sink::close);
        json.ifPresent(Sink::close);
    }

    /** One log file, appended to a whole line at a time. */
    private static final class Sink {
        private final Path file;
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicBoolean failed = new AtomicBoolean();
        private FileChannel channel;
        /** Set once a reload closed this log: where its lines go then, or null when nowhere. */
        private boolean retired;
        private Sink successor;

        private Sink(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        static Optional<Sink> open(Path file) throws IOException {
            return file == null ? Optional.empty() : Optional.of(new Sink(file, openChannel(file)));
        }

        private static FileChannel openChannel(Path file) throws IOException {
            Path folder = file.toAbsolutePath().getParent();
            if (folder != null) {
                Files.createDirectories(folder);
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            if (channel.size() == 0) {
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
                } catch (UnsupportedOperationException notPosix) {
                    // Elsewhere the folder's defaults apply.
                }
            }
            return channel;
        }

        void append(String line) {
            lock.lock();
            try {
                if (!retired) {
                    write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
                    return;
                }
            } finally {
                lock.unlock();
            }
            if (successor != null) {
                successor.append(line);
            }
        }

        private void write(ByteBuffer bytes) {
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                if (failed.compareAndSet(false, true)) {
                    Logger.warn("cannot write the transfer log {}: {}", file.getFileName(), FileErrors.reason(e));
                }
            }
        }

        /** Closes this log for a reload; lines that still come here go to {@code next}, or nowhere when null. */
        void retire(Sink next) {
            lock.lock();
            try {
                successor = next;
                retired = true;
                closeQuietly(channel);
            } finally {
                lock.unlock();
            }
        }

        void reopen() {
            lock.lock();
            try {
                FileChannel next = openChannel(file);
                closeQuietly(channel);
                channel = next;
                failed.set(false);
            } catch (IOException e) {
                Logger.warn("cannot reopen the transfer log {}, still writing the old one: {}", file.getFileName(),
                        FileErrors.reason(e));
            } finally {
                lock.unlock();
            }
        }

        void close() {
            lock.lock();
            try {
                closeQuietly(channel);
            } finally {
                lock.unlock();
            }
        }

        private void closeQuietly(FileChannel old) {
            try {
                old.close();
            } catch (IOException e) {
                Logger.warn("cannot close the transfer log {}: {}", file.getFileName(), FileErrors.reason(e));
            }
        }
    }
}

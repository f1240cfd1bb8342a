package dev.loomftp.server;

import dev.loomftp.config.Config;
import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.InvalidPathException;
import dev.loomftp.storage.VirtualPath;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.StreamSupport;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * The commands that move data: LIST, NLST, RETR and STOR, and SIZE, which tells how much RETR
 * would send. Every transfer follows RFC 959: 150 when it starts, then 226 when all went well,
 * 425 when no data connection could be opened, 426 when the connection broke or stalled, and
 * 451 or 452 when the storage failed. The data connection is closed before the final reply.
 */
final class TransferCommands {
    private static final int BUFFER_SIZE = 256 * 1024;
    /** The largest file whose TYPE A size SIZE works out by reading it. */
    private static final long MAX_ASCII_SIZE_SCAN = 64L * 1024 * 1024;

    private TransferCommands() {}

    /** What a transfer does once its data connection is open. */
    @FunctionalInterface
    private interface Body {
        void run(DataChannel data) throws IOException, InterruptedException;
    }

    /** A storage failure during a transfer, told apart from a failure of the data connection. */
    private static final class StorageFailure extends IOException {
        StorageFailure(IOException cause) {
            super(cause);
        }

        IOException error() {
            return (IOException) getCause();
        }
    }

    static void list(Session session, String argument) throws IOException, InterruptedException {
        listing(session, argument, true);
    }

    static void nlst(Session session, String argument) throws IOException, InterruptedException {
        listing(session, argument, false);
    }

    static void retr(Session session, String argument) throws IOException, InterruptedException {
        Optional<VirtualPath> path = readablePath(session, argument);
        if (path.isEmpty() || !dataConnectionReady(session)) {
            return;
        }
        Optional<FileEntry> entry = statFile(session, path.get());
        if (entry.isEmpty()) {
            return;
        }
        SeekableByteChannel file;
        try {
            file = session.files().openRead(path.get());
        } catch (IOException e) {
            FileErrors.reply(session, e, path.get());
            return;
        }
        try (file) {
            TransferType type = session.type();
            String opening = "Opening " + type.label() + " mode data connection for "
                    + path.get().name() + " (" + entry.get().size() + " bytes).";
            transfer(session, "RETR", path.get(), opening, data -> send(data, file, type));
        }
    }

    static void stor(Session session, String argument) throws IOException, InterruptedException {
        VirtualPath path;
        try {
            path = session.resolve(argument);
        } catch (InvalidPathException e) {
            session.reply(553, "File name not allowed.");
            return;
        }
        if (!dataConnectionReady(session)) {
            return;
        }
        SeekableByteChannel file;
        try {
            Optional<FileEntry> existing = session.files().stat(path);
            if (existing.isPresent() && !existing.get().isFile()) {
                session.reply(553, "Not a plain file.");
                return;
            }
            file = session.files().openWrite(path);
        } catch (IOException e) {
            FileErrors.reply(session, e, path);
            return;
        }
        try (file) {
            TransferType type = session.type();
            String opening = "Opening " + type.label() + " mode data connection for " + path.name() + ".";
            transfer(session, "STOR", path, opening, data -> receive(data, file, type));
        }
    }

    /** SIZE (RFC 3659): the bytes RETR would send in the current type. */
    static void size(Session session, String argument) throws IOException {
        Optional<VirtualPath> path = readablePath(session, argument);
        if (path.isEmpty()) {
            return;
        }
        Optional<FileEntry> entry = statFile(session, path.get());
        if (entry.isEmpty()) {
            return;
        }
        if (session.type() == TransferType.BINARY) {
            session.reply(213, Long.toString(entry.get().size()));
        } else if (entry.get().size() > MAX_ASCII_SIZE_SCAN) {
            session.reply(550, "SIZE in TYPE A is given for files up to 64 MiB; use TYPE I.");
        } else {
            try (SeekableByteChannel file = session.files().openRead(path.get())) {
                session.reply(213, Long.toString(asciiSize(file)));
            } catch (IOException e) {
                FileErrors.reply(session, e, path.get());
            }
        }
    }

    private static void listing(Session session, String argument, boolean longForm)
            throws IOException, InterruptedException {
        ListArguments parsed = ListArguments.parse(argument);
        VirtualPath path;
        try {
            path = session.resolve(parsed.path());
        } catch (InvalidPathException e) {
            session.reply(550, "Invalid path.");
            return;
        }
        if (!dataConnectionReady(session)) {
            return;
        }
        Optional<FileEntry> entry;
        try {
            entry = session.files().stat(path);
        } catch (IOException e) {
            FileErrors.reply(session, e, path);
            return;
        }
        if (entry.isEmpty()) {
            session.reply(550, "No such file or folder.");
            return;
        }
        ListFormat format = new ListFormat(Instant.now(), ZoneOffset.UTC);
        String verb = longForm ? "LIST" : "NLST";
        if (!entry.get().isDirectory()) {
            String line = longForm ? format.line(entry.get(), session.files().isWritable(path)) : entry.get().name();
            transfer(session, verb, path, "Opening ASCII mode data connection for the listing.",
                    data -> writeLines(data, List.of(line)));
            return;
        }
        DirectoryStream<FileEntry> entries;
        try {
            entries = session.files().list(path);
        } catch (IOException e) {
            FileErrors.reply(session, e, path);
            return;
        }
        try (entries) {
            Iterable<String> lines = () -> StreamSupport.stream(entries.spliterator(), false)
                    .filter(child -> parsed.all() || !child.name().startsWith("."))
                    .map(child -> longForm ? format.line(child, session.files().isWritable(path.child(child.name())))
                            : child.name())
                    .iterator();
            transfer(session, verb, path, "Opening ASCII mode data connection for the listing.",
                    data -> writeLines(data, lines));
        }
    }

    /** How a transfer ended, once its data connection was open. */
    private enum Outcome {
        DONE(226, "Transfer complete."),
        STALLED(426, "Transfer aborted: no data moved in time."),
        CONNECTION_LOST(426, "Connection closed; transfer aborted."),
        NO_SPACE(452, "Insufficient storage space; the transfer was not completed."),
        STORAGE_ERROR(451, "Local error; the transfer was not completed.");

        private final int code;
        private final String text;

        Outcome(int code, String text) {
            this.code = code;
            this.text = text;
        }
    }

    /**
     * Opens the data connection, runs {@code body}, closes the connection and sends the final
     * reply. One log line records the outcome.
     */
    private static void transfer(Session session, String verb, VirtualPath path, String opening, Body body)
            throws IOException, InterruptedException {
        DataConnector connector = session.takeDataConnector().orElseThrow();
        Config.Timeouts timeouts = session.context().config().timeouts();
        session.reply(150, opening);
        long started = System.nanoTime();
        DataChannel data;
        try (connector) {
            data = connector.open(timeouts.dataSetup(), timeouts.dataStall());
        } catch (TimeoutException e) {
            log(session, verb, path, 0, started, "no data connection in time");
            session.reply(425, "No data connection within " + Session.seconds(timeouts.dataSetup()) + ".");
            return;
        } catch (IOException e) {
            log(session, verb, path, 0, started, "no data connection: " + FileErrors.reason(e));
            session.reply(425, "Cannot open the data connection.");
            return;
        }
        Outcome outcome;
        String detail = "";
        try (data) {
            body.run(data);
            outcome = Outcome.DONE;
        } catch (TransferStalledException e) {
            outcome = Outcome.STALLED;
        } catch (StorageFailure e) {
            outcome = FileErrors.isNoSpace(e.error()) ? Outcome.NO_SPACE : Outcome.STORAGE_ERROR;
            detail = ": " + FileErrors.reason(e.error());
        } catch (IOException e) {
            outcome = Outcome.CONNECTION_LOST;
            detail = ": " + FileErrors.reason(e);
        }
        log(session, verb, path, data.bytes(), started, outcome.name().toLowerCase(Locale.ROOT) + detail);
        if (outcome == Outcome.STALLED) {
            session.reply(426, "Transfer aborted: no data moved for " + Session.seconds(timeouts.dataStall()) + ".");
        } else {
            session.reply(outcome.code, outcome.text);
        }
    }

    private static void send(DataChannel data, SeekableByteChannel file, TransferType type)
            throws IOException, InterruptedException {
        if (type == TransferType.BINARY && file instanceof FileChannel channel) {
            data.sendFile(channel, 0, channel.size());
            return;
        }
        Ascii.Encoder encoder = type == TransferType.ASCII ? new Ascii.Encoder() : null;
        ByteBuffer in = ByteBuffer.allocateDirect(BUFFER_SIZE);
        ByteBuffer out = encoder == null ? in : ByteBuffer.allocateDirect(2 * BUFFER_SIZE);
        while (readFile(file, in) >= 0) {
            in.flip();
            if (encoder != null) {
                out.clear();
                encoder.encode(in, out);
                out.flip();
            }
            data.write(out);
            in.clear();
        }
    }

    private static void receive(DataChannel data, SeekableByteChannel file, TransferType type)
            throws IOException, InterruptedException {
        Ascii.Decoder decoder = type == TransferType.ASCII ? new Ascii.Decoder() : null;
        ByteBuffer in = ByteBuffer.allocateDirect(BUFFER_SIZE);
        ByteBuffer out = decoder == null ? in : ByteBuffer.allocateDirect(BUFFER_SIZE + 1);
        while (data.read(in) >= 0) {
            in.flip();
            if (decoder != null) {
                out.clear();
                decoder.decode(in, out);
                out.flip();
            }
            writeFile(file, out);
            in.clear();
        }
        if (decoder != null) {
            out.clear();
            decoder.finish(out);
            out.flip();
            writeFile(file, out);
        }
    }

    private static void writeLines(DataChannel data, Iterable<String> lines) throws IOException {
        OutputStream out = new BufferedOutputStream(data.outputStream(), 64 * 1024);
        try {
            for (String line : lines) {
                out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (DirectoryIteratorException e) {
            throw new StorageFailure(e.getCause());
        }
        out.flush();
    }

    private static int readFile(SeekableByteChannel file, ByteBuffer buffer) throws StorageFailure {
        try {
            return file.read(buffer);
        } catch (IOException e) {
            throw new StorageFailure(e);
        }
    }

    private static void writeFile(SeekableByteChannel file, ByteBuffer buffer) throws StorageFailure {
        try {
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
        } catch (IOException e) {
            throw new StorageFailure(e);
        }
    }

    private static long asciiSize(SeekableByteChannel file) throws IOException {
        Ascii.Encoder encoder = new Ascii.Encoder();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        long size = 0;
        while (file.read(buffer) >= 0) {
            buffer.flip();
            size += encoder.measure(buffer);
            buffer.clear();
        }
        return size;
    }

    /** Replies 425 and returns false when no PASV, EPSV, PORT or EPRT came before. */
    private static boolean dataConnectionReady(Session session) throws IOException {
        if (!session.hasDataConnector()) {
            session.reply(425, "Use PASV, EPSV, PORT or EPRT first.");
            return false;
        }
        return true;
    }

    private static Optional<VirtualPath> readablePath(Session session, String argument) throws IOException {
        try {
            return Optional.of(session.resolve(argument));
        } catch (InvalidPathException e) {
            session.reply(550, "Invalid path.");
            return Optional.empty();
        }
    }

    /** The entry of a plain file, or empty after a 550 reply. */
    private static Optional<FileEntry> statFile(Session session, VirtualPath path) throws IOException {
        Optional<FileEntry> entry;
        try {
            entry = session.files().stat(path);
        } catch (IOException e) {
            FileErrors.reply(session, e, path);
            return Optional.empty();
        }
        if (entry.isEmpty()) {
            session.reply(550, "No such file.");
        } else if (!entry.get().isFile()) {
            session.reply(550, "Not a plain file.");
            return Optional.empty();
        }
        return entry;
    }

    private static void log(Session session, String verb, VirtualPath path, long bytes, long started, String result) {
        Logger.info("session {} transfer user={} {} {} bytes={} ms={} result={}", session.id(), session.userName(),
                verb, Session.shorten(path.toString()), bytes, (System.nanoTime() - started) / 1_000_000, result);
    }

    /**
     * The argument of LIST or NLST: leading {@code ls} flags such as {@code -la}, which clients
     * send from habit, then an optional path. Only {@code a} changes anything: it shows names
     * that start with a dot.
     */
    record ListArguments(boolean all, String path) {
        static ListArguments parse(String argument) {
            boolean all = false;
            String rest = argument.strip();
            while (rest.startsWith("-")) {
                int end = rest.indexOf(' ');
                String flags = end < 0 ? rest : rest.substring(0, end);
                all |= flags.indexOf('a') >= 0;
                rest = end < 0 ? "" : rest.substring(end + 1).strip();
            }
            return new ListArguments(all, rest);
        }
    }
}

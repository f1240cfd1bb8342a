package dev.loomftp.server;

import dev.loomftp.config.Config;
import dev.loomftp.protocol.DataAddress;
import dev.loomftp.protocol.Reply;
import dev.loomftp.storage.VirtualPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * One transfer over a data connection, from the 150 reply to the final one, as RFC 959 lays it
 * out: 150 when it starts; then 226 when all went well, 425 when no data connection could be
 * opened, 426 when the connection broke, stalled or was aborted, and 451, 452 or 552 when the
 * storage failed. The data connection is closed before the final reply. While the data moves, the
 * session keeps reading the control connection (see {@link Session#whileTransferring}).
 */
final class DataTransfer {
    private static final int BUFFER_SIZE = 256 * 1024;
    /** The commands that move a file, which the transfer logs record; listings are not among them. */
    private static final Set<String> FILE_VERBS = Set.of("RETR", "STOR", "APPE", "STOU");
    private static final Set<String> UPLOADS = Set.of("STOR", "APPE", "STOU");
    private static final int LINES_BUFFER_SIZE = 64 * 1024;

    private DataTransfer() {}

    /** What a transfer does once its data connection is open. */
    @FunctionalInterface
    interface Body {
        void run(DataChannel data) throws IOException, InterruptedException;
    }

    /** A storage failure during a transfer, told apart from a failure of the data connection. */
    static final class StorageFailure extends IOException {
        StorageFailure(IOException cause) {
            super(cause);
        }

        IOException error() {
            return (IOException) getCause();
        }
    }

    /** How a transfer ended: the final reply, and a word for the log. */
    private record Result(Reply reply, String log) {}

    /**
     * Opens the data connection the session set up, runs {@code body}, closes the connection and
     * sends the final reply ({@code success} if all went well). One log line records the outcome.
     * The session must hold a data connector.
     */
    static void run(Session session, String verb, VirtualPath path, String opening, Reply success, Body body)
            throws IOException, InterruptedException {
        if (!session.parameters().protectData() && session.dataProtectionRequired()) {
            session.reply(521, "Data connections must be protected here: send PBSZ 0 and PROT P.");
            return;
        }
        DataConnector connector = session.dataSetup().take().orElseThrow();
        Config.Timeouts timeouts = session.context().config().timeouts();
        long started = System.nanoTime();
        DataChannel data;
        try (connector) {
            data = open(session, connector, opening);
        } catch (TimeoutException e) {
            log(session, verb, path, 0, started, "no data connection in time", false);
            session.reply(425, "No data connection within " + Session.seconds(timeouts.dataSetup()) + ".");
            return;
        } catch (TlsFailure e) {
            log(session, verb, path, 0, started, "no TLS on the data connection: " + FileErrors.reason(e.error()),
                    false);
            session.reply(e.error() instanceof DataChannel.SessionNotResumedException
                    ? Reply.of(522, "The data connection must resume the TLS session of the control connection.")
                    : Reply.of(425, "TLS could not be started on the data connection."));
            return;
        } catch (IOException e) {
            log(session, verb, path, 0, started, "no data connection: " + FileErrors.reason(e), false);
            session.reply(425, "Cannot open the data connection.");
            return;
        }
        if (session.parameters().modeZ()) {
            data.compress(session.parameters().compressionLevel(), session.context().config().limits().maxExpansion());
        }
        data.throttle(session.context().bandwidth().limitsFor(session.login().userName(), session.override(), UPLOADS.contains(verb)));
        Session.Finished<Result> finished;
        try (data) {
            finished = session.whileTransferring(verb, path, data, () -> attempt(body, data, success, timeouts));
        }
        if (finished.aborted()) {
            log(session, verb, path, data.bytes(), started, "aborted", false);
            session.replyAfterAbort();
            return;
        }
        log(session, verb, path, data.bytes(), started, finished.result().log(),
                finished.result().reply().code() < 300);
        session.reply(finished.result().reply());
    }

    /**
     * Opens the data connection, with TLS when it is protected, and sends the preliminary reply
     * at the right moment. Usually that is 150, before the connection is opened. But a client that
     * has connected and started TLS before it sent the command (curl does) gets 125 once the
     * handshake is over and the server's session tickets have gone out: such a client sends its
     * data as soon as it reads the reply and, after an upload, reads the data connection only once,
     * without waiting, before it closes. The tickets are there by then, so its next data connection
     * can resume the session. Other clients get them held until the server's own data or
     * close_notify (see {@link TlsData}).
     *
     * @throws TlsFailure when TLS could not be started; the connection is closed
     */
    private static DataChannel open(Session session, DataConnector connector, String opening)
            throws IOException, TimeoutException, InterruptedException {
        Config.Timeouts timeouts = session.context().config().timeouts();
        Optional<DataChannel> connected = connector.connected(timeouts.dataStall());
        try {
            if (connected.isPresent() && session.parameters().protectData() && connected.get().hasInput()) {
                protect(session, connected.get(), timeouts);
                connected.get().sendHeld();
                session.reply(125, "Data connection already open; transfer starting.");
                return connected.get();
            }
            session.reply(150, opening);
            DataChannel data = connected.isPresent() ? connected.get()
                    : connector.open(timeouts.dataSetup(), timeouts.dataStall());
            if (session.parameters().protectData()) {
                protect(session, data, timeouts);
            }
            return data;
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            // Whatever failed on the way, a connection the client made is not left open.
            connected.ifPresent(DataChannel::close);
            throw e;
        }
    }

    private static void protect(Session session, DataChannel data, Config.Timeouts timeouts)
            throws TlsFailure, InterruptedException {
        boolean reuse = session.context().config().tls().requireSessionReuse();
        try {
            data.startTls(session.context().tls().orElseThrow(), timeouts.dataSetup(),
                    reuse ? session.controlTlsSession() : Optional.empty());
        } catch (IOException | TimeoutException e) {
            data.close();
            throw new TlsFailure(e instanceof IOException io ? io : new IOException("the TLS handshake took too long"));
        }
    }

    /** TLS could not be started on a data connection. */
    private static final class TlsFailure extends IOException {
        TlsFailure(IOException cause) {
            super(cause);
        }

        IOException error() {
            return (IOException) getCause();
        }
    }

    private static Result attempt(Body body, DataChannel data, Reply success, Config.Timeouts timeouts)
            throws InterruptedException {
        try {
            body.run(data);
            data.finish();
            return new Result(success, "done");
        } catch (TransferStalledException e) {
            return new Result(Reply.of(426, "Transfer aborted: no data moved for "
                    + Session.seconds(timeouts.dataStall()) + "."), "stalled");
        } catch (DataChannel.ExpansionLimitException e) {
            return new Result(Reply.of(552, "Upload refused: it grows too much when decompressed."),
                    "refused: " + e.getMessage());
        } catch (StorageFailure e) {
            return new Result(FileErrors.replyFor(e.error()), "storage error: " + FileErrors.reason(e.error()));
        } catch (IOException e) {
            return new Result(Reply.of(426, "Connection closed; transfer aborted."),
                    "connection lost: " + FileErrors.reason(e));
        }
    }

    /** A storage step inside a transfer, whose failure is the storage's, not the connection's. */
    @FunctionalInterface
    interface StorageStep<T> {
        T run() throws IOException;
    }

    static <T> T storage(StorageStep<T> step) throws StorageFailure {
        try {
            return step.run();
        } catch (IOException e) {
            throw new StorageFailure(e);
        }
    }

    /** Sends a file from {@code offset}: zero-copy in TYPE I, converting line ends in TYPE A. */
    static void send(DataChannel data, SeekableByteChannel file, TransferType type, long offset)
            throws IOException, InterruptedException {
        if (type == TransferType.BINARY && file instanceof FileChannel channel && data.canSendFile()) {
            data.sendFile(channel, offset, channel.size() - offset);
            return;
        }
        file.position(offset);
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

    /** Receives into a file, converting CRLF to LF in TYPE A. */
    static void receive(DataChannel data, SeekableByteChannel file, TransferType type)
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

    /**
     * Sends text lines, each ended by CRLF, for listings: gathered in a buffer of
     * {@link #LINES_BUFFER_SIZE} and written a buffer at a time. The buffer is filled by hand
     * rather than through a {@link java.io.BufferedOutputStream}, which takes a lock for every
     * write, twice a line.
     */
    static void writeLines(DataChannel data, Iterable<String> lines) throws IOException, InterruptedException {
        ByteBuffer buffer = ByteBuffer.allocate(LINES_BUFFER_SIZE);
        try {
            for (String line : lines) {
                byte[] text = line.getBytes(StandardCharsets.UTF_8);
                if (buffer.remaining() < text.length + 2) {
                    flush(data, buffer);
                }
                if (buffer.remaining() < text.length + 2) {
                    // A line longer than the buffer (a name is at most a few hundred bytes).
                    data.write(ByteBuffer.wrap(text));
                } else {
                    buffer.put(text);
                }
                buffer.put((byte) '\r').put((byte) '\n');
            }
        } catch (DirectoryIteratorException e) {
            throw new StorageFailure(e.getCause());
        }
        flush(data, buffer);
    }

    private static void flush(DataChannel data, ByteBuffer buffer) throws IOException, InterruptedException {
        buffer.flip();
        if (buffer.hasRemaining()) {
            data.write(buffer);
        }
        buffer.clear();
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

    /** The transfer's line in the server's log, and for a file, in the transfer logs. */
    private static void log(Session session, String verb, VirtualPath path, long bytes, long started, String result,
            boolean complete) {
        long nanos = System.nanoTime() - started;
        Metrics.Direction direction = switch (verb) {
            case "RETR" -> Metrics.Direction.DOWNLOAD;
            case "STOR", "APPE", "STOU" -> Metrics.Direction.UPLOAD;
            default -> Metrics.Direction.LISTING;
        };
        session.context().metrics().transfer(direction, bytes, Duration.ofNanos(nanos), complete);
        if (complete && direction != Metrics.Direction.LISTING) {
            session.context().fire(session, direction == Metrics.Direction.UPLOAD ? Hooks.Event.UPLOAD
                    : Hooks.Event.DOWNLOAD, "path", path.toString(), "bytes", Long.toString(bytes), "command", verb);
        }
        Logger.info("session {} transfer user={} {} {} bytes={} ms={} result={}", session.id(),
                session.login().userName(), verb, Session.shorten(path.toString()), bytes, nanos / 1_000_000, result);
        TransferLog transferLog = session.context().transferLog();
        if (transferLog.isOn() && FILE_VERBS.contains(verb)) {
            String user = session.login().userName();
            transferLog.record(new TransferLog.Entry(Instant.now(), Duration.ofNanos(nanos),
                    session.id(), user, user.equals("anonymous") && session.context().config().users().anonymous(),
                    DataAddress.text(session.remote().getAddress()), verb, path.toString(), bytes,
                    session.parameters().type() == TransferType.BINARY, session.parameters().protectData(), complete,
                    complete ? "ok" : result));
        }
    }
}

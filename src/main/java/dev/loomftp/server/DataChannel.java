package dev.loomftp.server;

import dev.loomftp.tls.TlsContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.net.ssl.SSLSession;

/**
 * An open data connection. Its socket waits at most the stall time for the client (see
 * {@link DataWire}): a connection that moves nothing for that long fails with
 * {@link TransferStalledException}.
 *
 * <p>In MODE Z the data is one zlib stream (RFC 1950, as the MODE Z draft and lftp use it):
 * {@link #write} compresses, {@link #read} decompresses, and {@link #finish} ends the stream.
 * {@link #bytes} always counts the file's bytes, not those on the wire.
 */
final class DataChannel implements AutoCloseable {
    /** The buffer between the compressor and the socket in MODE Z. */
    private static final int COMPRESSED_SIZE = 64 * 1024;
    private static final ByteBuffer NO_INPUT = ByteBuffer.allocate(0);
    /** Decompressed bytes allowed before the expansion limit applies. */
    private static final long EXPANSION_FLOOR = 64L * 1024 * 1024;

    private final DataWire wire;
    /** Written by the transfer's thread only; read by the session's for STAT. */
    private volatile long bytes;
    private Deflater deflater;
    /** Whether the client's end of the data has been read: an upload came whole. */
    private boolean endReceived;
    private Inflater inflater;
    private ByteBuffer compressed;
    private int maxExpansion;
    private TlsData tls;
    /** The bandwidth limits this transfer's file data is under. */
    private Throttle.Set throttle = Throttle.Set.NONE;

    /** Takes over a connected socket; see {@link DataWire}. */
    DataChannel(SocketChannel socket, Duration stall) throws IOException {
        this.wire = new DataWire(socket, stall);
    }

    /**
     * Turns MODE Z on for this connection, compressing at {@code level} (0 to 9). Uploads may grow
     * to {@code maxExpansion} times their compressed size once past {@link #EXPANSION_FLOOR}.
     */
    void compress(int level, int maxExpansion) {
        this.maxExpansion = maxExpansion;
        deflater = new Deflater(level);
        inflater = new Inflater();
        compressed = ByteBuffer.allocateDirect(COMPRESSED_SIZE);
    }

    /**
     * Puts this transfer under bandwidth limits: its file data then moves a slice at a time, each
     * followed by the wait the limits ask for.
     */
    void throttle(Throttle.Set limits) {
        this.throttle = limits;
    }

    /**
     * Sends {@code count} bytes of a file from {@code position} with {@code sendfile(2)}: the bytes
     * go from the page cache to the socket without passing through the JVM. A file that became
     * shorter meanwhile ends the transfer early.
     */
    void sendFile(FileChannel file, long position, long count) throws IOException, InterruptedException {
        long end = position + count;
        for (long at = position; at < end; ) {
            long sent = wire.transferFrom(file, at, Math.min(end - at, throttle.slice()));
            if (sent < 0) {
                return;
            }
            bytes += sent;
            at += sent;
            throttle.take(sent);
        }
    }

    /** Writes all of {@code buffer}, compressed in MODE Z; under a limit, a slice at a time. */
    void write(ByteBuffer buffer) throws IOException, InterruptedException {
        if (!throttle.limited()) {
            writeWhole(buffer);
            return;
        }
        int end = buffer.limit();
        while (buffer.position() < end) {
            int slice = Math.min(end - buffer.position(), throttle.slice());
            buffer.limit(buffer.position() + slice);
            writeWhole(buffer);
            buffer.limit(end);
            throttle.take(slice);
        }
    }

    private void writeWhole(ByteBuffer buffer) throws IOException, InterruptedException {
        int length = buffer.remaining();
        if (deflater == null) {
            writeRaw(buffer);
        } else {
            deflater.setInput(buffer);
            while (!deflater.needsInput()) {
                deflateOnce(Deflater.NO_FLUSH);
            }
            // The deflater keeps the buffer and reads whatever it holds later: let it go.
            deflater.setInput(NO_INPUT);
        }
        bytes += length;
    }

    /**
     * Reads what has arrived (decompressed in MODE Z), waiting for at least one byte; -1 at the
     * end of the data.
     */
    int read(ByteBuffer buffer) throws IOException, InterruptedException {
        int end = buffer.limit();
        if (buffer.remaining() > throttle.slice()) {
            buffer.limit(buffer.position() + throttle.slice());
        }
        int read;
        try {
            read = inflater == null ? readRaw(buffer) : inflate(buffer);
        } finally {
            buffer.limit(end);
        }
        if (read > 0) {
            bytes += read;
            throttle.take(read);
        } else if (read < 0) {
            endReceived = true;
        }
        return read;
    }

    /**
     * Ends the data properly: in MODE Z, the rest of the zlib stream; under TLS, the close_notify
     * alert, without which some clients report a truncated transfer.
     */
    void finish() throws IOException, InterruptedException {
        if (deflater != null && !deflater.finished()) {
            deflater.finish();
            while (!deflater.finished()) {
                deflateOnce(Deflater.NO_FLUSH);
            }
        }
        if (tls != null) {
            // close_notify, then the end of the stream, while the client's side may stay open.
            try {
                tls.close(wire);
                wire.shutdownOutput();
            } catch (IOException gone) {
                // After an upload the client may be gone already: all its data came, so nothing
                // is lost.
                if (!endReceived) {
                    throw gone;
                }
            }
        }
    }

    private void deflateOnce(int flush) throws IOException, InterruptedException {
        compressed.clear();
        deflater.deflate(compressed, flush);
        compressed.flip();
        writeRaw(compressed);
    }

    /** Decompresses into {@code buffer}, reading from the socket as needed; -1 at the stream's end. */
    private int inflate(ByteBuffer buffer) throws IOException, InterruptedException {
        while (true) {
            if (inflater.finished()) {
                return -1;
            }
            if (inflater.needsInput()) {
                compressed.clear();
                if (readRaw(compressed) < 0) {
                    if (inflater.getTotalIn() > 0) {
                        throw new java.io.EOFException("the compressed data ended early");
                    }
                    return -1;
                }
                compressed.flip();
                inflater.setInput(compressed);
            }
            try {
                int produced = inflater.inflate(buffer);
                long out = inflater.getBytesWritten();
                if (out > EXPANSION_FLOOR && out > maxExpansion * inflater.getBytesRead()) {
                    throw new ExpansionLimitException(maxExpansion);
                }
                if (produced > 0) {
                    return produced;
                }
                if (inflater.needsDictionary()) {
                    throw new IOException("the compressed data needs a preset dictionary");
                }
            } catch (DataFormatException e) {
                throw new IOException("the compressed data is corrupt", e);
            }
        }
    }

    private void writeRaw(ByteBuffer buffer) throws IOException, InterruptedException {
        if (tls != null) {
            tls.write(wire, buffer);
            return;
        }
        while (buffer.hasRemaining()) {
            wire.write(buffer);
        }
    }

    private int readRaw(ByteBuffer buffer) throws IOException, InterruptedException {
        return tls == null ? wire.read(buffer) : tls.read(wire, buffer);
    }

    /**
     * Starts TLS on this data connection (PROT P), as the server, with the handshake under
     * {@code setup}. When {@code controlSession} is given, the handshake must have resumed it:
     * only the client that holds the control connection's session can then use this connection.
     *
     * @throws SessionNotResumedException when it did not resume the control connection's session
     */
    void startTls(TlsContext context, Duration setup, Optional<SSLSession> controlSession)
            throws IOException, TimeoutException, InterruptedException {
        TlsData secured = new TlsData(context.serverEngine());
        try {
            secured.handshake(wire.within(setup));
        } catch (DataWire.SetupExpiredException e) {
            throw new TimeoutException("no TLS handshake in " + setup.toMillis() + " ms");
        }
        if (controlSession.isPresent() && !resumes(secured.session(), controlSession.get())) {
            wire.abort();
            throw new SessionNotResumedException();
        }
        tls = secured;
    }

    /** Whether the client has sent something already, such as the start of a TLS handshake. */
    boolean hasInput() throws IOException {
        return wire.hasInput();
    }

    /** Sends what TLS holds back now (see {@link TlsData}), for a client that reads before it sends. */
    void sendHeld() throws IOException, InterruptedException {
        tls.sendHeld(wire);
    }

    /** Whether {@code data} was resumed from {@code control}: JSSE keeps a resumed session's creation time. */
    private static boolean resumes(SSLSession data, SSLSession control) {
        return data.getCreationTime() == control.getCreationTime()
                && data.getProtocol().equals(control.getProtocol());
    }

    /** MODE Z data that grows too much when decompressed: a "zip bomb". */
    static final class ExpansionLimitException extends IOException {
        ExpansionLimitException(int limit) {
            super("the compressed data grows more than " + limit + " times");
        }
    }

    /** A protected data connection that did not resume the control connection's TLS session. */
    static final class SessionNotResumedException extends IOException {
        SessionNotResumedException() {
            super("the data connection did not resume the control connection's TLS session");
        }
    }

    /** Whether files can go out with sendfile: not through TLS or compression, which must see the bytes. */
    boolean canSendFile() {
        return deflater == null && tls == null;
    }

    /** The bytes moved so far. */
    long bytes() {
        return bytes;
    }

    /** Breaks the connection off at once, as ABOR does; the transfer fails with an I/O error. */
    void abort() {
        wire.abort();
    }

    /** Closes the connection; called once the transfer is over, so the compressor is free. */
    @Override
    public void close() {
        if (deflater != null) {
            deflater.end();
            inflater.end();
        }
        wire.close();
    }
}

package dev.loomftp.server;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS on one data connection (PROT P), as the server, driven by an {@link SSLEngine} so that the
 * server decides when each of its records goes out.
 *
 * <p>That decision is what makes uploads safe. A TLS 1.3 server sends session tickets right after
 * the handshake. A client that only uploads never reads them (curl, lftp, most clients), and a
 * socket closed with unread bytes in its receive queue ends with a TCP reset instead of a FIN
 * (RFC 1122, 4.2.2.13). The reset throws away whatever the client's kernel had not sent yet, so
 * the end of the upload is lost and the server sees "connection reset". So what the engine makes
 * on its own once the handshake is over (session tickets, a key update, TLS 1.2's answer to
 * close_notify) is held back until the server has something of its own to send: the data of a
 * download, or the close_notify that ends the connection once the client's end has been read.
 * Handshake messages go out at once.
 *
 * <p>Reading ends at the client's close_notify, or at the end of the stream between two records,
 * as JSSE's SSLSocket and most FTP servers take it (vsftpd's default {@code strict_ssl_read_eof=NO}):
 * many clients close without close_notify. A stream that ends inside a record is an error.
 *
 * <p>Every method runs on the transfer's thread, one at a time; the I/O goes through the
 * {@link Wire} it is given, which keeps the time limits (see {@link DataWire}).
 */
final class TlsData {
    /** Pending records beyond this are sent even while held, so a peer cannot grow them without end. */
    private static final int MAX_HELD = 64 * 1024;
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    /** One blocking read or write on the connection's socket. */
    interface Wire {
        /** Reads what has arrived, waiting for at least one byte; -1 at the end of the stream. */
        int read(ByteBuffer buffer) throws IOException, InterruptedException;

        /** Writes some of {@code buffer}, waiting for room. */
        int write(ByteBuffer buffer) throws IOException, InterruptedException;
    }

    private final SSLEngine engine;
    /** Records received and not unwrapped yet, ready to read. */
    private ByteBuffer netIn;
    /** Records wrapped and not sent yet (held ones first), being filled. */
    private ByteBuffer netOut;
    /** Data unwrapped and not read yet, ready to read. */
    private ByteBuffer appIn;
    private boolean inputEnded;

    TlsData(SSLEngine engine) {
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocateDirect(4 * packet).flip();
        this.netOut = ByteBuffer.allocateDirect(4 * packet);
        this.appIn = ByteBuffer.allocateDirect(engine.getSession().getApplicationBufferSize()).flip();
    }

    /** The negotiated session, once the handshake is done. */
    SSLSession session() {
        return engine.getSession();
    }

    /** Runs the handshake to its end; what the engine sends after it is held. */
    void handshake(Wire wire) throws IOException, InterruptedException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    wrap(NOTHING);
                    if (!isPostHandshake()) {
                        send(wire);
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    send(wire);
                    if (unwrapIntoAppIn(wire) < 0) {
                        throw new SSLException("the client closed the data connection during the TLS handshake");
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    /**
     * Reads decrypted data into {@code buffer}, waiting for at least one byte; -1 at the end of
     * the client's data.
     */
    int read(Wire wire, ByteBuffer buffer) throws IOException, InterruptedException {
        while (!appIn.hasRemaining()) {
            if (inputEnded) {
                return -1;
            }
            if (buffer.remaining() >= engine.getSession().getApplicationBufferSize()) {
                // Room enough for a whole record: decrypt straight into the caller's buffer.
                int read = unwrap(wire, buffer);
                if (read != 0) {
                    return read;
                }
            } else {
                unwrapIntoAppIn(wire);
            }
        }
        int count = Math.min(buffer.remaining(), appIn.remaining());
        buffer.put(buffer.position(), appIn, appIn.position(), count);
        buffer.position(buffer.position() + count);
        appIn.position(appIn.position() + count);
        return count;
    }

    /** Encrypts and sends all of {@code buffer}, after anything held. */
    void write(Wire wire, ByteBuffer buffer) throws IOException, InterruptedException {
        while (buffer.hasRemaining()) {
            if (wrap(buffer).getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS on the data connection is closed");
            }
            if (netOut.remaining() < engine.getSession().getPacketBufferSize() || !buffer.hasRemaining()) {
                send(wire);
            }
        }
    }

    /** Sends what is held now. */
    void sendHeld(Wire wire) throws IOException, InterruptedException {
        send(wire);
    }

    /** Sends what is held, then close_notify: the server's end of the data. */
    void close(Wire wire) throws IOException, InterruptedException {
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
            if (wrap(NOTHING).bytesProduced() == 0) {
                break;
            }
        }
        send(wire);
    }

    private int unwrapIntoAppIn(Wire wire) throws IOException, InterruptedException {
        appIn.compact();
        try {
            return unwrap(wire, appIn);
        } finally {
            appIn.flip();
        }
    }

    /**
     * Unwraps one record into {@code buffer}, reading from the wire only when no whole record is
     * there yet. Returns the bytes of data it gave, or -1 at close_notify or at the end of the
     * stream between two records. What the engine then wants to send is wrapped and held.
     */
    private int unwrap(Wire wire, ByteBuffer buffer) throws IOException, InterruptedException {
        while (true) {
            SSLEngineResult result = engine.unwrap(netIn, buffer);
            switch (result.getStatus()) {
                case OK -> {
                    answerPostHandshake(wire, result.getHandshakeStatus());
                    return result.bytesProduced();
                }
                case CLOSED -> {
                    inputEnded = true;
                    return -1;
                }
                case BUFFER_OVERFLOW -> throw new IllegalStateException("unwrap needs a buffer of a whole record");
                case BUFFER_UNDERFLOW -> {
                    if (!receive(wire)) {
                        if (netIn.hasRemaining()) {
                            throw new EOFException("the data connection ended inside a TLS record");
                        }
                        inputEnded = true;
                        return -1;
                    }
                }
            }
        }
    }

    /**
     * Whether the engine's handshake is complete, so that what it wraps now is a post-handshake
     * message (TLS 1.3 only: session tickets, key updates). A TLS 1.2 engine completes its
     * handshake while its own Finished is still to be sent, and that must go at once.
     */
    private boolean isPostHandshake() {
        return engine.getHandshakeSession() == null && "TLSv1.3".equals(engine.getSession().getProtocol());
    }

    /** Wraps what the engine has to say after a record from the client, held unless too much piles up. */
    private void answerPostHandshake(Wire wire, HandshakeStatus status) throws IOException, InterruptedException {
        if (!isPostHandshake()) {
            return;
        }
        for (HandshakeStatus now = status; ; now = engine.getHandshakeStatus()) {
            if (now == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (now == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
                if (wrap(NOTHING).bytesProduced() == 0) {
                    return;
                }
            } else {
                break;
            }
        }
        if (netOut.position() > MAX_HELD) {
            send(wire);
        }
    }

    private SSLEngineResult wrap(ByteBuffer data) throws SSLException {
        while (true) {
            SSLEngineResult result = engine.wrap(data, netOut);
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return result;
            }
            netOut = enlarged(netOut, engine.getSession().getPacketBufferSize());
        }
    }

    /** Sends every pending record. */
    private void send(Wire wire) throws IOException, InterruptedException {
        netOut.flip();
        try {
            while (netOut.hasRemaining()) {
                wire.write(netOut);
            }
        } finally {
            netOut.compact();
        }
    }

    /** Reads what the wire has into {@link #netIn}; false at the end of the stream. */
    private boolean receive(Wire wire) throws IOException, InterruptedException {
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) {
                netIn = enlarged(netIn, engine.getSession().getPacketBufferSize());
            }
            return wire.read(netIn) >= 0;
        } finally {
            netIn.flip();
        }
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    /** A copy of a buffer being filled, with {@code room} more bytes of room. */
    private static ByteBuffer enlarged(ByteBuffer filling, int room) {
        return ByteBuffer.allocateDirect(filling.position() + room).put(filling.flip());
    }
}

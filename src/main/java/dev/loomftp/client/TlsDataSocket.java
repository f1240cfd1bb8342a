package dev.loomftp.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * A protected data connection (PROT P) that resumes the control connection's TLS session, as
 * servers that require session reuse insist (loomftp's requireSessionReuse, vsftpd's
 * require_ssl_reuse): only the client that holds the control connection may use its data
 * connections.
 *
 * <p>JSSE's client looks for a session to resume by the peer's host and port. An SSLSocket layered
 * over the data socket reports the data port, whatever port it is given, and never finds the
 * control connection's session. An {@link SSLEngine} reports the host and port it was made with:
 * made with the control connection's, it offers that session (TLS 1.2), or the ticket the server
 * sent on it (TLS 1.3). This class drives such an engine over the plain data socket, with blocking
 * streams under the socket's timeout.
 *
 * <p>The handshake starts at the first read or write, as with SSLSocket, since the server starts
 * TLS only once it has the command. Reading ends at the server's close_notify, or at the end of the
 * stream without one, as SSLSocket takes it by default. {@link #shutdownOutput} sends close_notify;
 * {@link #close} then waits for the server's, so that what the server sent last (a TLS 1.3 session
 * ticket among it) is read rather than answered with a reset. One thread at a time may use it.
 *
 * <p>Over TLS 1.2, JSSE drops a session ticket that claims to last more than seven days, as
 * vsftpd's do, and offers a session ID the server never gave: such a server can be resumed over
 * TLS 1.3 only (or with {@code -Djdk.tls.client.enableSessionTicketExtension=false}).
 */
public final class TlsDataSocket extends Socket {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final Socket socket;
    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    /** Records received and not unwrapped yet, ready to read. */
    private ByteBuffer netIn;
    /** Records wrapped and not sent yet, being filled. */
    private ByteBuffer netOut;
    /** Data unwrapped and not read yet, ready to read. */
    private ByteBuffer appIn;
    private boolean started;
    private boolean inputEnded;
    private boolean outputShut;
    private boolean closed;

    /**
     * Takes over {@code socket}, connected to the data port, for a client whose control connection
     * to {@code host} port {@code controlPort} runs TLS with a session from {@code context}.
     */
    public TlsDataSocket(Socket socket, SSLContext context, String host, int controlPort) throws IOException {
        this.socket = socket;
        this.engine = context.createSSLEngine(host, controlPort);
        engine.setUseClientMode(true);
        this.rawIn = socket.getInputStream();
        this.rawOut = socket.getOutputStream();
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet).flip();
        this.netOut = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        checkOpen();
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        checkOpen();
        return out;
    }

    /** Sends close_notify, then ends the TCP stream: the server sees the end of an upload. */
    @Override
    public void shutdownOutput() throws IOException {
        checkOpen();
        if (outputShut) {
            return;
        }
        handshake();
        outputShut = true;
        closeOutbound();
        socket.shutdownOutput();
    }

    /**
     * Closes the connection. After {@link #shutdownOutput}, the server's close_notify is waited
     * for first; otherwise close_notify is sent if TLS has started. Either is done as well as the
     * server allows: the transfer's outcome is in its reply on the control connection.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (outputShut) {
                SSLEngineResult result;
                do {
                    result = unwrap();
                    appIn.position(appIn.limit());
                } while (!inputEnded && result.bytesConsumed() > 0);
            } else if (started) {
                closeOutbound();
            }
        } catch (IOException goneAlready) {
            // The server closed first, or did not answer in time: nothing is left to do.
        } finally {
            socket.close();
            super.close();
        }
    }

    private int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        checkOpen();
        if (length == 0) {
            return 0;
        }
        if (inputEnded && !appIn.hasRemaining()) {
            return -1;
        }
        handshake();
        while (!appIn.hasRemaining()) {
            if (inputEnded) {
                return -1;
            }
            unwrap();
            if (!inputEnded) {
                // A post-handshake message (a session ticket, a key update) may need an answer.
                handshake();
            }
        }
        int count = Math.min(length, appIn.remaining());
        appIn.get(buffer, offset, count);
        return count;
    }

    private void write(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        checkOpen();
        if (outputShut) {
            throw new SocketException("the data connection's output is shut down");
        }
        handshake();
        ByteBuffer data = ByteBuffer.wrap(buffer, offset, length);
        while (data.hasRemaining()) {
            if (wrap(data).getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS on the data connection is closed");
            }
            handshake();
        }
    }

    /**
     * Starts the handshake at the first call, then does what the engine asks until it asks for
     * nothing: at the start, or after a message from the server that needs an answer.
     */
    private void handshake() throws IOException {
        if (!started) {
            started = true;
            engine.beginHandshake();
        }
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> wrap(NOTHING);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    unwrap();
                    if (inputEnded) {
                        throw new SSLHandshakeException("the server closed the data connection during the TLS handshake");
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    /** Sends close_notify, unless it was sent already. */
    private void closeOutbound() throws IOException {
        engine.closeOutbound();
        SSLEngineResult result;
        do {
            result = wrap(NOTHING);
        } while (!engine.isOutboundDone() && result.bytesProduced() > 0);
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    /** Wraps what the engine takes of {@code data} (or what it has to send itself) and sends it. */
    private SSLEngineResult wrap(ByteBuffer data) throws IOException {
        while (true) {
            SSLEngineResult result = engine.wrap(data, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = enlarged(netOut, engine.getSession().getPacketBufferSize());
                continue;
            }
            if (netOut.position() > 0) {
                rawOut.write(netOut.array(), 0, netOut.position());
                rawOut.flush();
                netOut.clear();
            }
            return result;
        }
    }

    /**
     * Unwraps one record into {@link #appIn}, reading from the socket only when no whole record
     * is there yet. At close_notify, or at the end of the stream between records, the input ends.
     */
    private SSLEngineResult unwrap() throws IOException {
        appIn.compact();
        try {
            while (true) {
                SSLEngineResult result = engine.unwrap(netIn, appIn);
                switch (result.getStatus()) {
                    case OK -> {
                        return result;
                    }
                    case CLOSED -> {
                        inputEnded = true;
                        return result;
                    }
                    case BUFFER_OVERFLOW -> appIn = enlarged(appIn, engine.getSession().getApplicationBufferSize());
                    case BUFFER_UNDERFLOW -> {
                        if (!receive()) {
                            if (netIn.hasRemaining()) {
                                throw new EOFException("the data connection ended inside a TLS record");
                            }
                            inputEnded = true;
                            return result;
                        }
                    }
                }
            }
        } finally {
            appIn.flip();
        }
    }

    /** Reads what the socket has into {@link #netIn}; false at the end of the stream. */
    private boolean receive() throws IOException {
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) {
                netIn = enlarged(netIn, engine.getSession().getPacketBufferSize());
            }
            int read = rawIn.read(netIn.array(), netIn.position(), netIn.remaining());
            if (read < 0) {
                return false;
            }
            netIn.position(netIn.position() + read);
            return true;
        } finally {
            netIn.flip();
        }
    }

    /** A copy of a buffer being filled, with {@code room} more bytes of room. */
    private static ByteBuffer enlarged(ByteBuffer filling, int room) {
        return ByteBuffer.allocate(filling.position() + room).put(filling.flip());
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        throw new SocketException("the data connection is connected already");
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        socket.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return socket.getSoTimeout();
    }

    @Override
    public InetAddress getInetAddress() {
        return socket.getInetAddress();
    }

    @Override
    public int getPort() {
        return socket.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return socket.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return socket.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return socket.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return socket.getLocalSocketAddress();
    }

    @Override
    public boolean isConnected() {
        return socket.isConnected();
    }

    @Override
    public boolean isBound() {
        return socket.isBound();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isInputShutdown() {
        return inputEnded;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public String toString() {
        return "TLS " + socket;
    }

    /** The data, as it is unwrapped; closing it closes the connection, as with any socket. */
    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return TlsDataSocket.this.read(buffer, offset, length);
        }

        @Override
        public int available() {
            return appIn.remaining();
        }

        @Override
        public void close() throws IOException {
            TlsDataSocket.this.close();
        }
    }

    /** The data, wrapped and sent at each write; closing it closes the connection, as with any socket. */
    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            TlsDataSocket.this.write(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            TlsDataSocket.this.close();
        }
    }
}

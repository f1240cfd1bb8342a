package dev.loomftp.client;

import dev.loomftp.protocol.DataAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One data connection as it is made. A passive one is connected before the transfer command is
 * sent; an active one listens then, and accepts the server's connection once the command is
 * under way. Only the server's own address may connect to an active listener, so nobody else can
 * slip data in or take it out. Its sockets come from channels, so that a plain transfer can move
 * bytes without Java arrays ({@link ChannelCopy}).
 */
final class DataConnection implements AutoCloseable {
    private final Socket connected;
    private final ServerSocket listening;
    private final InetAddress server;
    private final Duration timeout;
    private Socket accepted;

    private DataConnection(Socket connected, ServerSocket listening, InetAddress server, Duration timeout) {
        this.connected = connected;
        this.listening = listening;
        this.server = server;
        this.timeout = timeout;
    }

    /** Connects to the port the server opened (EPSV or PASV). */
    static DataConnection passive(InetSocketAddress target, Duration timeout) throws IOException {
        Socket data = SocketChannel.open().socket();
        try {
            data.connect(target, (int) timeout.toMillis());
            data.setSoTimeout((int) timeout.toMillis());
            return new DataConnection(data, null, target.getAddress(), timeout);
        } catch (IOException e) {
            data.close();
            throw new IOException("cannot open the data connection to " + DataAddress.text(target.getAddress())
                    + " port " + target.getPort() + ": " + e.getMessage(), e);
        }
    }

    /** Listens on {@code local} (the control connection's own address), on a port the system picks. */
    static DataConnection active(InetAddress local, InetAddress server, Duration timeout) throws IOException {
        ServerSocket listener = ServerSocketChannel.open().socket();
        listener.bind(new InetSocketAddress(local, 0), 1);
        listener.setSoTimeout((int) timeout.toMillis());
        return new DataConnection(null, listener, server, timeout);
    }

    /** Where the server must connect, for EPRT or PORT; only for an active connection. */
    InetSocketAddress listeningAddress() {
        return new InetSocketAddress(listening.getInetAddress(), listening.getLocalPort());
    }

    /** The connected socket: at once when passive; after the server connects when active. */
    Socket socket() throws IOException {
        if (connected != null) {
            return connected;
        }
        if (accepted == null) {
            try {
                Socket incoming = listening.accept();
                if (!incoming.getInetAddress().equals(server)) {
                    incoming.close();
                    throw new IOException("refused a data connection from " + DataAddress.text(incoming.getInetAddress())
                            + ", which is not the server");
                }
                incoming.setSoTimeout((int) timeout.toMillis());
                accepted = incoming;
            } catch (SocketTimeoutException e) {
                throw new IOException("the server did not connect back within " + timeout.toSeconds()
                        + " s (active mode; a firewall or NAT may block it, try passive)", e);
            }
        }
        return accepted;
    }

    @Override
    public void close() throws IOException {
        try (Socket first = connected; Socket second = accepted; ServerSocket third = listening) {
            // Closes whatever was opened.
        }
    }
}

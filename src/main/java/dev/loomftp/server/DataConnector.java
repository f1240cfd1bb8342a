package dev.loomftp.server;

import dev.loomftp.protocol.DataAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.tinylog.Logger;

/**
 * How the next data connection will be made, as PASV/EPSV (wait for the client) or PORT/EPRT
 * (connect to it) arranged. Each is used for one transfer, then closed.
 */
sealed interface DataConnector extends AutoCloseable {

    /**
     * Opens the connection within {@code setup}.
     *
     * @throws TimeoutException when it could not be opened in time
     */
    DataChannel open(Duration setup, Duration stall) throws IOException, TimeoutException, InterruptedException;

    /**
     * The connection, if the client has made it already (a passive one), without waiting; empty
     * otherwise, and then {@link #open} waits for it.
     */
    default Optional<DataChannel> connected(Duration stall) throws IOException {
        return Optional.empty();
    }

    @Override
    void close();

    /**
     * Waits for the client on a passive listener. A connection from any address but the control
     * connection's peer is dropped, and the wait goes on for the real client.
     */
    final class Passive implements DataConnector {
        private final PassivePorts ports;
        private final ServerSocketChannel listener;
        private final InetAddress peer;
        private boolean closed;

        Passive(PassivePorts ports, ServerSocketChannel listener, InetAddress peer) {
            this.ports = ports;
            this.listener = listener;
            this.peer = peer;
        }

        int port() {
            return listener.socket().getLocalPort();
        }

        @Override
        public DataChannel open(Duration setup, Duration stall)
                throws IOException, TimeoutException, InterruptedException {
            AtomicReference<SocketChannel> accepted = new AtomicReference<>();
            try {
                SocketChannel socket = Deadline.within(setup, () -> acceptFromPeer(accepted));
                return new DataChannel(socket, stall);
            } catch (IOException | TimeoutException | InterruptedException e) {
                closeQuietly(accepted.get());
                throw e;
            } finally {
                close();
            }
        }

        @Override
        public Optional<DataChannel> connected(Duration stall) throws IOException {
            listener.configureBlocking(false);
            try {
                for (SocketChannel socket = listener.accept(); socket != null; socket = listener.accept()) {
                    if (isFromPeer(socket)) {
                        return Optional.of(new DataChannel(socket, stall));
                    }
                }
                return Optional.empty();
            } finally {
                listener.configureBlocking(true);
            }
        }

        private SocketChannel acceptFromPeer(AtomicReference<SocketChannel> accepted) throws IOException {
            while (true) {
                SocketChannel socket = listener.accept();
                accepted.set(socket);
                if (isFromPeer(socket)) {
                    return socket;
                }
            }
        }

        /** Whether the connection comes from the client; one that does not is logged and closed. */
        private boolean isFromPeer(SocketChannel socket) throws IOException {
            InetAddress from = ((InetSocketAddress) socket.getRemoteAddress()).getAddress();
            if (from.equals(peer)) {
                return true;
            }
            Logger.warn("dropped a data connection from {}: the control connection is from {}",
                    DataAddress.text(from), DataAddress.text(peer));
            socket.close();
            return false;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                ports.close(listener);
            }
        }
    }

    /** Connects to the address the client gave with PORT or EPRT. */
    final class Active implements DataConnector {
        private final InetSocketAddress target;
        private final InetAddress local;

        /**
         * @param target where the client listens
         * @param local  the local address of the control connection, used as the source
         */
        Active(InetSocketAddress target, InetAddress local) {
            this.target = target;
            this.local = local;
        }

        @Override
        public DataChannel open(Duration setup, Duration stall)
                throws IOException, TimeoutException, InterruptedException {
            AtomicReference<SocketChannel> opened = new AtomicReference<>();
            try {
                SocketChannel socket = Deadline.within(setup, () -> {
                    SocketChannel channel = SocketChannel.open();
                    opened.set(channel);
                    channel.bind(new InetSocketAddress(local, 0));
                    channel.connect(target);
                    return channel;
                });
                return new DataChannel(socket, stall);
            } catch (IOException | TimeoutException | InterruptedException e) {
                closeQuietly(opened.get());
                throw e;
            }
        }

        @Override
        public void close() {
            // Nothing is held until the connection is opened.
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Already failing; nothing more to report.
            }
        }
    }
}

package dev.loomftp.server;

import dev.loomftp.protocol.DataAddress;
import dev.loomftp.protocol.ProxyHeader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
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
     * Waits for the client on a passive listener. A connection from any address but the client's
     * (or the proxy's its control connection came through) is dropped, and the wait goes on for
     * the real client.
     */
    final class Passive implements DataConnector {
        /** How long a proxy may take to send the PROXY header of a data connection; HAProxy sends it at once. */
        private static final Duration HEADER_WAIT = Duration.ofSeconds(5);

        private final PassivePorts ports;
        private final ServerSocketChannel listener;
        private final java.util.Set<InetAddress> peers;
        private final InetAddress client;
        private final InetAddress proxy;
        private boolean closed;

        Passive(PassivePorts ports, ServerSocketChannel listener, java.util.Set<InetAddress> peers) {
            this(ports, listener, peers, null, null);
        }

        /**
         * @param peers  the addresses a data connection may come from
         * @param client the client, whom a PROXY header from {@code proxy} must name
         * @param proxy  the proxy whose data connections start with a PROXY header
         *               ({@code passive.proxyProtocol}), or null
         */
        Passive(PassivePorts ports, ServerSocketChannel listener, java.util.Set<InetAddress> peers,
                InetAddress client, InetAddress proxy) {
            this.ports = ports;
            this.listener = listener;
            this.peers = peers;
            this.client = client;
            this.proxy = proxy;
        }

        int port() {
            return listener.socket().getLocalPort();
        }

        /**
         * Waits for the client on the listener, which is non-blocking (see {@link PassivePorts}):
         * each accept takes what has come, and the wait between two is limited to what is left of
         * {@code setup}. No thread is started for it.
         */
        @Override
        public DataChannel open(Duration setup, Duration stall)
                throws IOException, TimeoutException, InterruptedException {
            long deadline = System.nanoTime() + setup.toNanos();
            try (SocketWait wait = new SocketWait()) {
                while (true) {
                    Optional<DataChannel> data = connected(stall);
                    if (data.isPresent()) {
                        return data.get();
                    }
                    if (!wait.await(listener, SelectionKey.OP_ACCEPT, deadline - System.nanoTime())) {
                        throw new TimeoutException("no data connection in " + setup.toMillis() + " ms");
                    }
                }
            } finally {
                close();
            }
        }

        @Override
        public Optional<DataChannel> connected(Duration stall) throws IOException {
            for (SocketChannel socket = listener.accept(); socket != null; socket = listener.accept()) {
                if (isFromPeer(socket)) {
                    return Optional.of(dataChannel(socket, stall));
                }
            }
            return Optional.empty();
        }

        /**
         * Whether the connection comes from the client, straight or through its proxy (whose PROXY
         * header must then name it); one that does not is logged and closed.
         */
        private boolean isFromPeer(SocketChannel socket) throws IOException {
            InetAddress from = ((InetSocketAddress) socket.getRemoteAddress()).getAddress();
            if (proxy != null && from.equals(proxy)) {
                // Read even when the client has the proxy's address (a client on the proxy's own
                // host): the header must not end up in the file.
                return namesTheClient(socket);
            }
            if (peers.contains(from)) {
                return true;
            }
            Logger.warn("dropped a data connection from {}: the control connection is from {}",
                    DataAddress.text(from), String.join(" or ", peers.stream().map(DataAddress::text).sorted().toList()));
            socket.close();
            return false;
        }

        /**
         * Reads the PROXY header the proxy starts the connection with: it must name the client
         * (RFC 2577's care about data connection theft, through a proxy that all clients share).
         */
        private boolean namesTheClient(SocketChannel socket) throws IOException {
            String problem;
            try {
                java.io.InputStream in = java.nio.channels.Channels.newInputStream(socket);
                Optional<InetSocketAddress> named = Deadline.within(HEADER_WAIT, () -> ProxyHeader.read(in));
                if (named.isPresent() && named.get().getAddress().equals(client)) {
                    return true;
                }
                problem = named.map(other -> "its PROXY header names " + DataAddress.text(other.getAddress()))
                        .orElse("its PROXY header names no client");
            } catch (java.util.concurrent.TimeoutException e) {
                problem = "no PROXY header in time";
            } catch (InterruptedException e) {
                socket.close();
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading a PROXY header");
            } catch (IOException e) {
                problem = "no PROXY header: " + FileErrors.reason(e);
            }
            Logger.warn("dropped a data connection through proxy {}: {}, and the control connection is from {}",
                    DataAddress.text(proxy), problem, DataAddress.text(client));
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

        /** Connects without blocking, and waits for the connection at most {@code setup}. */
        @Override
        public DataChannel open(Duration setup, Duration stall)
                throws IOException, TimeoutException, InterruptedException {
            long deadline = System.nanoTime() + setup.toNanos();
            SocketChannel socket = SocketChannel.open();
            try (SocketWait wait = new SocketWait()) {
                socket.configureBlocking(false);
                socket.bind(new InetSocketAddress(local, 0));
                for (boolean connected = socket.connect(target); !connected; connected = socket.finishConnect()) {
                    if (!wait.await(socket, SelectionKey.OP_CONNECT, deadline - System.nanoTime())) {
                        throw new TimeoutException("no data connection in " + setup.toMillis() + " ms");
                    }
                }
            } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
                closeQuietly(socket);
                throw e;
            }
            return dataChannel(socket, stall);
        }

        @Override
        public void close() {
            // Nothing is held until the connection is opened.
        }
    }

    /** A data connection on {@code socket}, which is closed if that fails. */
    private static DataChannel dataChannel(SocketChannel socket, Duration stall) throws IOException {
        try {
            return new DataChannel(socket, stall);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already failing; nothing more to report.
        }
    }
}

package dev.loomftp.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The configured range of passive data ports. Each PASV or EPSV takes a listener on the next free
 * port, starting after the last one handed out so that ports are reused as late as possible.
 */
final class PassivePorts {
    private final int first;
    private final int count;
    private final AtomicInteger cursor = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();

    PassivePorts(int minPort, int maxPort) {
        this.first = minPort;
        this.count = maxPort - minPort + 1;
    }

    /**
     * Opens a listener on a free port of the range, on {@code address} (the local address of the
     * control connection, so that the data connection uses the same interface).
     *
     * @throws IOException when every port of the range is in use
     */
    ServerSocketChannel open(InetAddress address) throws IOException {
        int start = Math.floorMod(cursor.getAndIncrement(), count);
        for (int i = 0; i < count; i++) {
            int port = first + (start + i) % count;
            ServerSocketChannel listener = ServerSocketChannel.open();
            try {
                listener.bind(new InetSocketAddress(address, port), 1);
                open.incrementAndGet();
                return listener;
            } catch (BindException e) {
                listener.close();
            }
        }
        throw new IOException("every passive port from " + first + " to " + (first + count - 1) + " is in use");
    }

    /** Closes a listener that {@link #open} returned. */
    void close(ServerSocketChannel listener) {
        try {
            listener.close();
        } catch (IOException e) {
            // Nothing more to do for a listener that fails to close.
        } finally {
            open.decrementAndGet();
        }
    }

    /** How many passive listeners are open now. */
    int openListeners() {
        return open.get();
    }
}

package dev.loomftp.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The configured range of passive data ports. Each PASV or EPSV takes a listener on the next free
 * port, starting after the last one handed out so that ports are reused as late as possible.
 *
 * <p>The ports this server's own listeners hold are kept in a set, so a PASV never tries to bind
 * one of them: when many sessions hold listeners at once, a bind per port tried (five system calls
 * each) made every PASV slower the fuller the range was, and a full range cost a bind attempt for
 * every port in it before the 425. Only a port another process holds is found by a failed bind.
 *
 * <p>Shared by every session of a server; the set is guarded by this object's lock, which is held
 * for a few instructions and never during a system call.
 */
final class PassivePorts {
    private final int first;
    private final int count;
    /** The ports, as offsets from {@link #first}, that this server's listeners hold. */
    private final BitSet held;
    /** Where the search for the next free port starts. */
    private int cursor;
    private int open;

    PassivePorts(int minPort, int maxPort) {
        this.first = minPort;
        this.count = maxPort - minPort + 1;
        this.held = new BitSet(count);
    }

    /**
     * Opens a non-blocking listener on a free port of the range, on {@code address} (the local
     * address of the control connection, so that the data connection uses the same interface).
     *
     * @throws IOException when every port of the range is in use
     */
    ServerSocketChannel open(InetAddress address) throws IOException {
        List<Integer> foreign = new ArrayList<>();
        try {
            for (int offset = take(); offset >= 0; offset = take()) {
                ServerSocketChannel listener = ServerSocketChannel.open();
                try {
                    listener.bind(new InetSocketAddress(address, first + offset), 1);
                    listener.configureBlocking(false);
                    opened();
                    return listener;
                } catch (BindException e) {
                    // Another process holds it: it stays marked until this search ends, so that
                    // the search goes past it.
                    listener.close();
                    foreign.add(offset);
                } catch (IOException | RuntimeException e) {
                    listener.close();
                    release(offset);
                    throw e;
                }
            }
        } finally {
            foreign.forEach(this::release);
        }
        throw new IOException("every passive port from " + first + " to " + (first + count - 1) + " is in use");
    }

    /** Closes a listener that {@link #open} returned, and frees its port. */
    void close(ServerSocketChannel listener) {
        int port = listener.socket().getLocalPort();
        try {
            listener.close();
        } catch (IOException e) {
            // Nothing more to do for a listener that fails to close.
        } finally {
            closed(port - first);
        }
    }

    /** How many passive listeners are open now. */
    synchronized int openListeners() {
        return open;
    }

    /** Marks the next port no listener of ours holds, from the cursor on; -1 when all are marked. */
    private synchronized int take() {
        int offset = held.nextClearBit(cursor);
        if (offset >= count) {
            offset = held.nextClearBit(0);
            if (offset >= count) {
                return -1;
            }
        }
        held.set(offset);
        cursor = offset + 1 == count ? 0 : offset + 1;
        return offset;
    }

    private synchronized void opened() {
        open++;
    }

    private synchronized void closed(int offset) {
        held.clear(offset);
        open--;
    }

    private synchronized void release(int offset) {
        held.clear(offset);
    }
}

package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The passive port range: each listener on a port of its own, ports freed when closed, a port
 * another process holds skipped, and a full range refused. Loopback ports 30990 to 30993: outside
 * the test servers' ranges, and below Linux's range of ephemeral ports (32768 and up), where a
 * client connection of another test, or of anything else on the machine, could hold one.
 */
class PassivePortsTest {
    private static final int FIRST = 30990;
    private static final int LAST = 30993;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final PassivePorts ports = new PassivePorts(FIRST, LAST);
    private final List<ServerSocketChannel> listeners = new ArrayList<>();

    @AfterEach
    void closeAll() {
        listeners.forEach(ports::close);
        assertEquals(0, ports.openListeners(), "listeners left open");
    }

    @Test
    void eachListenerTakesAPortOfTheRangeNoOtherHolds() throws IOException {
        Set<Integer> taken = new HashSet<>();
        for (int i = FIRST; i <= LAST; i++) {
            int port = open().socket().getLocalPort();
            assertTrue(port >= FIRST && port <= LAST, "in the range: " + port);
            assertTrue(taken.add(port), "not handed out twice: " + port);
        }
        assertEquals(LAST - FIRST + 1, ports.openListeners());
    }

    @Test
    void aFullRangeIsRefusedAndAClosedListenerFreesItsPort() throws IOException {
        for (int i = FIRST; i <= LAST; i++) {
            open();
        }
        assertThrows(IOException.class, () -> ports.open(LOOPBACK));
        ServerSocketChannel first = listeners.removeFirst();
        int freed = first.socket().getLocalPort();
        ports.close(first);
        assertEquals(freed, open().socket().getLocalPort(), "the only free port");
    }

    @Test
    void aPortAnotherProcessHoldsIsSkippedAndTriedAgainLater() throws IOException {
        int foreignPort;
        try (ServerSocket foreign = new ServerSocket()) {
            foreign.bind(new InetSocketAddress(LOOPBACK, FIRST + 1));
            foreignPort = foreign.getLocalPort();
            for (int i = FIRST; i < LAST; i++) {
                assertNotEquals(foreignPort, open().socket().getLocalPort());
            }
            assertThrows(IOException.class, () -> ports.open(LOOPBACK), "every port held, one by another");
        }
        assertEquals(foreignPort, open().socket().getLocalPort(), "free again once the other lets it go");
    }

    private ServerSocketChannel open() throws IOException {
        ServerSocketChannel listener = ports.open(LOOPBACK);
        listeners.add(listener);
        return listener;
    }
}

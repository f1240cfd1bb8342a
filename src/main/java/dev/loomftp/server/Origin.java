package dev.loomftp.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where a control connection comes from: the client, and the proxy in front of it when a trusted
 * proxy's PROXY header named the client.
 *
 * @param client      the client's address: the connection's peer, or the one the header names
 * @param proxy       the proxy the connection came through, or null when it came straight
 * @param healthCheck whether the proxy said the connection is its own (a v2 LOCAL or v1 UNKNOWN
 *                    header, as load balancers send for health checks)
 */
record Origin(InetSocketAddress client, InetAddress proxy, boolean healthCheck) {

    /** A connection that came straight from {@code client}. */
    static Origin direct(InetSocketAddress client) {
        return new Origin(client, null, false);
    }
}

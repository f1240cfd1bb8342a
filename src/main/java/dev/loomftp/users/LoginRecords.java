package dev.loomftp.users;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * The failed logins of each client address, and the bans they bring: in this server's memory, or
 * in a database that every node of a service shares, so that an address banned on one node is
 * refused on all of them. Safe to use from many threads at once.
 */
public interface LoginRecords {

    /**
     * What is known of an address after a failed login.
     *
     * @param failures    failed logins in a row, this one included
     * @param bannedUntil when the ban this failure brought ends, or null when it brought none
     */
    record Tally(int failures, Instant bannedUntil) {}

    /**
     * Counts a failed login from {@code address}. The count starts again after a ban ends, or
     * when the last failure is older than {@code banDuration}; reaching {@code banAfter} bans the
     * address for {@code banDuration}.
     */
    Tally failed(InetAddress address, int banAfter, Duration banDuration);

    /** A good login: the address starts afresh. */
    void succeeded(InetAddress address);

    /** Whether {@code address} is banned at {@code now}. */
    boolean isBanned(InetAddress address, Instant now);
}

package dev.loomftp.server;

import dev.loomftp.config.Config;
import dev.loomftp.protocol.DataAddress;
import dev.loomftp.users.LoginRecords;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import org.tinylog.Logger;

/**
 * Against password guessing: failed logins from one client address, across all its connections,
 * make each further reply wait longer (the delay doubles up to a maximum), and after too many the
 * address is refused for a while. A good login clears the address's record. Bans are logged as
 * one line each ({@code banned 203.0.113.9 for 15 m after 10 failed logins}) for tools such as
 * fail2ban. The records are this server's own, or those of a database every node shares.
 */
final class LoginGuard {
    private volatile Config.Logins settings;
    private final LoginRecords records;
    private final Clock clock;

    /** What a failed login brings: the wait before the reply, or a ban. */
    record Penalty(Duration delay, boolean banned) {}

    LoginGuard(Config.Logins settings, LoginRecords records, Clock clock) {
        this.settings = settings;
        this.records = records;
        this.clock = clock;
    }

    /** New delays and bans from now on; the record of each address is kept, bans included. */
    void reconfigure(Config.Logins next) {
        settings = next;
    }

    /** Whether connections from {@code address} are refused now. */
    boolean isBanned(InetAddress address) {
        return records.isBanned(address, clock.instant());
    }

    /** Records a failed login and says what it costs. */
    Penalty failed(InetAddress address) {
        Config.Logins settings = this.settings;
        LoginRecords.Tally tally = records.failed(address, settings.banAfterFailures(), settings.banDuration());
        if (tally.bannedUntil() != null) {
            Logger.warn("banned {} for {} after {} failed logins", DataAddress.text(address),
                    Session.seconds(settings.banDuration()), tally.failures());
            return new Penalty(Duration.ZERO, true);
        }
        Duration delay = settings.failureDelay().multipliedBy(1L << Math.min(tally.failures() - 1, 30));
        return new Penalty(delay.compareTo(settings.maxFailureDelay()) > 0 ? settings.maxFailureDelay() : delay, false);
    }

    /** A good login: the address starts afresh. */
    void succeeded(InetAddress address) {
        records.succeeded(address);
    }
}

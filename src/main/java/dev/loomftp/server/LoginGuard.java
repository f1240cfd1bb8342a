package dev.loomftp.server;

import dev.loomftp.config.Config;
import dev.loomftp.protocol.DataAddress;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.tinylog.Logger;

/**
 * Against password guessing: failed logins from one client address, across all its connections,
 * make each further reply wait longer (the delay doubles up to a maximum), and after too many the
 * address is refused for a while. A good login clears the address's record. Bans are logged as
 * one line each ({@code banned 203.0.113.9 for 15 m after 10 failed logins}) for tools such as
 * fail2ban.
 */
final class LoginGuard {
    /** Records kept before old ones are swept, so that a flood of addresses cannot grow the map without end. */
    private static final int SWEEP_AT = 10_000;

    private volatile Config.Logins settings;
    private final Clock clock;
    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();

    /** What is known of one address: failures in a row, when the last was, and any ban. */
    private record Entry(int failures, Instant last, Instant bannedUntil) {}

    /** What a failed login brings: the wait before the reply, or a ban. */
    record Penalty(Duration delay, boolean banned) {}

    LoginGuard(Config.Logins settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** New delays and bans from now on; the record of each address is kept, bans included. */
    void reconfigure(Config.Logins next) {
        settings = next;
    }

    /** Whether connections from {@code address} are refused now. */
    boolean isBanned(InetAddress address) {
        Entry entry = entries.get(address);
        return entry != null && entry.bannedUntil() != null && clock.instant().isBefore(entry.bannedUntil());
    }

    /** Records a failed login and says what it costs. */
    Penalty failed(InetAddress address) {
        Config.Logins settings = this.settings;
        Instant now = clock.instant();
        Entry entry = entries.compute(address, (key, old) -> {
            boolean expired = old == null || old.bannedUntil() != null && !now.isBefore(old.bannedUntil())
                    || old.last().plus(settings.banDuration()).isBefore(now);
            int failures = expired ? 1 : old.failures() + 1;
            Instant bannedUntil = failures >= settings.banAfterFailures() ? now.plus(settings.banDuration()) : null;
            return new Entry(failures, now, bannedUntil);
        });
        if (entries.size() > SWEEP_AT) {
            sweep(now);
        }
        if (entry.bannedUntil() != null) {
            Logger.warn("banned {} for {} after {} failed logins", DataAddress.text(address),
                    Session.seconds(settings.banDuration()), entry.failures());
            return new Penalty(Duration.ZERO, true);
        }
        Duration delay = settings.failureDelay().multipliedBy(1L << Math.min(entry.failures() - 1, 30));
        return new Penalty(delay.compareTo(settings.maxFailureDelay()) > 0 ? settings.maxFailureDelay() : delay, false);
    }

    /** A good login: the address starts afresh. */
    void succeeded(InetAddress address) {
        entries.remove(address);
    }

    /** Addresses on record, for tests. */
    int size() {
        return entries.size();
    }

    private void sweep(Instant now) {
        Config.Logins settings = this.settings;
        entries.entrySet().removeIf(entry -> entry.getValue().last().plus(settings.banDuration()).isBefore(now)
                && (entry.getValue().bannedUntil() == null || !now.isBefore(entry.getValue().bannedUntil())));
    }
}

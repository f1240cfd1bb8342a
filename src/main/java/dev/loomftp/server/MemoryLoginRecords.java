package dev.loomftp.server;

import dev.loomftp.users.LoginRecords;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/** The failed logins of each address in this server's memory: what one node needs. */
public final class MemoryLoginRecords implements LoginRecords {
    /** Records kept before old ones are swept, so that a flood of addresses cannot grow the map without end. */
    private static final int SWEEP_AT = 10_000;

    private final Clock clock;
    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();

    /** What is known of one address: failures in a row, when the last was, how long it counts, and any ban. */
    private record Entry(int failures, Instant last, Duration window, Instant bannedUntil) {
        boolean expired(Instant now) {
            return last.plus(window).isBefore(now) && (bannedUntil == null || !now.isBefore(bannedUntil));
        }
    }

    public MemoryLoginRecords(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Tally failed(InetAddress address, int banAfter, Duration banDuration) {
        Instant now = clock.instant();
        Entry entry = entries.compute(address, (key, old) -> {
            boolean afresh = old == null || old.bannedUntil() != null && !now.isBefore(old.bannedUntil())
                    || old.last().plus(banDuration).isBefore(now);
            int failures = afresh ? 1 : old.failures() + 1;
            return new Entry(failures, now, banDuration, failures >= banAfter ? now.plus(banDuration) : null);
        });
        if (entries.size() > SWEEP_AT) {
            entries.entrySet().removeIf(old -> old.getValue().expired(now));
        }
        return new Tally(entry.failures(), entry.bannedUntil());
    }

    @Override
    public void succeeded(InetAddress address) {
        entries.remove(address);
    }

    @Override
    public boolean isBanned(InetAddress address, Instant now) {
        Entry entry = entries.get(address);
        return entry != null && entry.bannedUntil() != null && now.isBefore(entry.bannedUntil());
    }
}

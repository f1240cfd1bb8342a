package dev.loomftp.pg;

import dev.loomftp.users.LoginRecords;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.tinylog.Logger;

/**
 * Failed logins and bans in the database every node shares: failures from one address count
 * together whichever node they reach, and a ban made on one node is announced to the others
 * (NOTIFY on {@value #CHANNEL}), which {@link PgNode} hears within a second and passes to
 * {@link #heard}. Each node keeps the bans in force in memory, so a new connection is checked
 * without asking the database.
 *
 * <p>While the database cannot be reached, failures are counted in {@code fallback}, this node's
 * memory, so guessing is still slowed and banned here. Safe to use from many threads at once.
 */
final class PgLoginRecords implements LoginRecords {
    static final String CHANNEL = "loomftp_bans";
    /** Bans kept in memory before the ended ones are swept, so that many addresses cannot grow the map without end. */
    private static final int SWEEP_AT = 10_000;

    private final Database database;
    private final LoginRecords fallback;
    private final ConcurrentHashMap<InetAddress, Instant> bans = new ConcurrentHashMap<>();

    PgLoginRecords(Database database, LoginRecords fallback) {
        this.database = database;
        this.fallback = fallback;
    }

    @Override
    public Tally failed(InetAddress address, int banAfter, Duration banDuration) {
        try {
            Tally tally = database.transaction(connection -> count(connection, address, banAfter, banDuration));
            if (tally.bannedUntil() != null) {
                bans.put(address, tally.bannedUntil());
            }
            return tally;
        } catch (DatabaseException e) {
            Logger.warn("a failed login from {} is counted on this node only: {}", address.getHostAddress(),
                    e.getMessage());
            return fallback.failed(address, banAfter, banDuration);
        }
    }

    /** Counts one more failure in one statement, and announces the ban it brings, if any. */
    private static Tally count(Connection connection, InetAddress address, int banAfter, Duration banDuration)
            throws SQLException {
        // The count starts again when the last ban is over or the last failure is older than a ban.
        String afresh = "(f.banned_until is not null and f.banned_until <= now()"
                + " or f.last_failure + ? * interval '1 millisecond' < now())";
        String failures = "case when " + afresh + " then 1 else f.failures + 1 end";
        try (PreparedStatement upsert = connection.prepareStatement("""
                insert into loomftp_login_failures as f (address, failures, last_failure, banned_until)
                values (?, 1, now(), case when 1 >= ? then now() + ? * interval '1 millisecond' end)
                on conflict (address) do update set
                  failures = %s,
                  last_failure = now(),
                  banned_until = case when %s >= ? then now() + ? * interval '1 millisecond' end
                returning failures, banned_until""".formatted(failures, failures))) {
            long millis = banDuration.toMillis();
            upsert.setString(1, address.getHostAddress());
            upsert.setInt(2, banAfter);
            upsert.setLong(3, millis);
            upsert.setLong(4, millis);
            upsert.setLong(5, millis);
            upsert.setInt(6, banAfter);
            upsert.setLong(7, millis);
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                Timestamp until = row.getTimestamp(2);
                Tally tally = new Tally(row.getInt(1), until == null ? null : until.toInstant());
                if (tally.bannedUntil() != null) {
                    announce(connection, address, tally.bannedUntil());
                }
                return tally;
            }
        }
    }

    /** Tells every node of the ban, when the transaction commits. */
    private static void announce(Connection connection, InetAddress address, Instant until) throws SQLException {
        try (PreparedStatement notify = connection.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, address.getHostAddress() + " " + until.toEpochMilli());
            notify.execute();
        }
    }

    @Override
    public void succeeded(InetAddress address) {
        fallback.succeeded(address);
        try {
            database.transaction(connection -> {
                try (PreparedStatement delete = connection.prepareStatement(
                        "delete from loomftp_login_failures where address = ?")) {
                    delete.setString(1, address.getHostAddress());
                    return delete.executeUpdate();
                }
            });
        } catch (DatabaseException e) {
            // The failures before this login still count until they grow old; nothing is lost.
            Logger.debug("the failed logins of {} stay counted: {}", address.getHostAddress(), e.getMessage());
        }
    }

    @Override
    public boolean isBanned(InetAddress address, Instant now) {
        Instant until = bans.get(address);
        if (until != null && !now.isBefore(until)) {
            bans.remove(address, until);
            until = null;
        }
        return until != null || fallback.isBanned(address, now);
    }

    /** A ban that a node announced: "ADDRESS EPOCH_MILLIS". Anything else is ignored. */
    void heard(String payload) {
        int space = payload.indexOf(' ');
        try {
            InetAddress address = InetAddress.ofLiteral(payload.substring(0, Math.max(space, 0)));
            bans.merge(address, Instant.ofEpochMilli(Long.parseLong(payload.substring(space + 1))),
                    (old, next) -> next.isAfter(old) ? next : old);
            if (bans.size() > SWEEP_AT) {
                Instant now = Instant.now();
                bans.values().removeIf(until -> !now.isBefore(until));
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            Logger.debug("a ban announcement that is not one was ignored");
        }
    }

    /** Takes in every ban in force, as after (re)connecting, when announcements may have been missed. */
    void loadAll(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "select address, banned_until from loomftp_login_failures where banned_until > now()");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                heard(rows.getString(1) + " " + rows.getTimestamp(2).toInstant().toEpochMilli());
            }
        }
    }
}

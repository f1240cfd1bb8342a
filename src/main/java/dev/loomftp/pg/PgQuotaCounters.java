package dev.loomftp.pg;

import dev.loomftp.storage.Quota;
import dev.loomftp.storage.QuotaCounter;
import dev.loomftp.storage.QuotaCounters;
import dev.loomftp.storage.QuotaUsage;
import dev.loomftp.storage.Storage;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.tinylog.Logger;

/**
 * Quota counters in the database every node shares, exact across nodes: a folder's row holds what
 * its files take, and each running upload holds its room in a reservation row of its own, which
 * says the whole of what the upload holds. Room is taken with the folder's row locked
 * ({@code select ... for update}) and the reservations summed after the lock, so two uploads on
 * two nodes cannot both take the last room. An upload that completes turns its reservation into
 * what it changed in one transaction; one that fails deletes it; one whose node died stops
 * counting when the node's row grows old ({@link PgNode#DEAD}). An ending that the database did
 * not take (it was away) is tried again at each of the node's beats.
 *
 * <p>A folder is walked when its row is first made, and again when its measure is older than
 * {@link #FRESH} while no upload holds room in it, so that changes behind the servers' backs are
 * seen too. A walk that raced a change is not written. Safe to use from many threads at once.
 */
final class PgQuotaCounters implements QuotaCounters {
    /** How long a measure is trusted, with the servers' own changes added to it. */
    static final Duration FRESH = Duration.ofMinutes(5);

    private final Database database;
    private final UUID node;
    /** Endings of reservations that the database did not take, tried again at each beat. */
    private final Queue<Ending> unfinished = new ConcurrentLinkedQueue<>();

    PgQuotaCounters(Database database, UUID node) {
        this.database = database;
        this.node = node;
    }

    @Override
    public QuotaCounter counterOf(String folder, Storage storage) {
        return new Counter(folder, storage);
    }

    /**
     * The end of one reservation: its row deleted and, for a completed upload, what it changed
     * added, in one transaction.
     */
    private record Ending(String folder, UUID id, long bytes, long files, boolean committed) {}

    /** Ends what could not be ended before; called on the node's beat, when the database answers. */
    void retryUnfinished() {
        for (int left = unfinished.size(); left > 0; left--) {
            Ending ending = unfinished.poll();
            if (ending == null) {
                return;
            }
            try {
                end(ending);
            } catch (IOException e) {
                unfinished.add(ending);
                return;
            }
        }
    }

    private void end(Ending ending) throws IOException {
        database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "delete from loomftp_quota_reservations where id = ?")) {
                delete.setObject(1, ending.id());
                delete.executeUpdate();
            }
            return ending.committed() ? change(connection, ending.folder(), ending.bytes(), ending.files()) : 0;
        });
    }

    private static int change(Connection connection, String folder, long bytes, long files) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                update loomftp_quota_usage set bytes = greatest(0, bytes + ?), files = greatest(0, files + ?),
                  version = version + 1 where folder = ?""")) {
            update.setLong(1, bytes);
            update.setLong(2, files);
            update.setString(3, folder);
            return update.executeUpdate();
        }
    }

    /** What the folder's row says, with the room live reservations hold. */
    private record Figures(long bytes, long files, long reservedBytes, long reservedFiles, long version,
            boolean stale) {}

    /** One folder's counter: nothing but its name, so any number may exist at once. */
    private final class Counter implements QuotaCounter {
        private final String folder;
        private final Storage storage;

        Counter(String folder, Storage storage) {
            this.folder = folder;
            this.storage = storage;
        }

        @Override
        public QuotaUsage.Use now() throws IOException {
            Figures figures = measured();
            return new QuotaUsage.Use(figures.bytes() + figures.reservedBytes(),
                    figures.files() + figures.reservedFiles());
        }

        /** The figures, after walking the folder when it has no row yet, or a stale one and no upload runs. */
        private Figures measured() throws IOException {
            Optional<Figures> known = database.transaction(connection -> figures(connection, false));
            if (known.isPresent() && !(known.get().stale() && known.get().reservedBytes() == 0
                    && known.get().reservedFiles() == 0)) {
                return known.get();
            }
            QuotaUsage.Use walked = new QuotaUsage(storage, java.time.Clock.systemUTC()).now();
            long version = known.map(Figures::version).orElse(-1L);
            database.transaction(connection -> {
                try (PreparedStatement write = connection.prepareStatement(version < 0 ? """
                        insert into loomftp_quota_usage (bytes, files, measured, folder) values (?, ?, now(), ?)
                        on conflict (folder) do nothing""" : """
                        update loomftp_quota_usage u set bytes = ?, files = ?, measured = now(), version = version + 1
                        where folder = ? and version = ? and not exists (select 1 from loomftp_quota_reservations r
                          where r.folder = u.folder)""")) {
                    write.setLong(1, walked.bytes());
                    write.setLong(2, walked.files());
                    write.setString(3, folder);
                    if (version >= 0) {
                        write.setLong(4, version);
                    }
                    return write.executeUpdate();
                }
            });
            return database.transaction(connection -> figures(connection, false)).orElseThrow();
        }

        /**
         * The row and its live reservations. With {@code lock}, the row is locked first, until the
         * transaction ends, and summed by a statement of its own: under READ COMMITTED a statement
         * sees what was committed when it began, so a sum taken in the statement that waited for
         * the lock would miss the room the lock's last holder just took.
         */
        private Optional<Figures> figures(Connection connection, boolean lock) throws SQLException {
            if (lock) {
                try (PreparedStatement locking = connection.prepareStatement(
                        "select 1 from loomftp_quota_usage where folder = ? for update")) {
                    locking.setString(1, folder);
                    try (ResultSet row = locking.executeQuery()) {
                        if (!row.next()) {
                            return Optional.empty();
                        }
                    }
                }
            }
            try (PreparedStatement query = connection.prepareStatement("""
                    select u.bytes, u.files, u.version, u.measured < now() - ? * interval '1 millisecond',
                      coalesce(sum(r.bytes), 0), coalesce(sum(r.files), 0)
                    from loomftp_quota_usage u
                      left join loomftp_quota_reservations r on r.folder = u.folder
                        and exists (select 1 from loomftp_nodes n where n.id = r.node
                                      and n.seen > now() - ? * interval '1 millisecond')
                    where u.folder = ? group by u.folder""")) {
                query.setLong(1, FRESH.toMillis());
                query.setLong(2, PgNode.DEAD.toMillis());
                query.setString(3, folder);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(new Figures(row.getLong(1), row.getLong(2), row.getLong(5),
                            row.getLong(6), row.getLong(3), row.getBoolean(4))) : Optional.empty();
                }
            }
        }

        @Override
        public void add(long bytes, long files) throws IOException {
            database.transaction(connection -> change(connection, folder, bytes, files));
        }

        @Override
        public Optional<Reservation> reserve(Quota quota, long files) throws IOException {
            measured();
            UUID id = UUID.randomUUID();
            boolean fits = database.transaction(connection -> {
                Figures figures = figures(connection, true).orElseThrow(() -> new SQLException("no quota row"));
                if (files > 0 && figures.files() + figures.reservedFiles() + files > quota.files()) {
                    return false;
                }
                hold(connection, id, 0, files);
                return true;
            });
            return fits ? Optional.of(new Held(this, id, quota, files)) : Optional.empty();
        }

        /**
         * Makes reservation {@code id} hold {@code total} bytes in all, unless that passes the
         * quota. The row is written whole, so one that was swept (its node seemed dead while the
         * database was away) comes back holding all it should.
         */
        boolean grow(UUID id, long total, long files, Quota quota) throws IOException {
            return database.transaction(connection -> {
                Figures figures = figures(connection, true).orElseThrow(() -> new SQLException("no quota row"));
                long counted = 0;
                try (PreparedStatement own = connection.prepareStatement(
                        "select bytes from loomftp_quota_reservations where id = ?")) {
                    own.setObject(1, id);
                    try (ResultSet row = own.executeQuery()) {
                        counted = row.next() ? row.getLong(1) : 0;
                    }
                }
                if (figures.bytes() + figures.reservedBytes() - counted + total > quota.bytes()) {
                    return false;
                }
                hold(connection, id, total, files);
                return true;
            });
        }

        private void hold(Connection connection, UUID id, long bytes, long files) throws SQLException {
            try (PreparedStatement upsert = connection.prepareStatement("""
                    insert into loomftp_quota_reservations (id, folder, node, bytes, files) values (?, ?, ?, ?, ?)
                    on conflict (id) do update set bytes = excluded.bytes, node = excluded.node""")) {
                upsert.setObject(1, id);
                upsert.setString(2, folder);
                upsert.setObject(3, node);
                upsert.setLong(4, bytes);
                upsert.setLong(5, files);
                upsert.executeUpdate();
            }
        }

        /** Ends a reservation now, or at a later beat when the database does not take it now. */
        void end(UUID id, long bytes, long files, boolean committed) {
            Ending ending = new Ending(folder, id, bytes, files, committed);
            try {
                PgQuotaCounters.this.end(ending);
            } catch (IOException e) {
                Logger.warn("the quota counter of {} is brought up to date when the database answers: {}", folder,
                        e.getMessage());
                unfinished.add(ending);
            }
        }
    }

    /** The room of one upload: a reservation row. Used by the upload's thread only. */
    private static final class Held implements QuotaCounter.Reservation {
        private final Counter counter;
        private final UUID id;
        private final Quota quota;
        private final long files;
        /** All the bytes held, those let through while the database was away included. */
        private long total;
        private boolean done;

        Held(Counter counter, UUID id, Quota quota, long files) {
            this.counter = counter;
            this.id = id;
            this.quota = quota;
            this.files = files;
        }

        /**
         * {@inheritDoc} While the database cannot be reached, a running upload goes on as if the
         * room were there (and is logged): an outage stops new logins, not the transfers running.
         * The bytes let through are held as soon as the database answers again.
         */
        @Override
        public boolean grow(long bytes) throws IOException {
            if (done) {
                return false;
            }
            try {
                if (!counter.grow(id, total + bytes, files, quota)) {
                    return false;
                }
            } catch (DatabaseException e) {
                if (!e.unreachable()) {
                    throw e;
                }
                Logger.warn("an upload to {} goes on unchecked by its quota: {}", counter.folder, e.getMessage());
            }
            total += bytes;
            return true;
        }

        /** {@inheritDoc} The upload is done whatever the database says: what it does not take now, it takes later. */
        @Override
        public void commit(long bytes, long changedFiles) {
            if (!done) {
                done = true;
                counter.end(id, bytes, changedFiles, true);
            }
        }

        @Override
        public void release() {
            if (!done) {
                done = true;
                counter.end(id, 0, 0, false);
            }
        }
    }
}

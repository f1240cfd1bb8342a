package dev.loomftp.server;

import dev.loomftp.storage.QuotaCounters;
import dev.loomftp.users.LoginRecords;
import dev.loomftp.users.UserStore;
import java.time.Clock;

/**
 * What the nodes of one service may share, and one server alone keeps for itself: the users, the
 * failed logins and bans of each client address, and the quota counters.
 *
 * @param users  where logins are checked
 * @param logins the failed logins and bans
 * @param quotas the quota counters
 */
public record SharedState(UserStore users, LoginRecords logins, QuotaCounters quotas) {

    /** One server's own: {@code users}, and failed logins, bans and quota counters in its memory. */
    public static SharedState local(UserStore users) {
        return new SharedState(users, new MemoryLoginRecords(Clock.systemUTC()),
                new MemoryQuotaCounters(Clock.systemUTC()));
    }
}

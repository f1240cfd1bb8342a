package dev.loomftp.server;

import dev.loomftp.config.Config;
import dev.loomftp.users.UserNames;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bandwidth limits of one configuration: the server's, shared by every transfer, and each
 * user's, shared by all the user's sessions (made at the user's first transfer). A reload makes a
 * new book, which the sessions that start after it use.
 */
final class BandwidthBook {
    private final Config config;
    private final Throttle serverUp;
    private final Throttle serverDown;
    private final ConcurrentHashMap<String, Throttle> users = new ConcurrentHashMap<>();

    BandwidthBook(Config config) {
        this.config = config;
        Config.Rates server = config.limits().bandwidth().server();
        this.serverUp = throttle(server.up());
        this.serverDown = throttle(server.down());
    }

    private static Throttle throttle(long rate) {
        return rate == Config.Rates.NO_LIMIT ? null : new Throttle(rate);
    }

    /** The limits a transfer of {@code user}, whose override is {@code own}, is under, uploads or downloads. */
    Throttle.Set limitsFor(String user, Config.UserOverride own, boolean upload) {
        List<Throttle> limits = new ArrayList<>(2);
        Config.Rates override = own.bandwidth();
        Config.Rates rates = override != null ? override : config.limits().bandwidth().user();
        long rate = upload ? rates.up() : rates.down();
        if (rate != Config.Rates.NO_LIMIT) {
            limits.add(users.computeIfAbsent((upload ? "up:" : "down:") + UserNames.key(user),
                    key -> new Throttle(rate)));
        }
        Throttle server = upload ? serverUp : serverDown;
        if (server != null) {
            limits.add(server);
        }
        return limits.isEmpty() ? Throttle.Set.NONE : new Throttle.Set(limits);
    }
}

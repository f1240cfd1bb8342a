package dev.loomftp.server;

import dev.loomftp.storage.QuotaUsage;
import dev.loomftp.storage.Storage;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The usage of every folder that has a quota, by its real path (or its bucket and prefix), so that
 * all the sessions of a user (and all users of a shared folder) count against one figure. Kept
 * across reloads.
 */
final class QuotaBook {
    private final ConcurrentHashMap<Object, QuotaUsage> usages = new ConcurrentHashMap<>();
    private final Clock clock;

    QuotaBook(Clock clock) {
        this.clock = clock;
    }

    /**
     * The usage of {@code folder}, which {@code storage} opens, measured at its first use.
     *
     * @param folder what names the folder: its real path, or the storage itself where that tells
     *               its bucket and prefix
     */
    QuotaUsage usageOf(Object folder, Storage storage) {
        return usages.computeIfAbsent(folder, key -> new QuotaUsage(storage, clock));
    }
}

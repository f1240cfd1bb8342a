package dev.loomftp.server;

import dev.loomftp.storage.QuotaUsage;
import dev.loomftp.storage.Storage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The usage of every folder that has a quota, by its real path, so that all the sessions of a
 * user (and all users of a shared folder) count against one figure. Kept across reloads.
 */
final class QuotaBook {
    private final ConcurrentHashMap<Path, QuotaUsage> usages = new ConcurrentHashMap<>();
    private final Clock clock;

    QuotaBook(Clock clock) {
        this.clock = clock;
    }

    /** The usage of {@code folder}, which {@code storage} opens, measured at its first use. */
    QuotaUsage usageOf(Path folder, Storage storage) {
        return usages.computeIfAbsent(folder, key -> new QuotaUsage(storage, clock));
    }
}

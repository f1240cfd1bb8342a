package dev.loomftp.server;

import dev.loomftp.storage.QuotaCounter;
import dev.loomftp.storage.QuotaCounters;
import dev.loomftp.storage.QuotaUsage;
import dev.loomftp.storage.Storage;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/** The quota counters of one server, in its memory, kept across reloads. */
public final class MemoryQuotaCounters implements QuotaCounters {
    private final ConcurrentHashMap<String, QuotaUsage> usages = new ConcurrentHashMap<>();
    private final Clock clock;

    public MemoryQuotaCounters(Clock clock) {
        this.clock = clock;
    }

    @Override
    public QuotaCounter counterOf(String folder, Storage storage) {
        return usages.computeIfAbsent(folder, key -> new QuotaUsage(storage, clock));
    }
}

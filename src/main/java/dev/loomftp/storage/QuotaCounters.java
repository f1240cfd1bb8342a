package dev.loomftp.storage;

/**
 * The {@link QuotaCounter} of every folder that has a quota, so that all the sessions of a user
 * (and all users of a shared folder, and every node that shares the counters) count against one
 * figure. Safe to use from many threads at once.
 */
@FunctionalInterface
public interface QuotaCounters {

    /**
     * The counter of the folder {@code folder} names, which {@code storage} opens and which is
     * measured there at its first use.
     *
     * @param folder what names the folder for every node: its real path, or its bucket and prefix
     */
    QuotaCounter counterOf(String folder, Storage storage);
}

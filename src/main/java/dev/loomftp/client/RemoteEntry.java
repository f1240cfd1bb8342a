package dev.loomftp.client;

import java.time.Instant;
import java.util.Optional;

/**
 * One entry of a remote folder, as MLSD states it or as a Unix {@code ls -l} LIST line shows it.
 *
 * @param name     the entry's name within its folder
 * @param kind     file, folder, or something else (a link, a device)
 * @param size     the length in bytes of a file; 0 for others
 * @param modified the last modification time, when the server tells it to the second
 */
public record RemoteEntry(String name, Kind kind, long size, Optional<Instant> modified) {

    /** What an entry is. */
    public enum Kind {
        FILE, FOLDER, OTHER
    }

    public boolean isFile() {
        return kind == Kind.FILE;
    }

    public boolean isFolder() {
        return kind == Kind.FOLDER;
    }

    /** This entry with its modification time set, as MDTM tells it. */
    RemoteEntry withModified(Instant time) {
        return new RemoteEntry(name, kind, size, Optional.of(time));
    }
}

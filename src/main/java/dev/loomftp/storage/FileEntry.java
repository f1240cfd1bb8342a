package dev.loomftp.storage;

import java.time.Instant;

/**
 * What a listing shows of one file or folder.
 *
 * @param name     the entry's own name
 * @param kind     file, folder or something else
 * @param size     the size in bytes
 * @param modified the last modification time
 * @param mode     the Unix permission bits (such as 0644), as far as the storage knows them
 * @param unique   an identifier that stays the same for the same file under any name (RFC 3659
 *                 "unique" fact), or null when the storage has none
 */
public record FileEntry(String name, Kind kind, long size, Instant modified, int mode, String unique) {

    /** An entry without a unique identifier. */
    public FileEntry(String name, Kind kind, long size, Instant modified, int mode) {
        this(name, kind, size, modified, mode, null);
    }

    /** What an entry is. Symbolic links are shown as what they point to. */
    public enum Kind {
        FILE, DIRECTORY, OTHER
    }

    public boolean isDirectory() {
        return kind == Kind.DIRECTORY;
    }

    public boolean isFile() {
        return kind == Kind.FILE;
    }

    public FileEntry withName(String newName) {
        return new FileEntry(newName, kind, size, modified, mode, unique);
    }
}

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
 */
public record FileEntry(String name, Kind kind, long size, Instant modified, int mode) {

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
        return new FileEntry(newName, kind, size, modified, mode);
    }
}

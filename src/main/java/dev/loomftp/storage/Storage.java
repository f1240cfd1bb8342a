package dev.loomftp.storage;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.util.Optional;

/**
 * Where a mount's files live. Paths are relative to the storage's own root and already
 * normalized by {@link VirtualPath}: a local folder ({@link LocalStorage}) or a prefix of an S3 bucket.
 *
 * <p>Implementations must keep every operation inside their root: a path that leads out (through
 * a symbolic link, say) fails with {@link java.nio.file.AccessDeniedException}, and a missing entry
 * with {@link java.nio.file.NoSuchFileException}. Exception messages may hold real paths: callers
 * must never show them to clients.
 */
public interface Storage {

    /** The entry at {@code path}, or empty when nothing is there. */
    Optional<FileEntry> stat(VirtualPath path) throws IOException;

    /** The entries of the folder at {@code path}, read lazily. */
    DirectoryStream<FileEntry> list(VirtualPath path) throws IOException;

    /**
     * The names of the entries {@link #list} shows in the folder at {@code path}, read lazily. A
     * storage that can tell them without reading every entry's attributes does so.
     */
    default DirectoryStream<String> names(VirtualPath path) throws IOException {
        return Names.of(list(path));
    }

    /**
     * Opens a file for reading. A local storage returns a {@link java.nio.channels.FileChannel},
     * which lets transfers send it without copying.
     */
    SeekableByteChannel openRead(VirtualPath path) throws IOException;

    /**
     * Whether {@link #openWrite} returns an {@link AtomicChannel}: a file written changes only when
     * its channel closes, all at once, so uploads need no hidden file beside it (object storage).
     */
    default boolean writesWhole() {
        return false;
    }

    /** Creates or truncates a file and opens it for writing. Its folder must exist. */
    default SeekableByteChannel openWrite(VirtualPath path) throws IOException {
        return openWrite(path, WriteMode.REPLACE, 0);
    }

    /**
     * Opens a file for writing. Its folder must exist.
     *
     * @param offset for {@link WriteMode#RESUME}, where writing starts; the file must be at least
     *               that long
     * @throws java.nio.file.FileAlreadyExistsException for {@link WriteMode#CREATE_NEW} when the
     *                                                   name is taken
     */
    SeekableByteChannel openWrite(VirtualPath path, WriteMode mode, long offset) throws IOException;

    /** Creates a folder; its parent must exist. */
    void createFolder(VirtualPath path) throws IOException;

    /** Deletes a file (or a link inside the root, not what it points to). */
    void deleteFile(VirtualPath path) throws IOException;

    /**
     * Deletes an empty folder.
     *
     * @throws java.nio.file.DirectoryNotEmptyException when it is not empty
     */
    void deleteFolder(VirtualPath path) throws IOException;

    /** Renames a file or folder within this storage, replacing a file of the new name. */
    void rename(VirtualPath from, VirtualPath to) throws IOException;

    /** Sets a file's modification time. */
    void setModified(VirtualPath path, java.time.Instant time) throws IOException;

    /**
     * Sets the Unix permission bits.
     *
     * @throws UnsupportedOperationException when the storage has none
     */
    void setMode(VirtualPath path, int mode) throws IOException;
}

package dev.loomftp.storage;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.util.Optional;

/**
 * Where a mount's files live. Paths are relative to the storage's own root and already
 * normalized by {@link VirtualPath}. A local folder today; object storage can follow.
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
     * Opens a file for reading. A local storage returns a {@link java.nio.channels.FileChannel},
     * which lets transfers send it without copying.
     */
    SeekableByteChannel openRead(VirtualPath path) throws IOException;

    /** Creates or truncates a file and opens it for writing. Its folder must exist. */
    SeekableByteChannel openWrite(VirtualPath path) throws IOException;
}

package dev.loomftp.storage;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The entries of a folder read with {@link NativeDirectory}, each from its own attributes. A link
 * is shown as {@link Linked} says (where it leads, when that is inside the root); an entry that is
 * gone by the time it is looked at is skipped. Read by one thread at a time.
 */
final class FolderEntries implements DirectoryStream<FileEntry> {

    /** What a listing shows of a link: its target's entry under the link's name, or null. */
    @FunctionalInterface
    interface Linked {
        FileEntry entry(Path link, String name);
    }

    private final NativeDirectory.Folder folder;
    private final Path path;
    private final Linked linked;
    private boolean iterated;

    FolderEntries(NativeDirectory.Folder folder, Path path, Linked linked) {
        this.folder = folder;
        this.path = path;
        this.linked = linked;
    }

    @Override
    public Iterator<FileEntry> iterator() {
        if (iterated) {
            throw new IllegalStateException("the folder's entries were read already");
        }
        iterated = true;
        return new Iterator<>() {
            private FileEntry next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                while (next == null && !ended) {
                    next = read();
                }
                return next != null;
            }

            @Override
            public FileEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                FileEntry entry = next;
                next = null;
                return entry;
            }

            /** The next entry, or null when it is not shown or there is none left. */
            private FileEntry read() {
                String name;
                try {
                    name = folder.next();
                } catch (IOException e) {
                    throw new DirectoryIteratorException(e);
                }
                if (name == null) {
                    ended = true;
                    return null;
                }
                FileEntry own = folder.entry(name);
                if (own != null) {
                    return own;
                }
                // A link, or gone: the link is followed and checked; a missing entry fails there too.
                return linked.entry(path.resolve(name), name);
            }
        };
    }

    @Override
    public void close() {
        folder.close();
    }
}

package dev.loomftp.storage;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The names in a folder read with {@link NativeDirectory}, less those a listing must not show. An
 * entry the file system says is neither a link nor of unknown type is shown without another system
 * call; the others are shown only when {@link Shown} says so. Read by one thread at a time.
 */
final class FolderNames implements DirectoryStream<String> {

    /** Whether a link, or an entry of unknown type, is shown. */
    @FunctionalInterface
    interface Shown {
        boolean test(Path child);
    }

    private final NativeDirectory.Folder folder;
    private final Path path;
    private final Shown shown;
    private boolean iterated;

    FolderNames(NativeDirectory.Folder folder, Path path, Shown shown) {
        this.folder = folder;
        this.path = path;
        this.shown = shown;
    }

    @Override
    public Iterator<String> iterator() {
        if (iterated) {
            throw new IllegalStateException("the folder's names were read already");
        }
        iterated = true;
        return new Iterator<>() {
            private String next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                while (next == null && !ended) {
                    next = read();
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String name = next;
                next = null;
                return name;
            }

            /** The next entry's name, or null when it is not shown or there is none left. */
            private String read() {
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
                byte type = folder.type();
                boolean plain = type != NativeDirectory.TYPE_LINK && type != NativeDirectory.TYPE_UNKNOWN;
                return plain || shown.test(path.resolve(name)) ? name : null;
            }
        };
    }

    @Override
    public void close() {
        folder.close();
    }
}

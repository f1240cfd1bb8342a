package dev.loomftp.storage;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.util.Iterator;

/**
 * What a listing shows of a folder read with {@link NativeDirectory}: for each name, what
 * {@link Shown} makes of it (an entry, or the name itself), and nothing for a name it leaves out.
 * Read by one thread at a time, once.
 *
 * @param <T> what the listing holds of each entry
 */
final class FolderStream<T> implements DirectoryStream<T> {

    /** What a listing shows of {@code name}, the entry the folder was just read at; null for nothing. */
    @FunctionalInterface
    interface Shown<T> {
        T of(NativeDirectory.Folder folder, String name);
    }

    private final NativeDirectory.Folder folder;
    private final Shown<T> shown;
    private boolean iterated;

    FolderStream(NativeDirectory.Folder folder, Shown<T> shown) {
        this.folder = folder;
        this.shown = shown;
    }

    @Override
    public Iterator<T> iterator() {
        if (iterated) {
            throw new IllegalStateException("the folder was read already");
        }
        iterated = true;
        return new AheadIterator<>() {
            @Override
            protected T fetch() {
                while (true) {
                    String name;
                    try {
                        name = folder.next();
                    } catch (IOException e) {
                        throw new DirectoryIteratorException(e);
                    }
                    if (name == null) {
                        return null;
                    }
                    T entry = shown.of(folder, name);
                    if (entry != null) {
                        return entry;
                    }
                }
            }
        };
    }

    @Override
    public void close() {
        folder.close();
    }
}

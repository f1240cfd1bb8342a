package dev.loomftp.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.util.Iterator;

/** The names of a stream of entries, for {@link Storage#names}. Used by one thread at a time. */
final class Names implements DirectoryStream<String> {
    private final DirectoryStream<FileEntry> entries;

    private Names(DirectoryStream<FileEntry> entries) {
        this.entries = entries;
    }

    static DirectoryStream<String> of(DirectoryStream<FileEntry> entries) {
        return new Names(entries);
    }

    @Override
    public Iterator<String> iterator() {
        Iterator<FileEntry> each = entries.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return each.hasNext();
            }

            @Override
            public String next() {
                return each.next().name();
            }
        };
    }

    @Override
    public void close() throws IOException {
        entries.close();
    }
}

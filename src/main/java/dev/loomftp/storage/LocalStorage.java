package dev.loomftp.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A storage in a local folder. Every path is checked after symbolic links are resolved: a link
 * that points inside the folder works as usual, and one that points out of it is refused, so a
 * client never reaches a file outside its root.
 */
public final class LocalStorage implements Storage {
    private static final int DEFAULT_FILE_MODE = 0644;
    private static final int DEFAULT_FOLDER_MODE = 0755;

    private final Path root;

    /** Creates the folder if it does not exist yet. */
    public LocalStorage(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
    }

    @Override
    public Optional<FileEntry> stat(VirtualPath path) throws IOException {
        try {
            return Optional.of(entry(path.name(), confined(path)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public DirectoryStream<FileEntry> list(VirtualPath path) throws IOException {
        Path folder = confined(path);
        if (!Files.isDirectory(folder)) {
            throw new NotDirectoryException(path.toString());
        }
        return new Listing(Files.newDirectoryStream(folder));
    }

    @Override
    public SeekableByteChannel openRead(VirtualPath path) throws IOException {
        return FileChannel.open(confined(path), StandardOpenOption.READ);
    }

    @Override
    public SeekableByteChannel openWrite(VirtualPath path) throws IOException {
        if (path.isRoot()) {
            throw new AccessDeniedException("/");
        }
        Path folder = confined(path.parent());
        Path target = folder.resolve(path.name());
        if (Files.isSymbolicLink(target)) {
            target = confined(path);
        }
        return FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
    }

    /** The real path of an existing entry, after checking that it is inside the root. */
    private Path confined(VirtualPath path) throws IOException {
        Path lexical = root;
        for (String segment : path.segments()) {
            lexical = lexical.resolve(segment);
        }
        Path real;
        try {
            real = lexical.toRealPath();
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (FileSystemException e) {
            // A file used as a folder, or a loop of links: there is no such entry either.
            throw new NoSuchFileException(path.toString(), null, e.getReason());
        }
        if (!real.startsWith(root)) {
            throw new AccessDeniedException(path.toString());
        }
        return real;
    }

    private static FileEntry entry(String name, Path real) throws IOException {
        try {
            PosixFileAttributes attributes = Files.readAttributes(real, PosixFileAttributes.class);
            return new FileEntry(name, kind(attributes), attributes.size(),
                    attributes.lastModifiedTime().toInstant(), mode(attributes));
        } catch (UnsupportedOperationException e) {
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
            int mode = attributes.isDirectory() ? DEFAULT_FOLDER_MODE : DEFAULT_FILE_MODE;
            return new FileEntry(name, kind(attributes), attributes.size(),
                    attributes.lastModifiedTime().toInstant(), mode);
        }
    }

    private static FileEntry.Kind kind(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return FileEntry.Kind.DIRECTORY;
        }
        return attributes.isRegularFile() ? FileEntry.Kind.FILE : FileEntry.Kind.OTHER;
    }

    private static int mode(PosixFileAttributes attributes) {
        int mode = 0;
        for (PosixFilePermission permission : attributes.permissions()) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }

    /**
     * The entries of a folder, read one at a time. Entries that cannot be shown (a dangling link,
     * a link leading out of the root, one removed while listing) are skipped.
     */
    private final class Listing implements DirectoryStream<FileEntry> {
        private final DirectoryStream<Path> paths;

        Listing(DirectoryStream<Path> paths) {
            this.paths = paths;
        }

        @Override
        public Iterator<FileEntry> iterator() {
            Iterator<Path> children = paths.iterator();
            return new Iterator<>() {
                private FileEntry next;

                @Override
                public boolean hasNext() {
                    while (next == null && children.hasNext()) {
                        next = visible(children.next());
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
            };
        }

        private FileEntry visible(Path child) {
            try {
                Path real = child.toRealPath();
                return real.startsWith(root) ? entry(child.getFileName().toString(), real) : null;
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            paths.close();
        }
    }
}

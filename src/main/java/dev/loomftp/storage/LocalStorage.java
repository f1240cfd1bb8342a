package dev.loomftp.storage;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A storage in a local folder. Every path is checked after symbolic links are resolved: a link
 * that points inside the folder works as usual, and one that points out of it is refused, so a
 * client never reaches a file outside its root.
 */
public final class LocalStorage implements Storage {
    private static final int DEFAULT_FILE_MODE = 0644;
    private static final int DEFAULT_FOLDER_MODE = 0755;

    /** The JDK's Unix file key reads "(dev=fe00,ino=260072)". */

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

    /**
     * Where {@link NativeDirectory} can read the folder, each entry's attributes come from one
     * {@code statx} relative to it; elsewhere from the JDK's {@link SecureDirectoryStream}.
     */
    @Override
    public DirectoryStream<FileEntry> list(VirtualPath path) throws IOException {
        return read(path, (folder, open, name) -> {
            FileEntry own = open.entry(name);
            // A link, or gone: the link is followed and checked; a missing entry fails there too.
            return own != null ? own : linked(folder.resolve(name), name);
        }, listing -> listing);
    }

    /**
     * What a listing shows of {@code link}, an entry of a real folder inside the root: its
     * target's entry, named {@code name}, when the target exists inside the root; else null.
     */
    private FileEntry linked(Path link, String name) {
        try {
            Path real = link.toRealPath();
            return real.startsWith(root) ? entry(name, real) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Where {@link NativeDirectory} can read the folder, without a system call for an entry that
     * is not a link: what NLST needs, and all it needs.
     */
    @Override
    public DirectoryStream<String> names(VirtualPath path) throws IOException {
        return read(path, (folder, open, name) -> {
            byte type = open.type();
            boolean plain = type != NativeDirectory.TYPE_LINK && type != NativeDirectory.TYPE_UNKNOWN;
            return plain || shown(folder.resolve(name)) ? name : null;
        }, Names::of);
    }

    /** What a listing shows of the entry {@code name} of the real folder {@code folder}; null for nothing. */
    @FunctionalInterface
    private interface Shown<T> {
        T of(Path folder, NativeDirectory.Folder open, String name);
    }

    /**
     * A confined folder's listing: read with {@link NativeDirectory} where it can, each entry as
     * {@code shown} makes it; elsewhere through the JDK's stream, as {@code viaJdk} makes it.
     */
    private <T> DirectoryStream<T> read(VirtualPath path, Shown<T> shown,
            Function<DirectoryStream<FileEntry>, DirectoryStream<T>> viaJdk) throws IOException {
        Path folder = confined(path);
        if (!Files.isDirectory(folder)) {
            throw new NotDirectoryException(path.toString());
        }
        Optional<NativeDirectory> reader = NativeDirectory.linux();
        if (reader.isPresent()) {
            try {
                return new FolderStream<>(reader.get().open(folder), (open, name) -> shown.of(folder, open, name));
            } catch (IOException notThisWay) {
                // A name the C library cannot be given as the JDK gives it, say: the JDK reads it.
            }
        }
        return viaJdk.apply(new Listing(Files.newDirectoryStream(folder)));
    }

    /**
     * Whether a listing shows {@code child}, an entry of a real folder inside the root: one that
     * is not a link is inside too; a link only when it leads to an existing entry inside the root.
     */
    private boolean shown(Path child) {
        try {
            if (!Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isSymbolicLink()) {
                return true;
            }
            return child.toRealPath().startsWith(root);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public SeekableByteChannel openRead(VirtualPath path) throws IOException {
        return FileChannel.open(confined(path), StandardOpenOption.READ);
    }

    @Override
    public SeekableByteChannel openWrite(VirtualPath path, WriteMode mode, long offset) throws IOException {
        Path target = entryInFolder(path);
        if (Files.isSymbolicLink(target)) {
            if (mode == WriteMode.CREATE_NEW) {
                throw new FileAlreadyExistsException(path.toString());
            }
            target = confined(path);
        }
        Set<OpenOption> options = new HashSet<>(switch (mode) {
            case REPLACE -> List.of(WRITE, CREATE, TRUNCATE_EXISTING);
            case RESUME -> List.of(WRITE);
            case APPEND -> List.of(WRITE, CREATE, StandardOpenOption.APPEND);
            case CREATE_NEW -> List.of(WRITE, StandardOpenOption.CREATE_NEW);
        });
        options.add(LinkOption.NOFOLLOW_LINKS);
        FileChannel channel = FileChannel.open(target, options);
        if (mode == WriteMode.RESUME) {
            try {
                if (channel.size() < offset) {
                    throw new EOFException("the file is shorter than the restart offset");
                }
                channel.truncate(offset);
                channel.position(offset);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }
        return channel;
    }

    @Override
    public void createFolder(VirtualPath path) throws IOException {
        Files.createDirectory(entryInFolder(path));
    }

    @Override
    public void deleteFile(VirtualPath path) throws IOException {
        Path target = existingEntry(path);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileSystemException(path.toString(), null, "Is a directory");
        }
        Files.delete(target);
    }

    @Override
    public void deleteFolder(VirtualPath path) throws IOException {
        Path target = existingEntry(path);
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotDirectoryException(path.toString());
        }
        Files.delete(target);
    }

    @Override
    public void rename(VirtualPath from, VirtualPath to) throws IOException {
        Path source = existingEntry(from);
        Path target = entryInFolder(to);
        if (Files.isSymbolicLink(target)) {
            existingEntry(to);
        }
        if (target.startsWith(source)) {
            throw new FileSystemException(to.toString(), null, "Invalid argument");
        }
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void setModified(VirtualPath path, Instant time) throws IOException {
        Files.setLastModifiedTime(confined(path), FileTime.from(time));
    }

    @Override
    public void setMode(VirtualPath path, int mode) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission permission : PosixFilePermission.values()) {
            if ((mode & 1 << (8 - permission.ordinal())) != 0) {
                permissions.add(permission);
            }
        }
        Files.setPosixFilePermissions(confined(path), permissions);
    }

    /**
     * Where an entry named by {@code path} lives, without following a link of that name: its
     * folder is resolved and checked, and the last name is added as it is. The root itself is
     * not an entry that can be written, deleted or renamed.
     */
    private Path entryInFolder(VirtualPath path) throws IOException {
        if (path.isRoot()) {
            throw new AccessDeniedException("/");
        }
        Path folder = confined(path.parent());
        if (!Files.isDirectory(folder)) {
            throw new NoSuchFileException(path.parent().toString());
        }
        return folder.resolve(path.name());
    }

    /**
     * An existing entry, not followed if it is a link. A link is only acted on when it points
     * inside the root, as a listing would show it.
     */
    private Path existingEntry(VirtualPath path) throws IOException {
        Path entry = entryInFolder(path);
        if (Files.isSymbolicLink(entry)) {
            confined(path);
        } else if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(path.toString());
        }
        return entry;
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
            return entry(name, Files.readAttributes(real, PosixFileAttributes.class));
        } catch (UnsupportedOperationException e) {
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
            int mode = attributes.isDirectory() ? DEFAULT_FOLDER_MODE : DEFAULT_FILE_MODE;
            return new FileEntry(name, kind(attributes), attributes.size(),
                    attributes.lastModifiedTime().toInstant(), mode);
        }
    }

    private static FileEntry entry(String name, PosixFileAttributes attributes) {
        return new FileEntry(name, kind(attributes), attributes.size(),
                attributes.lastModifiedTime().toInstant(), mode(attributes), unique(attributes.fileKey()));
    }

    /**
     * The device and inode as {@code dev}U{@code inode}, as other servers write the "unique" fact,
     * or null when the file system gives no such key.
     */
    private static String unique(Object fileKey) {
        if (fileKey == null) {
            return null;
        }
        // The JDK's key reads "(dev=803,ino=1234)"; taken apart by hand, as a listing does this for
        // every entry and a regular expression cost a quarter of a large listing's time.
        String key = fileKey.toString();
        int dev = key.indexOf("dev=");
        int ino = key.indexOf(",ino=", dev);
        int end = key.indexOf(')', ino);
        if (dev < 0 || ino < 0 || end < 0 || !isHex(key, dev + 4, ino) || !isHex(key, ino + 5, end)) {
            return Integer.toHexString(fileKey.hashCode());
        }
        return key.substring(dev + 4, ino) + "U" + key.substring(ino + 5, end);
    }

    private static boolean isHex(String text, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
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
            return new AheadIterator<>() {
                @Override
                protected FileEntry fetch() {
                    while (children.hasNext()) {
                        FileEntry entry = visible(children.next());
                        if (entry != null) {
                            return entry;
                        }
                    }
                    return null;
                }
            };
        }

        private FileEntry visible(Path child) {
            // The name from the path's text, not getFileName(): that makes a path of its own for
            // every entry, which cost a large listing a fifth of its time.
            String path = child.toString();
            String name = path.substring(path.lastIndexOf('/') + 1);
            try {
                // The folder is real and inside the root, so an entry that is not a link is inside
                // it too, and one lstat tells all about it. Only a link is resolved, and where it
                // leads is checked: most folders are listed with one system call an entry.
                PosixFileAttributes own = ownAttributes(child, name);
                if (!own.isSymbolicLink()) {
                    return entry(name, own);
                }
            } catch (UnsupportedOperationException notPosix) {
                // Resolved below, as a link is.
            } catch (IOException e) {
                return null;
            }
            return linked(child, name);
        }

        /**
         * The entry's own attributes (a link's, not its target's). Where the folder is open as a
         * {@link SecureDirectoryStream} (Linux), they are read relative to the folder's handle
         * ({@code fstatat}), so the kernel does not walk the folder's whole path again for every
         * entry, which was most of a large listing's time.
         */
        private PosixFileAttributes ownAttributes(Path child, String name) throws IOException {
            if (paths instanceof SecureDirectoryStream<Path> folder) {
                return folder.getFileAttributeView(child.getFileSystem().getPath(name), PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes();
            }
            return Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public void close() throws IOException {
            paths.close();
        }
    }
}

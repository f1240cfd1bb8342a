package dev.loomftp.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One user's view of the files: a tree of mounts, each backed by a {@link Storage}. The mount at
 * "/" is the user's home; others (such as "/Public") appear as folders in their parent. Every
 * path is a {@link VirtualPath}, so replies built from it show no real path.
 */
public final class VirtualFileSystem {

    /**
     * @param path        where the mount appears
     * @param storage     what backs it
     * @param permissions what the user may do there
     * @param quota       the most it may hold
     * @param usage       what it holds now, shared with every other view of the same storage;
     *                    null when it has no quota
     */
    public record Mount(VirtualPath path, Storage storage, Set<Permission> permissions, Quota quota,
            QuotaCounter usage) {
        public Mount {
            permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
            if (quota.limited() && usage == null) {
                throw new IllegalArgumentException("a mount with a quota needs its usage");
            }
        }

        /** A mount without a quota. */
        public Mount(VirtualPath path, Storage storage, Set<Permission> permissions) {
            this(path, storage, permissions, Quota.NONE, null);
        }

        /** A mount that allows everything, or only listing and reading. */
        public Mount(VirtualPath path, Storage storage, boolean writable) {
            this(path, storage, writable ? Permission.all() : Permission.readOnly());
        }

        public boolean writable() {
            return permissions.contains(Permission.WRITE);
        }
    }

    /** A path split into the mount that holds it and the path inside that mount. */
    public record Location(Mount mount, VirtualPath inner) {}

    private final List<Mount> mounts;

    /** @param mounts one of which must be at "/" */
    public VirtualFileSystem(List<Mount> mounts) {
        if (mounts.stream().noneMatch(mount -> mount.path().isRoot())) {
            throw new IllegalArgumentException("a view needs a mount at /");
        }
        this.mounts = mounts.stream()
                .sorted(Comparator.comparingInt((Mount mount) -> mount.path().segments().size()).reversed())
                .toList();
    }

    /** The deepest mount that holds {@code path}. */
    public Location locate(VirtualPath path) {
        for (Mount mount : mounts) {
            if (path.startsWith(mount.path())) {
                return new Location(mount, path.relativeTo(mount.path()));
            }
        }
        throw new IllegalStateException("no mount at /");
    }

    public Optional<FileEntry> stat(VirtualPath path) throws IOException {
        Location location = locate(path);
        return location.mount().storage().stat(location.inner()).map(entry -> entry.withName(path.name()));
    }

    /**
     * The entries of a folder, with the mounts directly below it shown as folders, and without
     * the files of uploads in progress ({@link UploadNames}).
     */
    public DirectoryStream<FileEntry> list(VirtualPath folder) throws IOException {
        Location location = allowed(folder, Permission.LIST);
        List<FileEntry> mountPoints = mountPoints(folder);
        DirectoryStream<FileEntry> entries = location.mount().storage().list(location.inner());
        return new Shown<>(entries, mountPoints, FileEntry::name);
    }

    /** The names of the entries {@link #list} shows, read without their attributes where the storage can. */
    public DirectoryStream<String> names(VirtualPath folder) throws IOException {
        Location location = allowed(folder, Permission.LIST);
        List<String> mountPoints = mountPoints(folder).stream().map(FileEntry::name).toList();
        DirectoryStream<String> names = location.mount().storage().names(location.inner());
        return new Shown<>(names, mountPoints, name -> name);
    }

    /** The mounts directly below {@code folder} whose folders exist, as entries of it. */
    private List<FileEntry> mountPoints(VirtualPath folder) throws IOException {
        List<FileEntry> mountPoints = new ArrayList<>();
        for (Mount mount : mounts) {
            if (!mount.path().isRoot() && mount.path().parent().equals(folder)) {
                mount.storage().stat(VirtualPath.ROOT)
                        .ifPresent(entry -> mountPoints.add(entry.withName(mount.path().name())));
            }
        }
        return mountPoints;
    }

    public SeekableByteChannel openRead(VirtualPath path) throws IOException {
        Location location = allowed(path, Permission.READ);
        return location.mount().storage().openRead(location.inner());
    }

    /** Creates or replaces a file, where the mount allows writing. */
    public SeekableByteChannel openWrite(VirtualPath path) throws IOException {
        return openWrite(path, WriteMode.REPLACE, 0);
    }

    /** Opens a file for writing as {@code mode} says, where the mount allows writing. */
    public SeekableByteChannel openWrite(VirtualPath path, WriteMode mode, long offset) throws IOException {
        Location location = changing(path, Permission.WRITE);
        return location.mount().storage().openWrite(location.inner(), mode, offset);
    }

    /**
     * Starts an upload to {@code path}, where the mount allows writing, as {@code policy} says:
     * a new file (STOR) goes to a hidden file until {@link Upload#commit}; a resumed one (REST +
     * STOR, APPE) continues the hidden file a cut {@link UploadPolicy#ATOMIC_RESUMABLE} upload
     * left, or else adds to the target itself, as adding to a file cannot be done beside it. On a
     * storage that {@linkplain Storage#writesWhole writes whole}, every upload goes to the target,
     * which changes only at commit, whatever the policy.
     *
     * @throws UploadRunningException when another upload writes the same kept file now
     */
    public Upload startUpload(VirtualPath path, UploadPolicy policy, WriteMode mode, long offset) throws IOException {
        Location location = changing(path, Permission.WRITE);
        Storage storage = location.mount().storage();
        VirtualPath target = location.inner();
        long targetSize = storage.stat(target).filter(FileEntry::isFile).map(FileEntry::size).orElse(-1L);
        // The room is taken before a channel opens, so that a quota that refuses leaves no file
        // made, emptied or half-written behind; it is given back when the upload cannot start.
        QuotaRoom room = room(location.mount(), path, targetSize >= 0).reserved();
        try {
            return startUpload(storage, target, targetSize, room, policy, mode, offset);
        } catch (IOException | RuntimeException e) {
            room.release();
            throw e;
        }
    }

    private Upload startUpload(Storage storage, VirtualPath target, long targetSize, QuotaRoom room,
            UploadPolicy policy, WriteMode mode, long offset) throws IOException {
        if (storage.writesWhole()) {
            AtomicChannel whole = (AtomicChannel) storage.openWrite(target, mode, offset);
            return Upload.whole(storage, target, room.limit(whole, Math.max(targetSize, 0)), whole);
        }
        if (policy == UploadPolicy.ATOMIC && mode == WriteMode.REPLACE) {
            VirtualPath temporary = target.parent().child(UploadNames.temporary());
            return new Upload(storage, target, temporary, Upload.Kind.TEMPORARY,
                    room.limit(storage.openWrite(temporary, WriteMode.CREATE_NEW, 0), Math.max(targetSize, 0)));
        }
        if (policy == UploadPolicy.ATOMIC_RESUMABLE) {
            VirtualPath partial = target.parent().child(UploadNames.partialOf(target.name()));
            Optional<FileEntry> kept = storage.stat(partial);
            if (mode == WriteMode.REPLACE || kept.isPresent()) {
                long replaced = kept.map(FileEntry::size).orElse(0L)
                        + (mode == WriteMode.REPLACE ? Math.max(targetSize, 0) : 0);
                return new Upload(storage, target, partial, Upload.Kind.KEPT,
                        room.limit(openPartial(storage, partial, mode, offset), replaced));
            }
        }
        return new Upload(storage, target, target, policy == UploadPolicy.DIRECT ? Upload.Kind.DIRECT
                : Upload.Kind.IN_PLACE, room.limit(storage.openWrite(target, mode, offset), Math.max(targetSize, 0)));
    }

    /**
     * Refuses an upload to {@code path} at once when its mount is full: no byte left, or no file
     * left for a new one. A transfer checks this before its 150; {@link #startUpload} again.
     *
     * @throws QuotaExceededException when the mount's quota leaves no room
     */
    public void checkRoom(VirtualPath path) throws IOException {
        Location location = locate(path);
        boolean exists = location.mount().storage().stat(location.inner()).isPresent();
        room(location.mount(), path, exists);
    }

    /** The room a mount's quota leaves for one upload, after the checks that need no byte. */
    private static QuotaRoom room(Mount mount, VirtualPath path, boolean replacing) throws IOException {
        if (!mount.quota().limited()) {
            return QuotaRoom.UNLIMITED;
        }
        QuotaUsage.Use use = mount.usage().now();
        Quota quota = mount.quota();
        if (!replacing && use.files() >= quota.files()) {
            throw tooManyFiles(path, quota);
        }
        if (use.bytes() >= quota.bytes()) {
            throw new QuotaExceededException(path.toString(), "no more than " + quota.bytes() + " bytes");
        }
        return new QuotaRoom(mount, replacing, path);
    }

    private static QuotaExceededException tooManyFiles(VirtualPath path, Quota quota) {
        return new QuotaExceededException(path.toString(), "no more than " + quota.files() + " files");
    }

    /**
     * Where an upload's room comes from: the mount's counter, which its channel reserves in as
     * bytes arrive, beyond whatever the files it replaces take now.
     *
     * @param reservation the upload's reservation, once {@link #reserved} took it; null before,
     *                    and for a mount without a quota
     */
    private record QuotaRoom(Mount mount, boolean replacing, VirtualPath path,
            QuotaCounter.Reservation reservation) {
        static final QuotaRoom UNLIMITED = new QuotaRoom(null, true, VirtualPath.ROOT, null);

        QuotaRoom(Mount mount, boolean replacing, VirtualPath path) {
            this(mount, replacing, path, null);
        }

        /** This room with the upload's reservation taken: its new file, if any, is held. */
        QuotaRoom reserved() throws IOException {
            if (mount == null) {
                return this;
            }
            Optional<QuotaCounter.Reservation> taken = mount.usage().reserve(mount.quota(), replacing ? 0 : 1);
            return new QuotaRoom(mount, replacing, path, taken.orElseThrow(() -> tooManyFiles(path, mount.quota())));
        }

        /** Gives the reservation back, as when the upload could not start. */
        void release() {
            if (reservation != null) {
                reservation.release();
            }
        }

        /** {@code channel}, limited to the room the quota leaves. */
        SeekableByteChannel limit(SeekableByteChannel channel, long replaced) {
            if (reservation == null) {
                return channel;
            }
            return new QuotaChannel(channel, reservation, replaced, replacing ? 0 : 1, path);
        }
    }

    /**
     * Opens a kept upload without emptying it first, locks it, so that no two sessions write it
     * at once, and only then cuts it to where {@code mode} starts.
     */
    private static SeekableByteChannel openPartial(Storage storage, VirtualPath partial, WriteMode mode, long offset)
            throws IOException {
        SeekableByteChannel channel = storage.openWrite(partial, WriteMode.APPEND, 0);
        try {
            if (channel instanceof FileChannel file && !locked(file)) {
                throw new UploadRunningException(partial.toString());
            }
            switch (mode) {
                case REPLACE -> channel.truncate(0);
                case RESUME -> {
                    if (channel.size() < offset) {
                        throw new java.io.EOFException("the kept upload is shorter than the restart offset");
                    }
                    channel.truncate(offset);
                }
                default -> { }
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Takes the lock of a whole file, which lasts as long as its channel is open. */
    private static boolean locked(FileChannel file) throws IOException {
        try {
            return file.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }

    /**
     * The size of the upload a cut {@link UploadPolicy#ATOMIC_RESUMABLE} STOR of {@code path}
     * kept, which a resume continues: what SIZE tells a client that is about to resume.
     */
    public Optional<Long> keptUploadSize(VirtualPath path) throws IOException {
        Location location = locate(path);
        if (location.inner().isRoot()) {
            return Optional.empty();
        }
        VirtualPath partial = location.inner().parent().child(UploadNames.partialOf(location.inner().name()));
        return location.mount().storage().stat(partial).filter(FileEntry::isFile).map(FileEntry::size);
    }

    public void createFolder(VirtualPath path) throws IOException {
        Location location = changing(path, Permission.MKDIR);
        location.mount().storage().createFolder(location.inner());
    }

    public void deleteFile(VirtualPath path) throws IOException {
        Location location = changing(path, Permission.DELETE);
        Storage storage = location.mount().storage();
        Optional<FileEntry> entry = location.mount().quota().limited() ? storage.stat(location.inner()) : Optional.empty();
        storage.deleteFile(location.inner());
        if (entry.isPresent() && entry.get().isFile()) {
            location.mount().usage().add(-entry.get().size(), -1);
        }
    }

    public void deleteFolder(VirtualPath path) throws IOException {
        Location location = changing(path, Permission.DELETE);
        location.mount().storage().deleteFolder(location.inner());
    }

    /**
     * Renames within a mount. Between mounts a file is copied and the original deleted; a folder
     * cannot be moved between mounts.
     */
    public void rename(VirtualPath from, VirtualPath to) throws IOException {
        Location source = changing(from, Permission.RENAME);
        Location target = changing(to, Permission.RENAME);
        if (source.mount().equals(target.mount())) {
            source.mount().storage().rename(source.inner(), target.inner());
            return;
        }
        FileEntry entry = source.mount().storage().stat(source.inner())
                .orElseThrow(() -> new NoSuchFileException(from.toString()));
        if (!entry.isFile()) {
            throw new FileSystemException(from.toString(), to.toString(), "Cross-device link");
        }
        Mount into = target.mount();
        QuotaCounter.Reservation room = into.quota().limited() ? roomFor(into, entry.size(), to) : null;
        try {
            try (SeekableByteChannel in = source.mount().storage().openRead(source.inner());
                    SeekableByteChannel out = target.mount().storage().openWrite(target.inner())) {
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                while (in.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    buffer.clear();
                }
            }
            if (room != null) {
                room.commit(entry.size(), 1);
            }
        } finally {
            if (room != null) {
                room.release();
            }
        }
        source.mount().storage().deleteFile(source.inner());
        if (source.mount().quota().limited()) {
            source.mount().usage().add(-entry.size(), -1);
        }
    }

    /** Room for a file of {@code size} bytes moved into {@code into}, or the reason there is none. */
    private static QuotaCounter.Reservation roomFor(Mount into, long size, VirtualPath to) throws IOException {
        Optional<QuotaCounter.Reservation> room = into.usage().reserve(into.quota(), 1);
        boolean fits = false;
        try {
            fits = room.isPresent() && room.get().grow(size);
        } finally {
            if (!fits) {
                room.ifPresent(QuotaCounter.Reservation::release);
            }
        }
        if (!fits) {
            throw new QuotaExceededException(to.toString(), "the file does not fit in " + into.path());
        }
        return room.get();
    }

    /** The mounts of this view, the deepest first. */
    public List<Mount> mounts() {
        return mounts;
    }

    public void setModified(VirtualPath path, Instant time) throws IOException {
        Location location = changing(path, Permission.WRITE);
        location.mount().storage().setModified(location.inner(), time);
    }

    public void setMode(VirtualPath path, int mode) throws IOException {
        Location location = changing(path, Permission.WRITE);
        location.mount().storage().setMode(location.inner(), mode);
    }

    /** What the user may do at {@code path}: the permissions of the mount that holds it. */
    public Set<Permission> permissions(VirtualPath path) {
        return locate(path).mount().permissions();
    }

    /** The location of {@code path}, when its mount allows {@code needed}. */
    private Location allowed(VirtualPath path, Permission needed) throws AccessDeniedException {
        Location location = locate(path);
        if (!location.mount().permissions().contains(needed)) {
            throw new AccessDeniedException(path.toString());
        }
        return location;
    }

    /** The location of an entry that is about to change: a mount point itself never does. */
    private Location changing(VirtualPath path, Permission needed) throws AccessDeniedException {
        Location location = allowed(path, needed);
        if (location.inner().isRoot()) {
            throw new AccessDeniedException(path.toString());
        }
        return location;
    }

    /** Whether files may be written in the folder {@code path}. */
    public boolean isWritable(VirtualPath path) {
        return locate(path).mount().writable();
    }

    /**
     * The mount of each entry of {@code folder}, by the entry's name: the folder's own, but a
     * mount point's own for a mount directly below it. A listing asks this for every entry, so
     * it is worked out once per folder rather than by {@link #locate} for each child.
     */
    public Function<String, Mount> childMounts(VirtualPath folder) {
        Mount own = locate(folder).mount();
        Map<String, Mount> below = new HashMap<>();
        for (Mount mount : mounts) {
            if (!mount.path().isRoot() && mount.path().parent().equals(folder)) {
                below.put(mount.path().name(), mount);
            }
        }
        return below.isEmpty() ? name -> own : name -> below.getOrDefault(name, own);
    }

    /**
     * A folder's own entries, less the files of uploads in progress and any entry a mount hides,
     * followed by the mount points.
     */
    private static final class Shown<T> implements DirectoryStream<T> {
        private final DirectoryStream<T> entries;
        private final List<T> mountPoints;
        private final Function<T, String> name;
        private final Set<String> hidden;

        Shown(DirectoryStream<T> entries, List<T> mountPoints, Function<T, String> name) {
            this.entries = entries;
            this.mountPoints = mountPoints;
            this.name = name;
            this.hidden = mountPoints.stream().map(name).collect(Collectors.toSet());
        }

        @Override
        public Iterator<T> iterator() {
            Iterator<T> own = entries.iterator();
            Iterator<T> mounted = mountPoints.iterator();
            return new Iterator<>() {
                private T next;

                @Override
                public boolean hasNext() {
                    while (next == null && own.hasNext()) {
                        T entry = own.next();
                        String entryName = name.apply(entry);
                        next = hidden.contains(entryName) || UploadNames.isReserved(entryName) ? null : entry;
                    }
                    if (next == null && mounted.hasNext()) {
                        next = mounted.next();
                    }
                    return next != null;
                }

                @Override
                public T next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    T entry = next;
                    next = null;
                    return entry;
                }
            };
        }

        @Override
        public void close() throws IOException {
            entries.close();
        }
    }
}

package dev.loomftp.storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the entries of a folder with Linux's {@code getdents64(2)}, called through the FFM API,
 * which gives each entry's type with its name. A listing of names then needs no {@code stat} for
 * an entry that is not a symbolic link: the JDK's directory streams give names only, and one stat
 * an entry was most of the time of a large NLST (about 3 µs each on a virtual machine, against
 * half a µs an entry for reading the folder). A listing that needs the attributes reads them with
 * {@code statx(2)} relative to the open folder, from the name where getdents64 left it: the JDK's
 * way to the same system call (a path object, a native copy of its name, an attributes object, a
 * set of permissions and a file key taken apart as text) cost as much again as the call itself.
 *
 * <p>{@link #linux()} is present on 64-bit Linux on x86-64 or AArch64 whose C library exports
 * {@code getdents64} (glibc 2.30 and later); elsewhere callers use the JDK's streams.
 *
 * <p>A {@link Folder} is read by one thread at a time, not necessarily the one that opened it, and
 * closed after the reading is over (a listing's transfer ends before its folder is closed). Its system calls hold a virtual thread's carrier while
 * they run (the JDK's own file calls let the scheduler add a carrier meanwhile; a downcall cannot):
 * on a local file system that is microseconds, but a network file system that hangs would hold
 * carriers as long.
 */
final class NativeDirectory {
    /** {@code d_type} of an entry whose type the file system does not give: it must be asked. */
    static final byte TYPE_UNKNOWN = 0;
    /** {@code d_type} of a symbolic link. */
    static final byte TYPE_LINK = 10;

    // open(2) flags, the same on x86-64 and AArch64. O_NONBLOCK: a folder swapped for a FIFO
    // after it was checked must not block the session in open.
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int EINTR = 4;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** STATX_TYPE, MODE, NLINK, UID, GID, ATIME, MTIME, CTIME, INO, SIZE, BLOCKS. */
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int BUFFER_SIZE = 32 * 1024;

    // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), then d_name, ended by NUL.
    private static final long RECORD_LENGTH = 16;
    private static final long TYPE = 18;
    private static final long NAME = 19;

    // struct statx, the same on every architecture.
    private static final long STATX_SIZE = 256;
    private static final long STX_MODE = 28;
    private static final long STX_INO = 32;
    private static final long STX_SIZE = 40;
    private static final long STX_MTIME = 112;
    private static final long STX_DEV_MAJOR = 136;
    private static final long STX_DEV_MINOR = 140;

    private static final Optional<NativeDirectory> LINUX = load();

    /** The C library's functions this reader calls. */
    private record Calls(MethodHandle open, MethodHandle getdents, MethodHandle close, MethodHandle statx,
            MethodHandle malloc, MethodHandle free) {}

    private final Calls calls;
    private final StructLayout callState;
    private final VarHandle errno;
    /** How the JDK turns file names into text and back on this system. */
    private final Charset names;

    private NativeDirectory(Calls calls, StructLayout callState, Charset names) {
        this.calls = calls;
        this.callState = callState;
        this.errno = callState.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        this.names = names;
    }

    /** The reader, where this system has what it needs. */
    static Optional<NativeDirectory> linux() {
        return LINUX;
    }

    @SuppressWarnings("restricted") // the calls' signatures are those of the C library's declarations
    private static Optional<NativeDirectory> load() {
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).equals("linux")
                || !(arch.equals("amd64") || arch.equals("aarch64")) || ValueLayout.ADDRESS.byteSize() != 8) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT),
                    errno, Linker.Option.firstVariadicArg(2));
            MethodHandle getdents = linker.downcallHandle(libc.find("getdents64").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG),
                    errno);
            MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle statx = linker.downcallHandle(libc.find("statx").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle malloc = linker.downcallHandle(libc.find("malloc").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            MethodHandle free = linker.downcallHandle(libc.find("free").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
            String encoding = System.getProperty("sun.jnu.encoding", "UTF-8");
            Charset names = Charset.isSupported(encoding) ? Charset.forName(encoding) : StandardCharsets.UTF_8;
            return Optional.of(new NativeDirectory(new Calls(open, getdents, close, statx, malloc, free),
                    Linker.Option.captureStateLayout(), names));
        } catch (RuntimeException | LinkageError unavailable) {
            // No such symbol, or native access refused: the JDK's streams do the work instead.
            return Optional.empty();
        }
    }

    /**
     * Opens {@code folder} for reading.
     *
     * @throws IOException when it cannot be opened here; the caller may still try the JDK's way
     */
    Folder open(Path folder) throws IOException {
        MemorySegment memory = allocate();
        MemorySegment state = memory.asSlice(BUFFER_SIZE + STATX_SIZE, callState.byteSize());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(folder.toString(), names);
            int fd;
            do {
                fd = (int) calls.open().invokeExact(state, path, O_NONBLOCK | O_CLOEXEC, 0);
            } while (fd < 0 && errno(state) == EINTR);
            if (fd < 0) {
                throw new IOException("open failed: errno " + errno(state));
            }
            return new Folder(memory, state, fd);
        } catch (IOException | RuntimeException | Error e) {
            free(memory);
            throw e;
        } catch (Throwable impossible) {
            free(memory);
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * A folder's memory: the entries' buffer, one entry's attributes and errno. From malloc, not
     * an arena: the folder is opened on the session's thread and read on the transfer's, which
     * takes a shared arena, and closing one stops every thread of the process for a moment
     * (40 to 130 µs here, for every listing).
     */
    @SuppressWarnings("restricted") // malloc's block is that long
    private MemorySegment allocate() {
        long size = BUFFER_SIZE + STATX_SIZE + callState.byteSize();
        MemorySegment memory;
        try {
            memory = (MemorySegment) calls.malloc().invokeExact(size);
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
        if (memory.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("no native memory for reading a folder");
        }
        return memory.reinterpret(size);
    }

    private void free(MemorySegment memory) {
        try {
            calls.free().invokeExact(memory);
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private int errno(MemorySegment state) {
        return (int) errno.get(state, 0L);
    }

    /** An open folder, read entry by entry; see {@link #next()}. */
    final class Folder implements AutoCloseable {
        private final MemorySegment memory;
        private final MemorySegment state;
        private final MemorySegment buffer;
        private final MemorySegment attributes;
        /** Where a name is copied to be decoded: 255 bytes at most (NAME_MAX), a NUL and padding. */
        private final byte[] name = new byte[288];
        private final int fd;
        private long filled;
        private long at;
        private long current;
        private byte type;
        private boolean closed;

        private Folder(MemorySegment memory, MemorySegment state, int fd) {
            this.memory = memory;
            this.state = state;
            this.buffer = memory.asSlice(0, BUFFER_SIZE);
            this.attributes = memory.asSlice(BUFFER_SIZE, STATX_SIZE);
            this.fd = fd;
        }

        /**
         * The next entry's name, other than "." and ".."; null at the end. Its type is then
         * {@link #type()}.
         *
         * @throws IOException when the folder cannot be read (it is not a folder, say)
         */
        String next() throws IOException {
            // Its memory is freed when it is closed: a folder closed early has no more entries.
            if (closed) {
                return null;
            }
            while (true) {
                if (at >= filled && !fill()) {
                    return null;
                }
                long record = at;
                at += Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, record + RECORD_LENGTH));
                String name = name(record, at);
                if (!name.equals(".") && !name.equals("..")) {
                    current = record;
                    type = buffer.get(ValueLayout.JAVA_BYTE, record + TYPE);
                    return name;
                }
            }
        }

        /**
         * The name of the record from {@code record} to {@code end}: its bytes up to the first NUL.
         * The record is copied whole and searched as an array, which is quicker than reading the
         * segment byte by byte as {@link MemorySegment#getString} does. (The padding after the NUL
         * is not cleared by the kernel: the name cannot be found from the end.)
         */
        private String name(long record, long end) {
            int room = (int) (end - (record + NAME));
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, record + NAME, name, 0, room);
            int length = 0;
            while (length < room && name[length] != 0) {
                length++;
            }
            return new String(name, 0, length, names);
        }

        /** The {@code d_type} of the entry {@link #next()} returned last. */
        byte type() {
            return type;
        }

        /**
         * The entry {@link #next()} returned last, as {@code name}, from its own attributes (a
         * link's, not its target's); null when it is a link, or gone.
         */
        FileEntry entry(String name) {
            if (closed) {
                return null;
            }
            int result;
            try {
                result = (int) calls.statx().invokeExact(fd, buffer.asSlice(current + NAME), AT_SYMLINK_NOFOLLOW,
                        STATX_BASIC_STATS, attributes);
            } catch (Throwable impossible) {
                throw new IllegalStateException(impossible);
            }
            int mode = Short.toUnsignedInt(attributes.get(ValueLayout.JAVA_SHORT, STX_MODE));
            if (result != 0 || (mode & S_IFMT) == S_IFLNK) {
                return null;
            }
            FileEntry.Kind kind = switch (mode & S_IFMT) {
                case S_IFDIR -> FileEntry.Kind.DIRECTORY;
                case S_IFREG -> FileEntry.Kind.FILE;
                default -> FileEntry.Kind.OTHER;
            };
            Instant modified = Instant.ofEpochSecond(attributes.get(ValueLayout.JAVA_LONG, STX_MTIME),
                    Integer.toUnsignedLong(attributes.get(ValueLayout.JAVA_INT, STX_MTIME + 8)));
            return new FileEntry(name, kind, attributes.get(ValueLayout.JAVA_LONG, STX_SIZE), modified, mode & 0777,
                    unique());
        }

        /**
         * The "unique" fact as {@link LocalStorage} makes it from the JDK's file key: the device in
         * hex (as glibc's makedev packs major and minor), "U", the inode.
         */
        private String unique() {
            long major = Integer.toUnsignedLong(attributes.get(ValueLayout.JAVA_INT, STX_DEV_MAJOR));
            long minor = Integer.toUnsignedLong(attributes.get(ValueLayout.JAVA_INT, STX_DEV_MINOR));
            long dev = (major & 0xfffL) << 8 | (major & 0xfffff000L) << 32 | (minor & 0xffL)
                    | (minor & 0xffffff00L) << 12;
            return Long.toHexString(dev) + "U" + attributes.get(ValueLayout.JAVA_LONG, STX_INO);
        }

        private boolean fill() throws IOException {
            long read;
            try {
                do {
                    read = (long) calls.getdents().invokeExact(state, fd, buffer, buffer.byteSize());
                } while (read < 0 && errno(state) == EINTR);
            } catch (Throwable impossible) {
                throw new IllegalStateException(impossible);
            }
            if (read < 0) {
                throw new IOException("getdents64 failed: errno " + errno(state));
            }
            filled = read;
            at = 0;
            return read > 0;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                int ignored = (int) calls.close().invokeExact(fd);
            } catch (Throwable impossible) {
                throw new IllegalStateException(impossible);
            } finally {
                free(memory);
            }
        }
    }
}

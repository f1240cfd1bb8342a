package dev.loomftp.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A home at "/", a read-only "/Public" and a writable drop box "/Public/drop" inside it. */
class VirtualFileSystemTest {
    private static final Instant PUBLIC_TIME = Instant.parse("2024-05-01T10:00:00Z");

    @TempDir
    Path tmp;

    private VirtualFileSystem.Mount home;
    private VirtualFileSystem.Mount publicMount;
    private VirtualFileSystem.Mount drop;
    private VirtualFileSystem files;

    @BeforeEach
    void mount() throws IOException, InvalidPathException {
        Files.createDirectories(tmp.resolve("home/docs"));
        Files.writeString(tmp.resolve("home/notes.txt"), "my notes");
        Files.createDirectories(tmp.resolve("home/Public"));
        Files.writeString(tmp.resolve("home/Public/shadowed.txt"), "hidden by the mount");
        Files.createDirectories(tmp.resolve("public/sub"));
        Files.writeString(tmp.resolve("public/readme.txt"), "shared");
        Files.setLastModifiedTime(tmp.resolve("public"), FileTime.from(PUBLIC_TIME));

        home = new VirtualFileSystem.Mount(VirtualPath.ROOT, new LocalStorage(tmp.resolve("home")), true);
        publicMount = new VirtualFileSystem.Mount(path("/Public"), new LocalStorage(tmp.resolve("public")), false);
        drop = new VirtualFileSystem.Mount(path("/Public/drop"), new LocalStorage(tmp.resolve("drop")), true);
        files = new VirtualFileSystem(List.of(home, publicMount, drop));
    }

    private static VirtualPath path(String text) throws InvalidPathException {
        return VirtualPath.resolve(VirtualPath.ROOT, text);
    }

    private Map<String, FileEntry> listing(String folder) throws IOException, InvalidPathException {
        Map<String, FileEntry> entries = new TreeMap<>();
        try (DirectoryStream<FileEntry> stream = files.list(path(folder))) {
            for (FileEntry entry : stream) {
                assertNull(entries.put(entry.name(), entry), () -> "listed twice: " + entry.name());
            }
        }
        return entries;
    }

    private static String read(SeekableByteChannel channel) throws IOException {
        try (channel) {
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void needsAMountAtTheRoot() throws InvalidPathException {
        List<VirtualFileSystem.Mount> withoutRoot = List.of(publicMount, drop);

        assertThrows(IllegalArgumentException.class, () -> new VirtualFileSystem(withoutRoot));
        assertThrows(IllegalArgumentException.class, () -> new VirtualFileSystem(List.of()));
    }

    @ParameterizedTest(name = "{0} is {2} in {1}")
    @CsvSource(delimiter = '|', value = {
        "/                  | /            | /",
        "/notes.txt         | /            | /notes.txt",
        "/docs/a/b          | /            | /docs/a/b",
        "/Public            | /Public      | /",
        "/Public/readme.txt | /Public      | /readme.txt",
        "/Public/sub/x      | /Public      | /sub/x",
        "/Public/drop       | /Public/drop | /",
        "/Public/drop/up/f  | /Public/drop | /up/f",
        "/Publicity         | /            | /Publicity",
        "/Public/dropbox    | /Public      | /dropbox",
        "/public            | /            | /public",
    })
    void locatesTheDeepestMountWhateverTheOrderGiven(String path, String mount, String inner) throws InvalidPathException {
        List<VirtualFileSystem.Mount> reversed = List.of(drop, publicMount, home);

        for (VirtualFileSystem view : List.of(files, new VirtualFileSystem(reversed))) {
            VirtualFileSystem.Location location = view.locate(path(path));

            assertEquals(path(mount), location.mount().path());
            assertEquals(path(inner), location.inner());
        }
    }

    @Test
    void statNamesEntriesByTheirPathInTheView() throws IOException, InvalidPathException {
        assertEquals("/", files.stat(VirtualPath.ROOT).orElseThrow().name());
        assertEquals("readme.txt", files.stat(path("/Public/readme.txt")).orElseThrow().name());
        assertEquals(6, files.stat(path("/Public/readme.txt")).orElseThrow().size());
        assertTrue(files.stat(path("/Public/missing")).isEmpty());
    }

    @Test
    void statOfAMountPointDescribesTheMountedRoot() throws IOException, InvalidPathException {
        FileEntry entry = files.stat(path("/Public")).orElseThrow();

        assertEquals("Public", entry.name());
        assertTrue(entry.isDirectory());
        assertEquals(PUBLIC_TIME, entry.modified());
    }

    @Test
    void mountPointsAreListedAsFoldersInTheirParent() throws IOException, InvalidPathException {
        Map<String, FileEntry> root = listing("/");
        Map<String, FileEntry> inPublic = listing("/Public");

        assertEquals(List.of("Public", "docs", "notes.txt"), List.copyOf(root.keySet()));
        assertEquals(PUBLIC_TIME, root.get("Public").modified(), "the mount, not the folder it hides");
        assertEquals(List.of("drop", "readme.txt", "sub"), List.copyOf(inPublic.keySet()));
        assertTrue(inPublic.get("drop").isDirectory());
    }

    @Test
    void foldersWithoutMountsBelowListOnlyTheirOwnEntries() throws IOException, InvalidPathException {
        assertEquals(Map.of(), listing("/docs"));
        assertEquals(Map.of(), listing("/Public/sub"));
        assertEquals(Map.of(), listing("/Public/drop"));
    }

    @Test
    void aMountHidesWhatItIsMountedOver() throws IOException, InvalidPathException {
        assertTrue(files.stat(path("/Public/shadowed.txt")).isEmpty());
        assertEquals("shared", read(files.openRead(path("/Public/readme.txt"))));
        assertEquals("my notes", read(files.openRead(path("/notes.txt"))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/new.txt             | home/new.txt",
        "/docs/new.txt        | home/docs/new.txt",
        "/Public/drop/new.txt | drop/new.txt",
    })
    void writesWhereTheMountAllows(String path, String real) throws IOException, InvalidPathException {
        try (SeekableByteChannel channel = files.openWrite(path(path))) {
            channel.write(ByteBuffer.wrap("written".getBytes(StandardCharsets.UTF_8)));
        }

        assertEquals("written", Files.readString(tmp.resolve(real)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/Public/new.txt", "/Public/readme.txt", "/Public/sub/new.txt", "/Public", "/Public/drop", "/"})
    void refusesToWriteInReadOnlyMountsAndOverMountPoints(String text) throws IOException, InvalidPathException {
        VirtualPath path = path(text);

        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> files.openWrite(path));

        assertEquals(text, e.getFile(), "the error names the path in the view, never a real path");
        assertEquals("shared", Files.readString(tmp.resolve("public/readme.txt")));
        assertFalse(Files.exists(tmp.resolve("public/new.txt")));
        assertFalse(Files.exists(tmp.resolve("public/sub/new.txt")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/              | true",
        "/docs          | true",
        "/Public        | false",
        "/Public/sub    | false",
        "/Public/drop   | true",
        "/Public/drop/a | true",
        "/Publicity     | true",
    })
    void folderIsWritableWhereItsMountIs(String folder, boolean writable) throws InvalidPathException {
        assertEquals(writable, files.isWritable(path(folder)));
    }
}

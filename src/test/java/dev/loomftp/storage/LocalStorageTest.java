package dev.loomftp.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs against a root folder next to a canary folder that no operation may reach. Links inside
 * the root point at the canary; only canaries made here are ever aimed at.
 */
class LocalStorageTest {
    private static final String CANARY_TEXT = "canary: must never be read or changed";

    @TempDir
    Path tmp;

    private Path root;
    private Path canary;
    private Path canaryFile;
    private LocalStorage storage;

    @BeforeEach
    void createRootAndCanary() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        canary = Files.createDirectories(tmp.resolve("outside-canary"));
        canaryFile = Files.writeString(canary.resolve("secret.txt"), CANARY_TEXT);

        Files.writeString(root.resolve("hello.txt"), "hello");
        Files.createDirectories(root.resolve("docs/inner"));
        Files.writeString(root.resolve("docs/readme.md"), "readme");
        Files.createSymbolicLink(root.resolve("link-to-hello"), Path.of("hello.txt"));
        Files.createSymbolicLink(root.resolve("link-to-docs"), root.resolve("docs"));

        Files.createSymbolicLink(root.resolve("to-canary-folder"), canary);
        Files.createSymbolicLink(root.resolve("to-canary-file"), canaryFile);
        Files.createSymbolicLink(root.resolve("docs/up-and-out"), Path.of("../../outside-canary"));
        Files.createSymbolicLink(root.resolve("chain"), Path.of("to-canary-folder"));
        Files.createSymbolicLink(root.resolve("to-parent"), tmp);
        Files.createSymbolicLink(root.resolve("dangling"), canary.resolve("missing.txt"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));

        storage = new LocalStorage(root);
    }

    @AfterEach
    void canaryIsNeverTouched() throws IOException {
        assertEquals(CANARY_TEXT, Files.readString(canaryFile));
        try (Stream<Path> entries = Files.list(canary)) {
            assertEquals(List.of(canaryFile), entries.toList(), "nothing may be created outside the root");
        }
    }

    private static VirtualPath path(String text) throws InvalidPathException {
        return VirtualPath.resolve(VirtualPath.ROOT, text);
    }

    private static String read(SeekableByteChannel channel) throws IOException {
        try (channel) {
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void write(SeekableByteChannel channel, String text) throws IOException {
        try (channel) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private Map<String, FileEntry.Kind> listing(String folder) throws IOException, InvalidPathException {
        Map<String, FileEntry.Kind> kinds = new TreeMap<>();
        try (DirectoryStream<FileEntry> entries = storage.list(path(folder))) {
            entries.forEach(entry -> kinds.put(entry.name(), entry.kind()));
        }
        return kinds;
    }

    @Test
    void constructorCreatesAMissingRoot() throws IOException {
        Path missing = tmp.resolve("new/nested/root");

        new LocalStorage(missing);

        assertTrue(Files.isDirectory(missing));
    }

    @Test
    void statDescribesAFile() throws IOException, InvalidPathException {
        Path hello = root.resolve("hello.txt");
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rw-r-----"));

        FileEntry entry = storage.stat(path("/hello.txt")).orElseThrow();

        assertEquals(new FileEntry("hello.txt", FileEntry.Kind.FILE, 5,
                Files.getLastModifiedTime(hello).toInstant(), 0640, entry.unique()), entry);
        String fileKey = Files.readAttributes(hello, java.nio.file.attribute.BasicFileAttributes.class).fileKey()
                .toString();
        assertTrue(fileKey.contains("ino=" + entry.unique().substring(entry.unique().indexOf('U') + 1) + ")"),
                "the unique fact holds the inode: " + fileKey + " / " + entry.unique());
    }

    @Test
    void statDescribesTheRootAsAFolderNamedSlash() throws IOException {
        FileEntry entry = storage.stat(VirtualPath.ROOT).orElseThrow();

        assertEquals("/", entry.name());
        assertTrue(entry.isDirectory());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rwxrwxrwx | 777",
        "rw-r--r-- | 644",
        "rwxr-x--- | 750",
        "r-------- | 400",
        "--------- | 000",
        "-w--wx--x | 231",
    })
    void statReportsPermissionBitsAsMode(String permissions, String octal) throws IOException, InvalidPathException {
        Files.setPosixFilePermissions(root.resolve("docs"), PosixFilePermissions.fromString(permissions));

        assertEquals(Integer.parseInt(octal, 8), storage.stat(path("/docs")).orElseThrow().mode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/missing.txt", "/docs/missing", "/missing/deeper", "/dangling", "/hello.txt/x", "/loop"})
    void statOfNothingIsEmpty(String missing) throws IOException, InvalidPathException {
        assertTrue(storage.stat(path(missing)).isEmpty());
    }

    @Test
    void linksPointingInsideTheRootWork() throws IOException, InvalidPathException {
        FileEntry link = storage.stat(path("/link-to-hello")).orElseThrow();

        assertEquals(storage.stat(path("/hello.txt")).orElseThrow().withName("link-to-hello"), link);
        assertTrue(storage.stat(path("/link-to-docs")).orElseThrow().isDirectory());
        assertEquals("readme", read(storage.openRead(path("/link-to-docs/readme.md"))));
        assertEquals("hello", read(storage.openRead(path("/to-parent/root/hello.txt"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/to-canary-folder",
        "/to-canary-folder/secret.txt",
        "/to-canary-file",
        "/docs/up-and-out",
        "/docs/up-and-out/secret.txt",
        "/chain/secret.txt",
        "/to-parent",
        "/to-parent/outside-canary/secret.txt",
    })
    void accessThroughLinksLeadingOutIsDenied(String escaping) throws InvalidPathException {
        VirtualPath path = path(escaping);

        assertThrows(AccessDeniedException.class, () -> storage.stat(path));
        assertThrows(AccessDeniedException.class, () -> storage.openRead(path));
        assertThrows(AccessDeniedException.class, () -> storage.list(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dangling", "/loop", "/hello.txt/x", "/docs/readme.md/x/y"})
    void nothingThereCannotBeReadOrListed(String missing) throws InvalidPathException {
        VirtualPath path = path(missing);

        assertThrows(NoSuchFileException.class, () -> storage.openRead(path));
        assertThrows(NoSuchFileException.class, () -> storage.list(path));
    }

    @Test
    void listingShowsEntriesAndLinksInsideAndSkipsLinksLeadingOutOrNowhere() throws IOException, InvalidPathException {
        assertEquals(Map.of(
                "hello.txt", FileEntry.Kind.FILE,
                "docs", FileEntry.Kind.DIRECTORY,
                "link-to-hello", FileEntry.Kind.FILE,
                "link-to-docs", FileEntry.Kind.DIRECTORY), listing("/"));
        assertEquals(Map.of("inner", FileEntry.Kind.DIRECTORY, "readme.md", FileEntry.Kind.FILE), listing("/docs"));
        assertEquals(Map.of(), listing("/docs/inner"));
    }

    @Test
    void listedEntriesAreWhatStatGivesForEach() throws IOException, InvalidPathException {
        // The listing reads attributes its own way (statx relative to the folder, on Linux): it
        // must give the same entries, unique fact and all, as stat of each path.
        Files.setPosixFilePermissions(root.resolve("docs/readme.md"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(root.resolve("docs/inner"), PosixFilePermissions.fromString("rwx--x---"));
        for (String folder : List.of("/", "/docs")) {
            try (DirectoryStream<FileEntry> entries = storage.list(path(folder))) {
                for (FileEntry entry : entries) {
                    VirtualPath child = VirtualPath.resolve(path(folder), entry.name());
                    assertEquals(storage.stat(child).orElseThrow(), entry, child.toString());
                }
            }
        }
    }

    @Test
    void namesAreThoseTheListingShows() throws IOException, InvalidPathException {
        for (String folder : List.of("/", "/docs", "/docs/inner", "/link-to-docs")) {
            assertEquals(listing(folder).keySet(), names(folder), folder);
        }
        Files.delete(root.resolve("docs/inner"));
        assertThrows(NotDirectoryException.class, () -> storage.names(path("/hello.txt")));
        assertThrows(NoSuchFileException.class, () -> storage.names(path("/docs/inner")));
        assertThrows(AccessDeniedException.class, () -> storage.names(path("/to-canary-folder")));
    }

    @Test
    void namesOfALargeFolderAreAllThere() throws IOException, InvalidPathException {
        // More than one read of the native reader's buffer, names up to the longest allowed.
        Path large = Files.createDirectories(root.resolve("large"));
        java.util.Set<String> made = new java.util.TreeSet<>();
        for (int i = 0; i < 3000; i++) {
            String name = i + "-" + "n".repeat(i % 240) + (i % 7 == 0 ? "-\u00e9t\u00e9" : "");
            Files.createFile(large.resolve(name));
            made.add(name);
        }
        assertEquals(made, names("/large"));
    }

    private java.util.Set<String> names(String folder) throws IOException, InvalidPathException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (DirectoryStream<String> each = storage.names(path(folder))) {
            each.forEach(names::add);
        }
        return names;
    }

    @Test
    void listingEntriesCarryTheirSizes() throws IOException, InvalidPathException {
        try (DirectoryStream<FileEntry> entries = storage.list(path("/docs"))) {
            for (FileEntry entry : entries) {
                assertEquals(Files.size(root.resolve("docs").resolve(entry.name())), entry.size(), entry.name());
            }
        }
    }

    @Test
    void listingAFileOrNothingFails() throws InvalidPathException {
        VirtualPath file = path("/hello.txt");
        VirtualPath missing = path("/missing");

        assertThrows(NotDirectoryException.class, () -> storage.list(file));
        assertThrows(NoSuchFileException.class, () -> storage.list(missing));
    }

    @Test
    void openReadGivesAFileChannelOverTheContent() throws IOException, InvalidPathException {
        SeekableByteChannel channel = storage.openRead(path("/docs/readme.md"));

        assertInstanceOf(FileChannel.class, channel);
        assertEquals("readme", read(channel));
    }

    @Test
    void openReadOfNothingFails() throws InvalidPathException {
        VirtualPath missing = path("/docs/missing.txt");

        assertThrows(NoSuchFileException.class, () -> storage.openRead(missing));
    }

    @Test
    void openWriteCreatesANewFile() throws IOException, InvalidPathException {
        write(storage.openWrite(path("/docs/inner/new.txt")), "fresh");

        assertEquals("fresh", Files.readString(root.resolve("docs/inner/new.txt")));
    }

    @Test
    void openWriteTruncatesAnExistingFile() throws IOException, InvalidPathException {
        write(storage.openWrite(path("/hello.txt")), "hi");

        assertEquals("hi", Files.readString(root.resolve("hello.txt")));
    }

    @Test
    void openWriteThroughALinkInsideWritesItsTarget() throws IOException, InvalidPathException {
        write(storage.openWrite(path("/link-to-hello")), "via link");
        write(storage.openWrite(path("/link-to-docs/readme.md")), "via folder link");

        assertEquals("via link", Files.readString(root.resolve("hello.txt")));
        assertEquals("via folder link", Files.readString(root.resolve("docs/readme.md")));
        assertTrue(Files.isSymbolicLink(root.resolve("link-to-hello")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/to-canary-file                    | AccessDeniedException",
        "/to-canary-folder/secret.txt       | AccessDeniedException",
        "/to-canary-folder/new.txt          | AccessDeniedException",
        "/docs/up-and-out/secret.txt        | AccessDeniedException",
        "/docs/up-and-out/new.txt           | AccessDeniedException",
        "/chain/secret.txt                  | AccessDeniedException",
        "/to-parent/outside-canary/new.txt  | AccessDeniedException",
        "/dangling                          | NoSuchFileException",
    })
    void openWriteThroughALinkLeadingOutIsRefused(String escaping, String refusal) throws InvalidPathException {
        VirtualPath path = path(escaping);

        IOException e = assertThrows(IOException.class, () -> storage.openWrite(path));

        assertEquals(refusal, e.getClass().getSimpleName());
        assertFalse(Files.exists(canary.resolve("missing.txt")));
    }

    @Test
    void openWriteOfTheRootIsDenied() {
        assertThrows(AccessDeniedException.class, () -> storage.openWrite(VirtualPath.ROOT));
    }

    @Test
    void openWriteInAMissingFolderFails() throws InvalidPathException {
        VirtualPath path = path("/missing/new.txt");

        assertThrows(NoSuchFileException.class, () -> storage.openWrite(path));
        assertFalse(Files.exists(root.resolve("missing")));
    }

    @Test
    void openWriteOfAFolderFailsAndLeavesItAlone() throws InvalidPathException {
        VirtualPath folder = path("/docs");

        assertThrows(FileSystemException.class, () -> storage.openWrite(folder));
        assertTrue(Files.isRegularFile(root.resolve("docs/readme.md")));
    }

    @Test
    void rootReachedThroughALinkStillConfines() throws IOException, InvalidPathException {
        LocalStorage viaLink = new LocalStorage(Files.createSymbolicLink(tmp.resolve("root-link"), root));
        VirtualPath escaping = path("/to-canary-file");

        assertEquals("hello", read(viaLink.openRead(path("/link-to-hello"))));
        assertThrows(AccessDeniedException.class, () -> viaLink.openRead(escaping));
    }
}

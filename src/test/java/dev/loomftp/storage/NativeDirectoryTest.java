package dev.loomftp.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The native folder reader, where listings use it: on Linux the tests of LocalStorage cover it only if it loads. */
@EnabledOnOs(OS.LINUX)
class NativeDirectoryTest {
    @TempDir
    Path folder;

    @BeforeEach
    void onTheArchitecturesItServes() {
        String arch = System.getProperty("os.arch");
        assumeTrue(arch.equals("amd64") || arch.equals("aarch64"));
    }

    @Test
    void loadsOnLinux() {
        assertTrue(NativeDirectory.linux().isPresent(), "getdents64 and statx through the FFM API");
    }

    @Test
    void readsNamesAndTypesWithoutDotEntries() throws IOException {
        Files.createFile(folder.resolve("a.txt"));
        Files.createDirectory(folder.resolve("sub"));
        Files.createSymbolicLink(folder.resolve("link"), Path.of("a.txt"));
        Set<String> names = new TreeSet<>();
        try (NativeDirectory.Folder open = NativeDirectory.linux().orElseThrow().open(folder)) {
            for (String name; (name = open.next()) != null; ) {
                names.add(name);
                if (name.equals("link")) {
                    assertEquals(NativeDirectory.TYPE_LINK, open.type());
                    assertNull(open.entry(name), "a link's own attributes are not an entry");
                } else {
                    assertEquals(name.equals("sub"), open.entry(name).isDirectory(), name);
                }
            }
        }
        assertEquals(Set.of("a.txt", "link", "sub"), names);
    }

    @Test
    void aFileIsNoFolder() throws IOException {
        Path file = Files.createFile(folder.resolve("a.txt"));
        try (NativeDirectory.Folder open = NativeDirectory.linux().orElseThrow().open(file)) {
            assertThrows(IOException.class, open::next);
        }
        assertThrows(IOException.class, () -> NativeDirectory.linux().orElseThrow().open(folder.resolve("missing")));
    }

    @Test
    void aClosedFolderHasNoMoreEntries() throws IOException {
        Files.createFile(folder.resolve("a.txt"));
        NativeDirectory.Folder open = NativeDirectory.linux().orElseThrow().open(folder);
        open.close();
        open.close();
        assertNull(open.next());
    }

    @Test
    void manyFoldersOpenAndCloseWithoutLeaking() throws IOException {
        // Each holds a file descriptor and native memory until closed.
        for (int i = 0; i < 20_000; i++) {
            try (NativeDirectory.Folder open = NativeDirectory.linux().orElseThrow().open(folder)) {
                assertNull(open.next());
            }
        }
    }
}

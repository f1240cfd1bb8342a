package dev.loomftp.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualPathTest {
    private static final VirtualPath HOME_DOCS = path("home", "docs");

    private static VirtualPath path(String... segments) {
        return new VirtualPath(List.of(segments));
    }

    private static VirtualPath resolve(String cwd, String text) throws InvalidPathException {
        return VirtualPath.resolve(VirtualPath.resolve(VirtualPath.ROOT, cwd), text);
    }

    @ParameterizedTest(name = "cd {0}; {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "/          | a               | /a",
        "/home/docs | notes.txt       | /home/docs/notes.txt",
        "/home/docs | /etc/passwd     | /etc/passwd",
        "/home/docs | ..              | /home",
        "/home/docs | ../..           | /",
        "/home/docs | ../../..        | /",
        "/home/docs | /../..          | /",
        "/home/docs | /../../etc      | /etc",
        "/home/docs | a/../../..      | /",
        "/home/docs | a/b/../../..    | /home",
        "/home/docs | a/../../../../x | /x",
        "/          | ..              | /",
        "/          | ../../../etc    | /etc",
        "/home/docs | .               | /home/docs",
        "/home/docs | ./a/./b/.       | /home/docs/a/b",
        "/home/docs | ''              | /home/docs",
        "/home/docs | /               | /",
        "/home/docs | //              | /",
        "/home/docs | a//b///c        | /home/docs/a/b/c",
        "/home/docs | //srv//ftp      | /srv/ftp",
        "/home/docs | a/              | /home/docs/a",
        "/home/docs | a/b/            | /home/docs/a/b",
        "/home/docs | a\\..\\..\\b    | /home/docs/a\\..\\..\\b",
        "/home/docs | ...             | /home/docs/...",
        "/home/docs | .hidden         | /home/docs/.hidden",
        "/home/docs | ' spaced name ' | '/home/docs/ spaced name '",
        "/home/docs | Bjørn/日本       | /home/docs/Bjørn/日本",
    })
    void resolvesAgainstTheCurrentFolder(String cwd, String text, String expected) throws InvalidPathException {
        assertEquals(expected, resolve(cwd, text).toString());
    }

    @Test
    void backslashIsAnOrdinaryNameCharacter() throws InvalidPathException {
        VirtualPath path = VirtualPath.resolve(HOME_DOCS, "..\\..\\etc");

        assertEquals(List.of("home", "docs", "..\\..\\etc"), path.segments());
        assertEquals("..\\..\\etc", path.name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\0", "a\0b", "/etc/passwd\0.txt", "../\0", "\0/.."})
    void refusesNul(String text) {
        assertThrows(InvalidPathException.class, () -> VirtualPath.resolve(HOME_DOCS, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "/", "a\0"})
    void constructorRefusesSegmentsThatAreNotNames(String segment) {
        assertThrows(IllegalArgumentException.class, () -> path("a", segment));
        assertThrows(IllegalArgumentException.class, () -> HOME_DOCS.child(segment));
    }

    @Test
    void segmentsAreCopiedAndImmutable() {
        List<String> segments = new ArrayList<>(List.of("a", "b"));
        VirtualPath path = new VirtualPath(segments);
        segments.add("c");

        assertEquals(List.of("a", "b"), path.segments());
        assertThrows(UnsupportedOperationException.class, () -> path.segments().add("c"));
    }

    @Test
    void rootIsRootAndNothingElseIs() {
        assertTrue(VirtualPath.ROOT.isRoot());
        assertTrue(path().isRoot());
        assertFalse(path("a").isRoot());
        assertEquals(VirtualPath.ROOT, path());
    }

    @Test
    void rootsNameParentAndTextAreSlash() {
        assertEquals("/", VirtualPath.ROOT.name());
        assertEquals("/", VirtualPath.ROOT.toString());
        assertEquals(VirtualPath.ROOT, VirtualPath.ROOT.parent());
    }

    @Test
    void nameIsTheLastSegment() {
        assertEquals("docs", HOME_DOCS.name());
        assertEquals("home", HOME_DOCS.parent().name());
    }

    @Test
    void parentDropsTheLastSegment() {
        assertEquals(path("home"), HOME_DOCS.parent());
        assertEquals(VirtualPath.ROOT, HOME_DOCS.parent().parent());
    }

    @Test
    void childAddsOneSegmentAndParentUndoesIt() {
        VirtualPath child = HOME_DOCS.child("a b.txt");

        assertEquals("/home/docs/a b.txt", child.toString());
        assertEquals(HOME_DOCS, child.parent());
        assertEquals(path("x"), VirtualPath.ROOT.child("x"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/home/docs     | /home/docs | true",
        "/home/docs/a   | /home/docs | true",
        "/home/docs/a/b | /home      | true",
        "/home/docs     | /          | true",
        "/              | /          | true",
        "/home          | /home/docs | false",
        "/              | /home      | false",
        "/home/docsx    | /home/docs | false",
        "/home/doc      | /home/docs | false",
        "/other/docs    | /home/docs | false",
    })
    void startsWithComparesWholeSegments(String path, String prefix, boolean expected) throws InvalidPathException {
        assertEquals(expected, resolve("/", path).startsWith(resolve("/", prefix)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/home/docs/a/b | /home/docs | /a/b",
        "/home/docs     | /home/docs | /",
        "/home/docs     | /          | /home/docs",
        "/              | /          | /",
    })
    void relativeToDropsThePrefix(String path, String prefix, String expected) throws InvalidPathException {
        assertEquals(expected, resolve("/", path).relativeTo(resolve("/", prefix)).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/home/docsx", "/home", "/other"})
    void relativeToRefusesAPathNotUnderThePrefix(String path) throws InvalidPathException {
        VirtualPath notUnder = resolve("/", path);

        assertThrows(IllegalArgumentException.class, () -> notUnder.relativeTo(HOME_DOCS));
    }

    @Test
    void equalPathsAreEqual() throws InvalidPathException {
        assertEquals(HOME_DOCS, resolve("/", "home//docs/"));
        assertEquals(HOME_DOCS.hashCode(), resolve("/", "/x/../home/./docs").hashCode());
    }
}

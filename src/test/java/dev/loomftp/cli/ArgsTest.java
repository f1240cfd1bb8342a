package dev.loomftp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArgsTest {
    private static final Set<String> WITH_VALUE = Set.of("config", "port");
    private static final Set<String> FLAGS = Set.of("password-stdin");

    @Test
    void readsOptionsWithSeparateOrJoinedValuesAndFlagsAmongPositionals() throws UsageException {
        Args args = parse("add", "--config", "a.json", "alice", "--port=21", "--password-stdin");

        assertEquals(List.of("add", "alice"), args.positionals());
        assertEquals(Optional.of("a.json"), args.value("config"));
        assertEquals(Optional.of(21), args.intValue("port", 0, 65_535));
        assertTrue(args.flag("password-stdin"));
    }

    @Test
    void absentOptionsAreEmpty() throws UsageException {
        Args args = parse("list");

        assertEquals(Optional.empty(), args.value("config"));
        assertEquals(Optional.empty(), args.intValue("port", 0, 65_535));
        assertEquals(Optional.empty(), args.pathValue("config"));
        assertFalse(args.flag("password-stdin"));
    }

    @Test
    void doubleDashEndsTheOptions() throws UsageException {
        Args args = parse("remove", "--", "--config", "--");

        assertEquals(List.of("remove", "--config", "--"), args.positionals());
        assertEquals(Optional.empty(), args.value("config"));
    }

    @Test
    void laterValueWinsAndEmptyValueIsKept() throws UsageException {
        assertEquals(Optional.of("b"), parse("--config", "a", "--config=b").value("config"));
        assertEquals(Optional.of(""), parse("--config=").value("config"));
    }

    @Test
    void pathValueIsAPath() throws UsageException {
        Args args = parse("--config", "conf/loomftp.json");

        assertEquals(Optional.of(Path.of("conf/loomftp.json")), args.pathValue("config"));
    }

    @Test
    void aFlagIsNotAValue() throws UsageException {
        assertEquals(Optional.empty(), parse("--password-stdin").value("password-stdin"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--verbose                | unknown option --verbose",
        "--secret=hunter2         | unknown option --secret",
        "--password-stdin=yes     | option --password-stdin takes no value",
        "--config                 | option --config needs a value"})
    void refusesWhatACommandDoesNotDeclare(String arg, String message) {
        UsageException e = assertThrows(UsageException.class, () -> parse(arg));

        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "70000 | --port must be from 0 to 65535, not 70000",
        "-1    | --port must be from 0 to 65535, not -1",
        "21a   | --port must be a whole number, not '21a'",
        "''    | --port must be a whole number, not ''"})
    void refusesBadNumbers(String value, String message) throws UsageException {
        Args args = parse("--port=" + value);

        UsageException e = assertThrows(UsageException.class, () -> args.intValue("port", 0, 65_535));

        assertEquals(message, e.getMessage());
    }

    @Test
    void refusesAPathWithANulCharacter() {
        UsageException e = assertThrows(UsageException.class, () -> Args.path("a\0b"));

        assertEquals("not a valid path: 'a\0b'", e.getMessage());
    }

    private static Args parse(String... words) throws UsageException {
        return Args.parse(List.of(words), WITH_VALUE, FLAGS);
    }
}

package dev.loomftp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loomftp.config.Config.Listener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigTest {
    @TempDir
    Path dir;

    @Test
    void withPortMovesEveryListenerAndKeepsTheirAddresses() throws IOException, ConfigException {
        Config config = ConfigLoader.load(Files.writeString(dir.resolve("loomftp.json"), """
                { "listeners": [ { "address": "127.0.0.1", "port": 21 }, { "address": "::1", "port": 2121 } ] }
                """));

        Config moved = config.withPort(0);

        assertEquals(List.of(new Listener("127.0.0.1", 0), new Listener("::1", 0)), moved.listeners());
        assertEquals(config.storage(), moved.storage());
        assertEquals(config.passive(), moved.passive());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65_535})
    void withPortAcceptsEveryTcpPort(int port) throws ConfigException {
        assertEquals(port, ConfigLoader.defaults().withPort(port).listeners().getFirst().port());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65_536, Integer.MAX_VALUE})
    void withPortRefusesPortsOutOfRange(int port) throws ConfigException {
        Config config = ConfigLoader.defaults();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config.withPort(port));

        assertEquals("port must be from 0 to 65535, not " + port, e.getMessage());
    }

    @Test
    void withRootTakesARelativeRootFromTheWorkingDirectoryAndKeepsTheMounts() throws ConfigException {
        Config config = ConfigLoader.defaults();

        Config moved = config.withRoot(Path.of("some/../data"));

        assertEquals(Path.of("").toAbsolutePath().resolve("data"), moved.storage().root());
        assertEquals(config.storage().mounts(), moved.storage().mounts());
        assertEquals(config.listeners(), moved.listeners());
        assertEquals(config.users(), moved.users());
    }

    @Test
    void withRootKeepsAnAbsoluteRoot() throws ConfigException {
        assertEquals(dir, ConfigLoader.defaults().withRoot(dir).storage().root());
    }

    @Test
    void listsCannotBeChangedAfterTheFact() throws ConfigException {
        Config config = ConfigLoader.defaults();

        assertThrows(UnsupportedOperationException.class, () -> config.listeners().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.storage().mounts().clear());
    }
}

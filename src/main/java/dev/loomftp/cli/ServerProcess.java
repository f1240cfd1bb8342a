package dev.loomftp.cli;

import dev.loomftp.config.Config;
import dev.loomftp.config.ConfigException;
import dev.loomftp.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** How {@code loomftp stop} and {@code loomftp reload} find the server a configuration runs. */
final class ServerProcess {
    private ServerProcess() {}

    /** The configuration in {@code file}, or the built-in one. */
    static Config configuration(Optional<Path> file) throws ConfigException {
        return file.isPresent() ? ConfigLoader.load(file.get()) : ConfigLoader.defaults();
    }

    /**
     * The running server whose id the configuration's pid file holds.
     *
     * @throws IOException when the configuration has no pid file, or it cannot be read
     */
    static Optional<ProcessHandle> find(Config config) throws IOException {
        Path pidFile = config.service().pidFile();
        if (pidFile == null) {
            throw new IOException("the configuration sets no service.pidFile, so its server cannot be found");
        }
        return PidFile.running(pidFile);
    }
}

package dev.loomftp.cli;

import dev.loomftp.config.Config;
import dev.loomftp.config.ConfigException;
import dev.loomftp.config.ConfigLoader;
import java.io.IOException;
import java.io.Serial;
import java.nio.file.Path;
import java.util.Optional;

/** How {@code loomftp stop} and {@code loomftp reload} find the server a configuration runs. */
final class ServerProcess {
    private ServerProcess() {}

    /** The configuration a command was given, and the server that runs with it, if one does. */
    record Target(Config config, Optional<ProcessHandle> server) {}

    /** Why a command found no configuration or pid file; the reason is printed already. */
    static final class NotFound extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        NotFound(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /**
     * Reads the configuration in {@code file} (or the built-in one) and finds the running server
     * its pid file names.
     *
     * @throws NotFound after printing {@code loomftp COMMAND: reason}: exit code 3 for a
     *                  configuration with a mistake, 1 for a pid file that cannot be used
     */
    static Target locate(String command, Optional<Path> file, Io io) throws NotFound {
        try {
            Config config = file.isPresent() ? ConfigLoader.load(file.get()) : ConfigLoader.defaults();
            Path pidFile = config.service().pidFile();
            if (pidFile == null) {
                throw new IOException("the configuration sets no service.pidFile, so its server cannot be found");
            }
            return new Target(config, PidFile.running(pidFile));
        } catch (ConfigException e) {
            io.err().println("loomftp " + command + ": " + e.getMessage());
            throw new NotFound(ExitCode.CONFIG);
        } catch (IOException e) {
            io.err().println("loomftp " + command + ": " + ErrorText.of(e));
            throw new NotFound(ExitCode.FAILURE);
        }
    }
}

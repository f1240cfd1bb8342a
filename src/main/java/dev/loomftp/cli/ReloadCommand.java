package dev.loomftp.cli;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code loomftp reload}: checks the configuration, then has the server that runs with it read it
 * again, as SIGHUP does.
 */
final class ReloadCommand implements Command {
    private static final String CONFIG = "config";

    @Override
    public String name() {
        return "reload";
    }

    @Override
    public String summary() {
        return "have a running server read its configuration, users and certificate again";
    }

    @Override
    public String usage() {
        return """
                Usage: loomftp reload [--config FILE]

                Checks the configuration (default: the built-in one), then has the server that
                runs with it, found through its pid file (service.pidFile), read it again with
                the users file and the TLS certificate, as SIGHUP does. Sessions that start from
                then on use the new settings; running sessions and transfers go on as they are.
                A configuration with a mistake is not sent: the server keeps the one in force.
                The server logs what changed, and what waits for a restart (its listeners).

                Exit status: 0 when the server was told, 1 when none is running or it cannot be
                signalled, 3 when the configuration is invalid.
                """;
    }

    @Override
    public int run(List<String> args, Io io) throws UsageException {
        Args parsed = Args.parse(args, Set.of(CONFIG), Set.of());
        if (!parsed.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + parsed.positionals().getFirst() + "'");
        }
        ServerProcess.Target target;
        try {
            target = ServerProcess.locate("reload", parsed.pathValue(CONFIG), io);
        } catch (ServerProcess.NotFound e) {
            return e.exitCode();
        }
        Config config = target.config();
        Optional<ProcessHandle> server = target.server();
        if (server.isEmpty()) {
            io.err().println("loomftp reload: no server is running with the pid file " + config.service().pidFile());
            return ExitCode.FAILURE;
        }
        try {
            Kill.send(server.get().pid(), Kill.SIGHUP);
        } catch (IOException e) {
            io.err().println("loomftp reload: cannot signal process " + server.get().pid() + ": " + ErrorText.of(e));
            return ExitCode.FAILURE;
        }
        io.out().println("The server (process " + server.get().pid() + ") is reading its configuration again;"
                + " its log says what changed.");
        return ExitCode.OK;
    }
}

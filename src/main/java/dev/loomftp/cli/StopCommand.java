package dev.loomftp.cli;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code loomftp stop}: stops the server that runs with a configuration, found through its pid
 * file, as SIGTERM does, and waits until it has stopped.
 */
final class StopCommand implements Command {
    private static final String CONFIG = "config";
    private static final String NOW = "now";
    /** How long past the drain time a server may take to exit before this gives up waiting. */
    private static final Duration EXIT_ALLOWANCE = Duration.ofSeconds(30);
    /** How often {@code --now} repeats its stop signal. */
    private static final Duration RESEND = Duration.ofMillis(200);

    @Override
    public String name() {
        return "stop";
    }

    @Override
    public String summary() {
        return "stop a running server, letting its transfers finish";
    }

    @Override
    public String usage() {
        return """
                Usage: loomftp stop [--config FILE] [--now]

                Stops the server that runs with this configuration (default: the built-in one),
                which it finds through its pid file (service.pidFile), as SIGTERM does: new
                connections are refused at once, running transfers may finish for up to
                timeouts.drain, and then the server exits. Waits until it has.

                Options:
                  --config FILE  the configuration the server was started with
                  --now          cut running transfers off at once (as a second Ctrl-C does)

                Exit status: 0 when the server has stopped or none was running, 1 when it is
                still running 30 s after the drain time or cannot be signalled, 3 when the
                configuration is invalid.
                """;
    }

    @Override
    public int run(List<String> args, Io io) throws UsageException {
        Args parsed = Args.parse(args, Set.of(CONFIG), Set.of(NOW));
        if (!parsed.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + parsed.positionals().getFirst() + "'");
        }
        ServerProcess.Target target;
        try {
            target = ServerProcess.locate("stop", parsed.pathValue(CONFIG), io);
        } catch (ServerProcess.NotFound e) {
            return e.exitCode();
        }
        Config config = target.config();
        Optional<ProcessHandle> server = target.server();
        if (server.isEmpty()) {
            io.out().println("loomftp stop: no server is running with the pid file " + config.service().pidFile());
            return ExitCode.OK;
        }
        long pid = server.get().pid();
        Duration patience = config.timeouts().drain().plus(EXIT_ALLOWANCE);
        try {
            Kill.send(pid, Kill.SIGTERM);
            io.out().println("Stopping the server (process " + pid + ")"
                    + (parsed.flag(NOW) ? "" : "; running transfers may finish for up to "
                            + config.timeouts().drain().toSeconds() + " s") + ".");
            io.out().flush();
            if (parsed.flag(NOW)) {
                cutOff(server.get(), patience);
            } else {
                server.get().onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            io.err().println("loomftp stop: cannot signal process " + pid + ": " + ErrorText.of(e));
            return ExitCode.FAILURE;
        } catch (TimeoutException e) {
            io.err().println("loomftp stop: the server (process " + pid + ") still runs after "
                    + patience.toSeconds() + " s; 'loomftp stop --now' cuts its transfers off");
            return ExitCode.FAILURE;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for a process cannot fail", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
        io.out().println("The server has stopped.");
        return ExitCode.OK;
    }

    /**
     * Sends the second stop signal, which ends the drain at once, until the server has exited:
     * two signals of one kind sent together may reach a process as one, so one is sent at each
     * {@link #RESEND} until the process is gone.
     */
    private static void cutOff(ProcessHandle server, Duration patience)
            throws IOException, TimeoutException, ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                server.onExit().get(RESEND.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            try {
                Kill.send(server.pid(), Kill.SIGTERM);
            } catch (IOException e) {
                if (server.isAlive()) {
                    throw e;
                }
            }
        }
    }
}

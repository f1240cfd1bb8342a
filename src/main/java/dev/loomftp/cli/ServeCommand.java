package dev.loomftp.cli;

import dev.loomftp.config.Config;
import dev.loomftp.config.ConfigException;
import dev.loomftp.config.ConfigLoader;
import dev.loomftp.config.LoggingSetup;
import dev.loomftp.server.FtpServer;
import dev.loomftp.pg.DatabaseException;
import dev.loomftp.pg.SharedDatabase;
import dev.loomftp.server.SharedState;
import dev.loomftp.storage.StorageOpener;
import dev.loomftp.users.FileUserStore;
import dev.loomftp.users.UserAdmin;
import dev.loomftp.users.PasswordHasher;
import dev.loomftp.users.UserStoreException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;

/**
 * {@code loomftp serve}: runs the server until it is stopped (Ctrl-C, SIGTERM or
 * {@code loomftp stop}), which lets running transfers finish and ends every session with 421
 * before the process exits. {@link ServerControl} says what each signal does.
 */
final class ServeCommand implements Command {
    private static final String CONFIG = "config";
    private static final String PORT = "port";
    private static final String ROOT = "root";

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "run the FTP server";
    }

    @Override
    public String usage() {
        return """
                Usage: loomftp serve [--config FILE] [--port N] [--root DIR]

                Runs the FTP server until it is stopped with Ctrl-C, SIGTERM or 'loomftp stop':
                new connections are refused at once, running transfers may finish for up to
                timeouts.drain (30 s by default), and a second Ctrl-C stops it at once. SIGHUP
                or 'loomftp reload' reads the configuration, the users and the certificate again.

                Options:
                  --config FILE  the configuration file (default: the built-in configuration:
                                 port 5550 on every interface, data in ./ftp-data, users in
                                 ./loomftp-users.txt)
                  --port N       listen on port N instead (0 lets the system choose)
                  --root DIR     keep the data in DIR instead

                Add users first with 'loomftp user add NAME', using the same --config.
                """;
    }

    @Override
    public int run(List<String> args, Io io) throws UsageException {
        Args parsed = Args.parse(args, Set.of(CONFIG, PORT, ROOT), Set.of());
        if (!parsed.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + parsed.positionals().getFirst() + "'");
        }
        Optional<Path> configFile = parsed.pathValue(CONFIG);
        Optional<Integer> port = parsed.intValue(PORT, 0, Config.MAX_PORT);
        Optional<Path> root = parsed.pathValue(ROOT);
        PasswordHasher hasher = new PasswordHasher();
        // The password check's code is compiled on the other core while the server reads its
        // configuration and opens its listeners, so that the first login does not run it cold: a
        // first login 2 s after the start took 0.43 to 0.54 s without this, 0.18 to 0.22 s with it.
        try (var startUp = StructuredTaskScope.open(Joiner.<Void>awaitAll())) {
            startUp.fork(hasher::warmUp);
            int exit = serve(configFile, port, root, hasher, io);
            startUp.join();
            return exit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
    }

    /** Starts the server and runs it until it stops; returns the exit code. */
    private static int serve(Optional<Path> configFile, Optional<Integer> port, Optional<Path> root,
            PasswordHasher hasher, Io io) {
        UnaryOperator<Config> overrides = read -> {
            Config moved = port.map(read::withPort).orElse(read);
            return root.map(moved::withRoot).orElse(moved);
        };
        Config config;
        try {
            config = overrides.apply(configFile.isPresent() ? ConfigLoader.load(configFile.get())
                    : ConfigLoader.defaults());
        } catch (ConfigException e) {
            io.err().println("loomftp serve: " + e.getMessage());
            return ExitCode.CONFIG;
        }
        LoggingSetup.apply(config.logging());

        SharedDatabase database = null;
        UserAdmin users;
        if (config.users().database() != null) {
            try {
                database = SharedDatabase.open(config, hasher, io.environment());
            } catch (DatabaseException e) {
                io.err().println("loomftp serve: " + e.getMessage());
                return ExitCode.FAILURE;
            }
            users = database.users();
        } else {
            users = new FileUserStore(config.users().file(), hasher, config.users().passwordCache());
            try {
                // A users file that cannot be read lets no one in: say so now, not at each login.
                users.list();
            } catch (UserStoreException e) {
                io.err().println("loomftp serve: " + e.getMessage());
                return ExitCode.FAILURE;
            }
        }
        try {
            return serve(config, configFile, overrides, users, database, hasher, io);
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    /** Serves with {@code users}, and the shared state of {@code database} when there is one. */
    private static int serve(Config config, Optional<Path> configFile, UnaryOperator<Config> overrides,
            UserAdmin users, SharedDatabase database, PasswordHasher hasher, Io io) {
        Optional<PidFile> pidFile;
        try {
            pidFile = config.service().pidFile() == null ? Optional.empty()
                    : Optional.of(PidFile.claim(config.service().pidFile()));
        } catch (IOException e) {
            io.err().println("loomftp serve: " + ErrorText.of(e));
            return ExitCode.FAILURE;
        }
        try {
            FtpServer server;
            try {
                server = FtpServer.start(config, database != null ? database.state() : SharedState.local(users),
                        StorageOpener.LOCAL);
            } catch (IOException e) {
                io.err().println("loomftp serve: cannot start: " + ErrorText.of(e));
                return ExitCode.FAILURE;
            }
            try (server) {
                Runtime.getRuntime().addShutdownHook(
                        Thread.ofPlatform().name("loomftp-shutdown").unstarted(server::close));
                new ServerControl(server, configFile, overrides, users, hasher, io.out()).handleSignals();
                greet(config, server, users, configFile, io);
                server.awaitStop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            pidFile.ifPresent(PidFile::release);
        }
        return ExitCode.OK;
    }

    /** Says where clients can reach the server, and how to add a first user when there is none. */
    private static void greet(Config config, FtpServer server, UserAdmin users, Optional<Path> configFile,
            Io io) {
        io.out().println("loomftp " + Main.version() + " serving " + config.storage().root());
        for (InetSocketAddress address : server.addresses()) {
            if (address.getAddress().isAnyLocalAddress()) {
                io.out().println("Listening on port " + address.getPort() + " of every interface");
                for (InetAddress reachable : machineAddresses()) {
                    io.out().println("  ftp://" + FtpServer.format(new InetSocketAddress(reachable, address.getPort()))
                            + "/");
                }
            } else {
                io.out().println("Listening on ftp://" + FtpServer.format(address) + "/");
            }
        }
        if (users.names().isEmpty()) {
            String flag = configFile.map(file -> " --config " + file).orElse("");
            io.out().println("No users yet, so nobody can log in. Add one with:");
            io.out().println("  " + System.getProperty("loomftp.command", "loomftp") + " user add NAME" + flag);
            io.out().println("The server sees new users at once; there is no need to restart it.");
        }
        io.out().println("Press Ctrl-C to stop.");
        io.out().flush();
    }

    /** This machine's addresses that other hosts can use: IPv4 first, without loopback or link-local. */
    private static List<InetAddress> machineAddresses() {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface network : NetworkInterface.networkInterfaces().toList()) {
                if (network.isUp() && !network.isLoopback()) {
                    network.inetAddresses()
                            .filter(address -> !address.isLinkLocalAddress() && !address.isLoopbackAddress())
                            .forEach(addresses::add);
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        addresses.sort(Comparator.comparing((InetAddress address) -> !(address instanceof Inet4Address)));
        return addresses;
    }
}

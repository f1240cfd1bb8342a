package dev.loomftp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** The {@code loomftp} command: one binary for the server, the client and the admin tasks. */
public final class Main {
    private final List<Command> commands;

    Main(List<Command> commands) {
        this.commands = List.copyOf(commands);
    }

    public static void main(String[] args) {
        System.exit(execute(Arrays.asList(args), Io.system()));
    }

    /** Runs a command line as {@code loomftp} would, with the given streams, and returns the exit code. */
    public static int execute(List<String> args, Io io) {
        return new Main(List.of(new ServeCommand(), new StopCommand(), new ReloadCommand(), new CheckCommand(),
                new UserCommand(), new ClientCommand(), new BenchCommand())).run(args, io);
    }

    /** Runs one command line and returns its exit code. */
    int run(List<String> args, Io io) {
        if (args.isEmpty()) {
            io.err().println("loomftp: no command given");
            io.err().print(usage());
            return ExitCode.USAGE;
        }
        String first = args.getFirst();
        switch (first) {
            case "--help", "-h", "help" -> {
                io.out().print(usage());
                return ExitCode.OK;
            }
            case "--aot-training" -> {
                return AotTraining.run(io);
            }
            case "--version", "-V" -> {
                io.out().println("loomftp " + version());
                return ExitCode.OK;
            }
            default -> { }
        }
        Optional<Command> command = commands.stream().filter(c -> c.name().equals(first)).findFirst();
        if (command.isEmpty()) {
            io.err().println("loomftp: unknown command '" + first + "'");
            io.err().print(usage());
            return ExitCode.USAGE;
        }
        List<String> rest = args.subList(1, args.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            io.out().print(command.get().usage());
            return ExitCode.OK;
        }
        try {
            return command.get().run(rest, io);
        } catch (UsageException e) {
            io.err().println("loomftp " + first + ": " + e.getMessage());
            io.err().print(command.get().usage());
            return ExitCode.USAGE;
        } catch (RuntimeException bug) {
            io.err().println("loomftp " + first + ": " + unexpected(bug));
            return ExitCode.FAILURE;
        }
    }

    /**
     * One line about a fault in loomftp itself, never a stack trace or a Java class name: those go
     * to a file in the temporary folder that the line names, for a bug report.
     */
    static String unexpected(RuntimeException bug) {
        String text = "unexpected error, a fault in loomftp: please report it";
        try {
            Path details = Files.createTempFile("loomftp-error-", ".txt");
            StringWriter trace = new StringWriter();
            bug.printStackTrace(new PrintWriter(trace));
            Files.writeString(details, "loomftp " + version() + "\n" + trace);
            return text + ", with the details in " + details;
        } catch (IOException | RuntimeException noFile) {
            return text;
        }
    }

    String usage() {
        StringBuilder text = new StringBuilder("""
                Usage: loomftp COMMAND [ARGS]

                Commands:
                """);
        for (Command command : commands) {
            text.append(String.format("  %-8s %s%n", command.name(), command.summary()));
        }
        text.append("""

                Options:
                  -h, --help     show this help (or a command's, after its name)
                  -V, --version  show the version

                Exit codes: 0 ok, 1 failed while running, 2 bad command line, 3 bad configuration.
                """);
        return text.toString();
    }

    /** The version Maven wrote into the module at build time. */
    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/dev/loomftp/version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

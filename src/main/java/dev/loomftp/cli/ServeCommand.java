package dev.loomftp.cli;

import java.util.List;

/** (Being written.) */
final class ServeCommand implements Command {
    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "(being written)";
    }

    @Override
    public String usage() {
        return "Usage: loomftp serve\n";
    }

    @Override
    public int run(List<String> args, Io io) {
        return ExitCode.FAILURE;
    }
}

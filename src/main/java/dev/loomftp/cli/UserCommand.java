package dev.loomftp.cli;

import java.util.List;

/** (Being written.) */
final class UserCommand implements Command {
    @Override
    public String name() {
        return "user";
    }

    @Override
    public String summary() {
        return "(being written)";
    }

    @Override
    public String usage() {
        return "Usage: loomftp user\n";
    }

    @Override
    public int run(List<String> args, Io io) {
        return ExitCode.FAILURE;
    }
}

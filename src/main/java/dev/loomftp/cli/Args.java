package dev.loomftp.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed command line: options ({@code --name value}, {@code --name=value}, a bare
 * {@code --flag}, and the one-letter {@code -x} and {@code -x value}) and positional arguments. Only the options a command declares are accepted.
 */
public final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags;
    private final List<String> positionals = new ArrayList<>();

    private Args(Set<String> flags) {
        this.flags = flags;
    }

    /**
     * @param args        the words to parse
     * @param withValue   the options that take a value, without the leading dashes
     * @param flags       the options that take none
     * @throws UsageException on an unknown option or a missing value
     */
    public static Args parse(List<String> args, Set<String> withValue, Set<String> flags) throws UsageException {
        Args parsed = new Args(flags);
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!optionsEnded && arg.length() == 2 && arg.charAt(0) == '-' && flags.contains(arg.substring(1))) {
                parsed.values.put(arg.substring(1), "");
                continue;
            }
            if (!optionsEnded && arg.length() == 2 && arg.charAt(0) == '-' && withValue.contains(arg.substring(1))) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option " + arg + " needs a value");
                }
                parsed.values.put(arg.substring(1), args.get(++i));
                continue;
            }
            if (optionsEnded || !arg.startsWith("--") || arg.equals("--")) {
                if (arg.equals("--") && !optionsEnded) {
                    optionsEnded = true;
                } else {
                    parsed.positionals.add(arg);
                }
                continue;
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            if (flags.contains(name)) {
                if (eq >= 0) {
                    throw new UsageException("option --" + name + " takes no value");
                }
                parsed.values.put(name, "");
            } else if (withValue.contains(name)) {
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException("option --" + name + " needs a value");
                }
                parsed.values.put(name, value);
            } else {
                throw new UsageException("unknown option " + arg.substring(0, eq < 0 ? arg.length() : eq));
            }
        }
        return parsed;
    }

    public Optional<String> value(String name) {
        return flags.contains(name) ? Optional.empty() : Optional.ofNullable(values.get(name));
    }

    public boolean flag(String name) {
        return flags.contains(name) && values.containsKey(name);
    }

    public List<String> positionals() {
        return List.copyOf(positionals);
    }

    /** A whole number option within {@code [min, max]}. */
    public Optional<Integer> intValue(String name, int min, int max) throws UsageException {
        Optional<String> text = value(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            int number = Integer.parseInt(text.get());
            if (number < min || number > max) {
                throw new UsageException("--" + name + " must be from " + min + " to " + max + ", not " + number);
            }
            return Optional.of(number);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, not '" + text.get() + "'");
        }
    }

    /** An option that names a file or folder. */
    public Optional<Path> pathValue(String name) throws UsageException {
        Optional<String> text = value(name);
        return text.isEmpty() ? Optional.empty() : Optional.of(path(text.get()));
    }

    /** {@code text} as a path, or a usage error when it cannot be one. */
    public static Path path(String text) throws UsageException {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new UsageException("not a valid path: '" + text + "'");
        }
    }
}

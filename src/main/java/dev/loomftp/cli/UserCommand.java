package dev.loomftp.cli;

import dev.loomftp.config.Config;
import dev.loomftp.config.ConfigException;
import dev.loomftp.config.ConfigLoader;
import dev.loomftp.config.LoggingSetup;
import dev.loomftp.s3.S3Clients;
import dev.loomftp.storage.LocalStorage;
import dev.loomftp.storage.Quota;
import dev.loomftp.storage.QuotaUsage;
import dev.loomftp.storage.Storage;
import dev.loomftp.pg.DatabaseException;
import dev.loomftp.pg.PgUserStore;
import dev.loomftp.pg.SharedDatabase;
import dev.loomftp.users.FileUserStore;
import dev.loomftp.users.UserAdmin;
import dev.loomftp.users.PasswordHasher;
import dev.loomftp.users.PlainTextImport;
import dev.loomftp.users.UserNames;
import dev.loomftp.users.UserStoreException;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code loomftp user}: adds, changes, removes, lists and imports the users in the users file that
 * the configuration names, or in its database ({@code users.database}), the same users
 * {@code loomftp serve} reads. A running server (every node, with a database) sees the changes at
 * the next login.
 *
 * <p>Passwords are asked on the terminal without echo, or read from the first line of standard
 * input with {@code --password-stdin}; never taken from the command line, where the process list
 * and the shell history would show them.
 */
final class UserCommand implements Command {
    private static final int MIN_PASSWORD_LENGTH = 8;
    private static final int MAX_PASSWORD_BYTES = 4096;
    private static final String CONFIG = "config";
    private static final String PASSWORD_STDIN = "password-stdin";
    private static final String ACTIONS = "add, passwd, remove, list, import or override";

    private final PasswordHasher hasher;

    /** The command as {@code loomftp} runs it, with the default password hashing cost. */
    UserCommand() {
        this(new PasswordHasher());
    }

    /** @param hasher hashes new passwords; tests pass a cheaper one */
    UserCommand(PasswordHasher hasher) {
        this.hasher = hasher;
    }

    @Override
    public String name() {
        return "user";
    }

    @Override
    public String summary() {
        return "add, change, remove, list or import users";
    }

    @Override
    public String usage() {
        return """
                Usage: loomftp user add NAME [--password-stdin] [--config FILE]
                       loomftp user passwd NAME [--password-stdin] [--config FILE]
                       loomftp user remove NAME [--config FILE]
                       loomftp user list [--config FILE]
                       loomftp user import FILE [--config FILE]
                       loomftp user override NAME [JSON] [--config FILE]

                Manages the users file that the configuration names (./loomftp-users.txt by default),
                or the database of users.database, which every node shares.

                Actions:
                  add NAME       add a user; asks for the password twice
                  passwd NAME    change a user's password
                  remove NAME    remove a user (their files stay)
                  list           print every user's name
                  import FILE    add the users of a plain-text file of NAME:PASSWORD lines, hashing
                                 the passwords, or of a loomftp users file, whose hashes move as
                                 they are; the file is left as it is
                  override NAME [JSON]
                                 with a database: print the user's override, or set it to JSON,
                                 written as one of users.overrides is ('null' removes it)

                Options:
                  --password-stdin  read the password from the first line of standard input
                  --config FILE     the configuration file (default: the built-in configuration)

                A name has 1 to 32 letters, digits, '.', '_' or '-', and starts with a letter or digit.
                Names ignore case: 'Bob' and 'bob' are one user, who keeps the spelling given to add.
                A password has at least 8 characters.
                """;
    }

    @Override
    public int run(List<String> args, Io io) throws UsageException {
        LoggingSetup.quiet();
        Args parsed = Args.parse(args, Set.of(CONFIG), Set.of(PASSWORD_STDIN));
        Action action = action(parsed.positionals());
        String operand = operand(action, parsed.positionals());
        if (parsed.flag(PASSWORD_STDIN) && !action.takesPassword()) {
            throw new UsageException("--" + PASSWORD_STDIN + " is for add and passwd only");
        }
        if (action.takesPassword() && !parsed.flag(PASSWORD_STDIN) && io.console() == null) {
            throw new UsageException("there is no terminal to ask for the password; use --" + PASSWORD_STDIN);
        }
        Path importFile = action == Action.IMPORT ? Args.path(operand) : null;
        List<AutoCloseable> opened = new java.util.ArrayList<>();
        try {
            Config config = config(parsed);
            UserAdmin store = open(config, io, opened);
            return switch (action) {
                case ADD -> add(store, operand, parsed, io);
                case PASSWD -> passwd(store, operand, parsed, io);
                case REMOVE -> remove(store, operand, io);
                case LIST -> list(store, config, io);
                case IMPORT -> importFrom(store, importFile, io);
                case OVERRIDE -> override(store, operand, parsed.positionals(), io);
            };
        } catch (ConfigException e) {
            io.err().println("loomftp user: " + e.getMessage());
            return ExitCode.CONFIG;
        } catch (UserStoreException | Failure e) {
            io.err().println("loomftp user: " + e.getMessage());
            return ExitCode.FAILURE;
        } finally {
            for (AutoCloseable closeable : opened) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // Nothing is left to do with it.
                }
            }
        }
    }

    /** The users of {@code config}: its database, or its users file. */
    private UserAdmin open(Config config, Io io, List<AutoCloseable> opened) throws UserStoreException {
        if (config.users().database() == null) {
            return new FileUserStore(config.users().file(), hasher);
        }
        try {
            return SharedDatabase.users(config, hasher, io.environment(), opened::add);
        } catch (DatabaseException e) {
            throw new UserStoreException(e.getMessage(), e);
        }
    }

    /** Prints the override of a user, or sets it to the JSON after the name. */
    private static int override(UserAdmin store, String name, List<String> positionals, Io io)
            throws UserStoreException, Failure {
        if (!(store instanceof PgUserStore database)) {
            throw new Failure("the overrides of a users file's users are in the configuration (users.overrides);"
                    + " a database (users.database) keeps them with the users");
        }
        if (positionals.size() < 3) {
            io.out().println(database.override(name).orElse("null"));
            return ExitCode.OK;
        }
        String json = positionals.get(2).strip();
        String stored = database.setOverride(name, json.equals("null") ? null : json);
        io.out().println(json.equals("null") ? "removed the override of '" + stored + "'"
                : "set the override of '" + stored + "'");
        return ExitCode.OK;
    }

    private int add(UserAdmin store, String name, Args args, Io io) throws UserStoreException, Failure {
        checkName(name);
        Optional<String> existing = store.find(name);
        if (existing.isPresent()) {
            throw UserStoreException.alreadyExists(existing.get(), name);
        }
        char[] password = newPassword(name, args, io);
        try {
            store.add(name, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        io.out().println("added user '" + name + "'");
        return ExitCode.OK;
    }

    private int passwd(UserAdmin store, String name, Args args, Io io) throws UserStoreException, Failure {
        checkName(name);
        String stored = store.find(name).orElseThrow(() -> UserStoreException.notFound(name));
        char[] password = newPassword(stored, args, io);
        try {
            stored = store.setPassword(stored, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        io.out().println("changed the password of '" + stored + "'");
        return ExitCode.OK;
    }

    /** Refuses an invalid name before it is printed: the message shows it with control characters made safe. */
    private static void checkName(String name) throws Failure {
        try {
            UserNames.check(name);
        } catch (IllegalArgumentException e) {
            throw new Failure(e.getMessage());
        }
    }

    private static int remove(UserAdmin store, String name, Io io) throws UserStoreException {
        io.out().println("removed user '" + store.remove(name) + "'");
        return ExitCode.OK;
    }

    /**
     * Every user's name, one a line; where quotas are set, followed by what the user holds of each,
     * measured now: {@code alice  /: 1.5 MiB of 10 MiB, 12 of 1000 files}.
     */
    private static int list(UserAdmin store, Config config, Io io) throws UserStoreException {
        try (S3Clients objectStores = new S3Clients()) {
            for (String name : store.list()) {
                List<String> quotas = new java.util.ArrayList<>();
                Config.UserOverride override = config.users().overrideFor(name);
                for (Config.Mount mount : config.storage().mounts()) {
                    Quota quota = override.quotas().getOrDefault(mount.path(), mount.quota());
                    if (quota.limited()) {
                        quotas.add(mount.path() + ": " + measured(config, mount, name, quota, objectStores));
                    }
                }
                io.out().println(quotas.isEmpty() ? name : name + "  " + String.join("; ", quotas));
            }
        }
        return ExitCode.OK;
    }

    /** What the user's folder of {@code mount} holds of {@code quota}; a folder not made yet holds nothing. */
    private static String measured(Config config, Config.Mount mount, String name, Quota quota, S3Clients objectStores) {
        try {
            Storage storage;
            if (mount.objects() != null) {
                storage = objectStores.open(mount.objects(), name);
            } else {
                Path folder = config.storage().root().resolve(mount.source().replace(Config.Mount.USER_PLACEHOLDER, name));
                if (!Files.isDirectory(folder)) {
                    return quota.describe(new QuotaUsage.Use(0, 0));
                }
                storage = new LocalStorage(folder);
            }
            return quota.describe(new QuotaUsage(storage, java.time.Clock.systemUTC()).now());
        } catch (IOException e) {
            return "cannot be measured: " + ErrorText.of(e);
        }
    }

    private static int importFrom(UserAdmin store, Path file, Io io) throws UserStoreException {
        PlainTextImport.Result result = new PlainTextImport(store).importFrom(file);
        int count = result.imported();
        io.out().println("imported " + count + (count == 1 ? " user" : " users") + " from " + file);
        for (PlainTextImport.Skipped skipped : result.skipped()) {
            io.err().println("skipped line " + skipped.line() + ": " + skipped.reason());
        }
        return ExitCode.OK;
    }

    private static Config config(Args args) throws ConfigException, UsageException {
        if (args.value(CONFIG).isEmpty()) {
            return ConfigLoader.defaults();
        }
        return ConfigLoader.load(args.pathValue(CONFIG).orElseThrow());
    }

    private static Action action(List<String> positionals) throws UsageException {
        if (positionals.isEmpty()) {
            throw new UsageException("no action given; use " + ACTIONS);
        }
        String word = positionals.getFirst();
        return Arrays.stream(Action.values())
                .filter(action -> action.word().equals(word))
                .findFirst()
                .orElseThrow(() -> new UsageException("unknown action '" + word + "'; use " + ACTIONS));
    }

    /** The one argument after the action, or "" for {@code list}, which takes none. */
    private static String operand(Action action, List<String> positionals) throws UsageException {
        int wanted = action.operand().isEmpty() ? 1 : 2;
        if (positionals.size() < wanted) {
            throw new UsageException(action.word() + " needs a " + action.operand());
        }
        int most = action == Action.OVERRIDE ? wanted + 1 : wanted;
        if (positionals.size() > most) {
            throw new UsageException("unexpected argument '" + positionals.get(most) + "'");
        }
        return wanted == 2 ? positionals.get(1) : "";
    }

    /** A new password, of at least {@value #MIN_PASSWORD_LENGTH} characters. */
    private static char[] newPassword(String name, Args args, Io io) throws Failure {
        char[] password = args.flag(PASSWORD_STDIN) ? readLine(io.in()) : ask(name, io.console());
        if (Character.codePointCount(password, 0, password.length) < MIN_PASSWORD_LENGTH) {
            Arrays.fill(password, '\0');
            throw new Failure("a password needs at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        return password;
    }

    /** Asks twice on the terminal, without echo. */
    private static char[] ask(String name, Console console) throws Failure {
        char[] password = console.readPassword("Password for %s: ", name);
        if (password == null) {
            throw new Failure("no password entered");
        }
        char[] again = console.readPassword("Again: ");
        try {
            if (!Arrays.equals(password, again)) {
                Arrays.fill(password, '\0');
                throw new Failure("the passwords do not match");
            }
            return password;
        } finally {
            if (again != null) {
                Arrays.fill(again, '\0');
            }
        }
    }

    /** The first line of {@code in} as UTF-8, without its line end. Every buffer is wiped after use. */
    private static char[] readLine(InputStream in) throws Failure {
        byte[] line = new byte[MAX_PASSWORD_BYTES];
        int length = 0;
        try {
            int next = in.read();
            if (next < 0) {
                throw new Failure("no password on standard input");
            }
            while (next >= 0 && next != '\n') {
                if (length == line.length) {
                    throw new Failure("the password on standard input is longer than " + MAX_PASSWORD_BYTES + " bytes");
                }
                line[length++] = (byte) next;
                next = in.read();
            }
            if (length > 0 && line[length - 1] == '\r') {
                length--;
            }
            return decode(line, length);
        } catch (IOException e) {
            throw new Failure("cannot read standard input: " + e.getMessage());
        } finally {
            Arrays.fill(line, (byte) 0);
        }
    }

    private static char[] decode(byte[] bytes, int length) throws Failure {
        CharBuffer chars = null;
        try {
            chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            return password;
        } catch (CharacterCodingException e) {
            throw new Failure("the password on standard input is not UTF-8 text");
        } finally {
            if (chars != null && chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }

    /** What {@code loomftp user} can do, and the argument each action takes. */
    private enum Action {
        ADD("add", "NAME", true),
        PASSWD("passwd", "NAME", true),
        REMOVE("remove", "NAME", false),
        LIST("list", "", false),
        IMPORT("import", "FILE", false),
        OVERRIDE("override", "NAME", false);

        private final String word;
        private final String operand;
        private final boolean takesPassword;

        Action(String word, String operand, boolean takesPassword) {
            this.word = word;
            this.operand = operand;
            this.takesPassword = takesPassword;
        }

        String word() {
            return word;
        }

        /** The argument after the action, as the usage names it, or "" when there is none. */
        String operand() {
            return operand;
        }

        boolean takesPassword() {
            return takesPassword;
        }
    }

    /** A failure to report in one line, with exit code {@link ExitCode#FAILURE}. */
    private static final class Failure extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }
}

package dev.loomftp.cli;

import dev.loomftp.config.Config;
import dev.loomftp.s3.S3Clients;
import dev.loomftp.config.ConfigException;
import dev.loomftp.config.ConfigLoader;
import dev.loomftp.config.LoggingSetup;
import dev.loomftp.tls.TlsContext;
import dev.loomftp.pg.SharedDatabase;
import dev.loomftp.users.FileUserStore;
import dev.loomftp.users.PasswordHasher;
import dev.loomftp.users.UserStoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code loomftp check}: reads the configuration as {@code serve} would, with the users file and
 * the certificate, and prints what the server would do, without starting it and without writing
 * anything. Exits 0 when the server would start, 3 when it would not, with the reason.
 */
final class CheckCommand implements Command {
    private static final String CONFIG = "config";
    /** How many user names are shown before the rest are only counted. */
    private static final int NAMES_SHOWN = 10;
    /** A certificate that expires sooner than this is worth a warning. */
    private static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private final Clock clock;

    CheckCommand() {
        this(Clock.systemUTC());
    }

    /** With the clock that certificate expiry is measured against, for tests. */
    CheckCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "check";
    }

    @Override
    public String summary() {
        return "check the configuration and show what the server would do";
    }

    @Override
    public String usage() {
        return """
                Usage: loomftp check [--config FILE]

                Reads the configuration (default: the built-in one), the users file and the TLS
                certificate as 'loomftp serve' would, and shows the listeners, the passive ports
                and the address clients are told, the certificate's names, fingerprint and expiry,
                the users, the storage and the limits. Starts nothing and writes nothing.

                Exit status: 0 when the server would start with it, 3 when it would not.
                """;
    }

    @Override
    public int run(List<String> args, Io io) throws UsageException {
        LoggingSetup.quiet();
        Args parsed = Args.parse(args, Set.of(CONFIG), Set.of());
        if (!parsed.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + parsed.positionals().getFirst() + "'");
        }
        Optional<Path> configFile = parsed.pathValue(CONFIG);
        Config config;
        Optional<X509Certificate> certificate;
        List<String> users;
        try {
            config = configFile.isPresent() ? ConfigLoader.load(configFile.get()) : ConfigLoader.defaults();
            certificate = config.tls().enabled() ? TlsContext.inspect(config.tls()) : Optional.empty();
            users = users(config, io);
        } catch (ConfigException | UserStoreException e) {
            io.err().println("loomftp check: " + e.getMessage());
            return ExitCode.CONFIG;
        } catch (IOException e) {
            io.err().println("loomftp check: " + ErrorText.of(e));
            return ExitCode.CONFIG;
        }
        PrintStream out = io.out();
        out.println("loomftp check: " + configFile.map(file -> "the configuration in " + file)
                .orElse("the built-in configuration") + " is valid; the server would start with it.");
        listeners(config, out);
        passive(config.passive(), out);
        tls(config, certificate, out);
        users(config.users(), users, out);
        storage(config.storage(), out);
        limits(config, out);
        out.flush();
        return ExitCode.OK;
    }

    private static void listeners(Config config, PrintStream out) {
        List<String> lines = new ArrayList<>();
        String explicit = switch (config.tls().control()) {
            case OFF -> "plain FTP, no TLS";
            case OPTIONAL -> "TLS with AUTH TLS, optional";
            case REQUIRED -> "TLS with AUTH TLS, required before login";
        };
        for (Config.Listener listener : config.listeners()) {
            lines.add("ftp://" + host(listener) + ":" + listener.port() + "/ (" + explicit + ")");
        }
        for (Config.Listener listener : config.tls().implicitListeners()) {
            lines.add("ftps://" + host(listener) + ":" + listener.port() + "/ (implicit TLS)");
        }
        field(out, "listeners", lines);
    }

    private static String host(Config.Listener listener) {
        if (listener.address().equals(Config.Listener.ALL_INTERFACES)) {
            return "*";
        }
        return listener.address().indexOf(':') >= 0 ? "[" + listener.address() + "]" : listener.address();
    }

    private static void passive(Config.Passive passive, PrintStream out) {
        String told = passive.advertisedAddress() != null
                ? "clients are told " + passive.advertisedAddress() + " in PASV replies"
                : "clients are told the server's address on their own connection";
        List<String> lines = new ArrayList<>();
        lines.add("ports " + passive.minPort() + " to " + passive.maxPort() + " ("
                + (passive.maxPort() - passive.minPort() + 1) + " ports)");
        for (Config.PassiveAddress rule : passive.byNetwork()) {
            lines.add("clients in " + rule.network() + " are told " + rule.address() + " in PASV replies");
        }
        lines.add((passive.byNetwork().isEmpty() ? "" : "other ") + told);
        field(out, "passive", lines);
    }

    private void tls(Config config, Optional<X509Certificate> certificate, PrintStream out) {
        Config.Tls tls = config.tls();
        if (!tls.enabled()) {
            field(out, "tls", List.of("off: logins and files cross the network in clear text"));
            return;
        }
        field(out, "tls", List.of("control connection " + policy(tls.control()) + ", data connections "
                + policy(tls.data()) + (tls.allowCcc() ? ", CCC allowed after login" : "")));
        if (certificate.isEmpty()) {
            field(out, "certificate", List.of("none yet: the first start makes a self-signed one in " + tls.keystore()));
            return;
        }
        X509Certificate cert = certificate.get();
        List<String> lines = new ArrayList<>();
        lines.add(cert.getSubjectX500Principal().getName() + namesOf(cert));
        lines.add("SHA-256 " + TlsContext.fingerprintOf(cert));
        Instant notAfter = cert.getNotAfter().toInstant();
        Instant now = clock.instant();
        String validity = "valid from " + day(cert.getNotBefore().toInstant()) + " to " + day(notAfter);
        if (notAfter.isBefore(now)) {
            validity += ": EXPIRED; clients that check certificates will refuse it";
        } else if (Duration.between(now, notAfter).compareTo(EXPIRY_WARNING) < 0) {
            long days = Duration.between(now, notAfter).toDays();
            validity += (days == 0 ? ": expires within a day" : ": expires in " + days + (days == 1 ? " day" : " days"))
                    + "; renew it";
        } else if (cert.getNotBefore().toInstant().isAfter(now)) {
            validity += ": not valid yet";
        }
        lines.add(validity);
        lines.add(cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())
                ? "self-signed: clients must be told to trust it (its fingerprint above)"
                : "issued by " + cert.getIssuerX500Principal().getName());
        field(out, "certificate", lines);
    }

    private static String policy(Config.Policy policy) {
        return policy.name().toLowerCase(Locale.ROOT);
    }

    private static String namesOf(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return "";
        }
        if (names == null || names.isEmpty()) {
            return "";
        }
        List<String> shown = new ArrayList<>();
        for (List<?> name : names) {
            // 2 is a DNS name, 7 an IP address (RFC 5280 GeneralName).
            Object type = name.get(0);
            if (Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) {
                shown.add(String.valueOf(name.get(1)));
            }
        }
        return shown.isEmpty() ? "" : ", for " + String.join(", ", shown);
    }

    private static String day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
    }

    /** The users' names, from the database when there is one (which checks that it can be used). */
    private static List<String> users(Config config, Io io) throws UserStoreException {
        if (config.users().database() != null) {
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                return SharedDatabase.users(config, new PasswordHasher(), io.environment(), opened::add).list();
            } catch (dev.loomftp.pg.DatabaseException e) {
                throw new UserStoreException(e.getMessage(), e);
            } finally {
                opened.forEach(closeable -> {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        // Nothing is left to do with it.
                    }
                });
            }
        }
        return Files.exists(config.users().file())
                ? new FileUserStore(config.users().file(), new PasswordHasher(), 0).list() : List.of();
    }

    private static void users(Config.Users config, List<String> names, PrintStream out) {
        List<String> lines = new ArrayList<>();
        if (config.database() != null) {
            lines.add("database " + dev.loomftp.pg.Database.describe(config.database()) + ": "
                    + names.size() + (names.size() == 1 ? " user" : " users")
                    + (names.isEmpty() ? "; nobody can log in until 'loomftp user add NAME'" : ""));
        } else if (!Files.exists(config.file())) {
            lines.add(config.file() + ": not there yet; nobody can log in until 'loomftp user add NAME'");
        } else if (names.isEmpty()) {
            lines.add(config.file() + ": no users; nobody can log in until 'loomftp user add NAME'");
        } else {
            String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
            lines.add(config.file() + ": " + names.size() + (names.size() == 1 ? " user (" : " users (") + shown
                    + (names.size() > NAMES_SHOWN ? ", ..." : "") + ")");
        }
        lines.add("anonymous logins " + (config.anonymous() ? "on" : "off") + "; verified logins remembered: "
                + (config.passwordCache() > 0 ? "up to " + config.passwordCache() + " users" : "off"));
        field(out, "users", lines);
    }

    private static void storage(Config.Storage storage, PrintStream out) {
        List<String> lines = new ArrayList<>();
        lines.add("root " + storage.root() + (Files.isDirectory(storage.root()) ? "" : " (made at the first start)"));
        for (Config.Mount mount : storage.mounts()) {
            Config.ObjectStore objects = mount.objects();
            String where = objects == null ? storage.root().resolve(mount.source()).toString()
                    : "s3://" + objects.bucket() + "/" + objects.prefix()
                    + (objects.endpoint() != null ? " at " + S3Clients.where(objects.endpoint()) : "")
                    + " (region " + objects.region()
                    + (objects.profile() != null ? ", profile " + objects.profile() : "") + ")";
            lines.add(mount.path() + " is " + where + ", " + (mount.access().writable() ? "read-write" : "read-only")
                    + (mount.shared() ? "" : ", each user's own"));
        }
        lines.add("uploads are " + switch (storage.uploads()) {
            case ATOMIC -> "atomic: written beside the file, renamed over it when whole, deleted when cut";
            case ATOMIC_RESUMABLE -> "atomic-resumable: written beside the file, renamed over it when whole,"
                    + " kept hidden when cut, for a resume";
            case DIRECT -> "direct: written in place; a cut upload stays, cut";
        });
        field(out, "storage", lines);
    }

    private static void limits(Config config, PrintStream out) {
        Config.Limits limits = config.limits();
        Config.Timeouts timeouts = config.timeouts();
        field(out, "limits", List.of(
                limits.maxSessions() + " sessions, " + limits.maxSessionsPerAddress() + " from one address; "
                        + "a ban after " + config.logins().banAfterFailures() + " failed logins for "
                        + duration(config.logins().banDuration()),
                "idle sessions closed after " + duration(timeouts.controlIdle()) + "; data connections set up within "
                        + duration(timeouts.dataSetup()) + ", stalled transfers ended after "
                        + duration(timeouts.dataStall()),
                "a stop lets running transfers finish for up to " + duration(timeouts.drain())));
        Path pidFile = config.service().pidFile();
        field(out, "pid file", List.of(pidFile == null ? "none: 'loomftp stop' and 'loomftp reload' cannot find"
                + " the server" : pidFile + ", for 'loomftp stop' and 'loomftp reload'"));
        Config.Logging logging = config.logging();
        List<String> lines = new ArrayList<>();
        lines.add(logging.level().name().toLowerCase(Locale.ROOT) + " and above, to the console"
                + (logging.file() != null ? " and " + logging.file() : ""));
        if (logging.xferlog() != null) {
            lines.add("file transfers in xferlog format to " + logging.xferlog());
        }
        if (logging.transferJson() != null) {
            lines.add("file transfers as JSON lines to " + logging.transferJson());
        }
        field(out, "logging", lines);
    }

    /** A duration as the configuration file writes it: 1h, 30m, 45s or 500ms. */
    private static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        } else if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** One field: its name in a column, then its lines, the later ones indented under the first. */
    private static void field(PrintStream out, String name, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            out.printf("  %-12s %s%n", i == 0 ? name : "", lines.get(i));
        }
    }
}

package dev.loomftp.cli;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.FtpUrl;
import dev.loomftp.client.KnownHosts;
import dev.loomftp.client.Netrc;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * How {@code loomftp client} connects, from its options: TLS and whom to trust, where the
 * password comes from, active mode and MODE Z. It opens and logs in connections for the shell,
 * the scripted commands, and each parallel connection of a mirror.
 *
 * @param tls         explicit FTPS (AUTH TLS) on plain {@code ftp://} connections
 * @param fingerprint the SHA-256 of the one server certificate to trust, instead of the JDK's authorities
 * @param netrc       the netrc file to look in for a password
 * @param knownHosts  the file of the server certificates the user chose to trust
 * @param active      active data connections instead of passive
 * @param compress    MODE Z transfers
 * @param rateLimit   the most bytes a second each transfer moves, or 0 for no limit
 */
record ClientSettings(boolean tls, Optional<String> fingerprint, Path netrc, Path knownHosts, boolean active,
        boolean compress, long rateLimit) {
    static final String TLS = "tls";
    static final String FINGERPRINT = "fingerprint";
    static final String NETRC = "netrc-file";
    static final String ACTIVE = "active";
    static final String COMPRESS = "compress";
    static final String LIMIT_RATE = "limit-rate";
    /** The options that take a value, and those that take none. */
    static final Set<String> VALUES = Set.of(FINGERPRINT, NETRC, LIMIT_RATE);
    static final Set<String> FLAGS = Set.of(TLS, ACTIVE, COMPRESS);

    private static final String PASSWORD_VARIABLE = "LOOMFTP_PASSWORD";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The settings {@code args} ask for; files not named there are looked for in {@code home}. */
    static ClientSettings of(Args args, Path home) throws UsageException {
        long rate = 0;
        if (args.value(LIMIT_RATE).isPresent()) {
            rate = rate(args.value(LIMIT_RATE).get());
        }
        return new ClientSettings(args.flag(TLS) || args.value(FINGERPRINT).isPresent(), args.value(FINGERPRINT),
                args.value(NETRC).map(Path::of).orElse(home.resolve(".netrc")),
                home.resolve(".loomftp").resolve("known_hosts"), args.flag(ACTIVE), args.flag(COMPRESS), rate);
    }

    /** A rate as curl writes it: bytes a second, or with K, M or G (1024 based). */
    static long rate(String text) throws UsageException {
        String number = text.strip().toUpperCase(java.util.Locale.ROOT);
        long unit = switch (number.isEmpty() ? ' ' : number.charAt(number.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        try {
            long value = Long.parseLong(unit == 1 ? number : number.substring(0, number.length() - 1));
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(value, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--limit-rate takes bytes a second, such as 500K or 2M, not '" + text + "'");
        }
    }

    /**
     * Connects: implicit TLS first for {@code ftps://}, AUTH TLS after the greeting with
     * {@link #tls}, plain otherwise. A certificate that no one vouches for is put to
     * {@code asker}, as {@link ServerTrust} says.
     */
    FtpClient connect(String host, int port, boolean implicitTls, ServerTrust.Asker asker) throws IOException {
        if (!implicitTls && !tls) {
            return FtpClient.connect(host, port, TIMEOUT);
        }
        return new ServerTrust(fingerprint, KnownHosts.in(knownHosts)).connect(host, port, asker, trust -> {
            if (implicitTls) {
                return FtpClient.connectTls(host, port, TIMEOUT, trust);
            }
            FtpClient client = FtpClient.connect(host, port, TIMEOUT);
            try {
                client.startTls(trust);
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
            return client;
        });
    }

    /** Connects to the URL's server and logs in, with the transfer settings applied. */
    FtpClient open(FtpUrl url, Io io, ServerTrust.Asker asker) throws IOException {
        FtpClient client = connect(url.host(), url.port(), url.implicitTls(), asker);
        try {
            Netrc.Credentials credentials = credentials(url, io);
            try {
                client.login(credentials.login(), credentials.password());
            } finally {
                Arrays.fill(credentials.password(), '\0');
            }
            applyTo(client);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Active mode, the rate limit and MODE Z, as asked. */
    void applyTo(FtpClient client) throws IOException {
        client.active(active);
        client.limitRate(rateLimit);
        if (compress) {
            client.compress(true);
        }
    }

    /**
     * The user and password: from the URL and LOOMFTP_PASSWORD, the netrc file, or a prompt
     * without echo. An address without a user that netrc does not know logs in as anonymous, as
     * curl and lftp do.
     */
    Netrc.Credentials credentials(FtpUrl url, Io io) throws IOException {
        Optional<String> fromEnvironment = io.variable(PASSWORD_VARIABLE);
        if (fromEnvironment.isPresent() && url.user().isPresent()) {
            return new Netrc.Credentials(url.user().get(), fromEnvironment.get().toCharArray());
        }
        Optional<Netrc.Credentials> found = Netrc.find(netrc, url.host(), url.user());
        if (found.isPresent()) {
            return found.get();
        }
        if (url.user().isEmpty()) {
            return new Netrc.Credentials("anonymous", "anonymous@".toCharArray());
        }
        if (io.console() != null) {
            char[] typed = io.console().readPassword("Password for %s: ", url.user().get());
            if (typed != null) {
                return new Netrc.Credentials(url.user().get(), typed);
            }
        }
        throw new LoginException("no password for " + url.user().get() + "@" + url.host() + ": set "
                + PASSWORD_VARIABLE + ", or add the host to " + netrc);
    }

    /** No way to log in: exit code 5, like a refused password. */
    static final class LoginException extends IOException {
        LoginException(String message) {
            super(message);
        }
    }
}

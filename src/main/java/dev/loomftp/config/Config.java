package dev.loomftp.config;

import dev.loomftp.protocol.Cidr;
import dev.loomftp.storage.Permission;
import dev.loomftp.storage.Quota;
import dev.loomftp.storage.UploadPolicy;
import dev.loomftp.users.FileUserStore;
import dev.loomftp.users.UserNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole server configuration, as read from the JSON file (or the embedded default) and
 * validated. Every path is absolute by the time a {@code Config} exists.
 *
 * @param listeners where the control connection listens
 * @param passive   the passive data port range and the address advertised to clients
 * @param storage   the root folder and the mounts each user sees
 * @param users     where the users file is
 * @param limits    sessions, line length, login attempts and failed commands
 * @param logins    the delay after failed logins and the ban that follows too many from one address
 * @param timeouts  control idle, data setup and data stall
 * @param logging   log level and optional log file
 * @param tls       FTPS: whether TLS is offered or required, and the certificate
 * @param service   what the running process leaves for the tools that manage it: its pid file
 * @param metrics   the Prometheus endpoint, off unless it has a listener
 * @param hooks     commands run and URLs posted to when something happens
 */
public record Config(
        List<Listener> listeners,
        Passive passive,
        Storage storage,
        Users users,
        Limits limits,
        Logins logins,
        Timeouts timeouts,
        Logging logging,
        Tls tls,
        Service service,
        Metrics metrics,
        Hooks hooks) {

    /** The highest TCP port number. */
    public static final int MAX_PORT = 65_535;

    public Config {
        listeners = List.copyOf(listeners);
    }

    /** A configuration without the metrics endpoint and without hooks. */
    public Config(List<Listener> listeners, Passive passive, Storage storage, Users users, Limits limits,
            Logins logins, Timeouts timeouts, Logging logging, Tls tls, Service service) {
        this(listeners, passive, storage, users, limits, logins, timeouts, logging, tls, service, Metrics.OFF,
                Hooks.NONE);
    }

    /**
     * This configuration with every listener moved to {@code port}, for the {@code serve --port} flag.
     *
     * @param port 0 to 65535, where 0 lets the system pick a free port
     * @throws IllegalArgumentException when the port is out of range
     */
    public Config withPort(int port) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port must be from 0 to " + MAX_PORT + ", not " + port);
        }
        List<Listener> moved = listeners.stream()
                .map(listener -> new Listener(listener.address(), port, listener.proxyFrom())).toList();
        return new Config(moved, passive, storage, users, limits, logins, timeouts, logging, tls, service, metrics,
                hooks);
    }

    /**
     * This configuration with another data root, for the {@code serve --root} flag. The mounts stay as they are.
     *
     * @param root the new root; a relative path is taken from the current working directory
     */
    public Config withRoot(Path root) {
        Storage moved = new Storage(root.toAbsolutePath().normalize(), storage.mounts(), storage.uploads());
        return new Config(listeners, passive, moved, users, limits, logins, timeouts, logging, tls, service, metrics,
                hooks);
    }

    /**
     * A control-connection listener. {@code address} "*" means every interface, IPv4 and IPv6.
     *
     * @param proxyFrom the networks of the load balancers (HAProxy) in front: a connection from one
     *                  of them starts with a PROXY protocol header (version 1 or 2), which gives the
     *                  client's real address; connections from elsewhere are served as they are
     */
    public record Listener(String address, int port, List<Cidr> proxyFrom) {
        public static final String ALL_INTERFACES = "*";

        public Listener {
            proxyFrom = List.copyOf(proxyFrom);
        }

        /** A listener without a proxy in front. */
        public Listener(String address, int port) {
            this(address, port, List.of());
        }
    }

    /**
     * The passive data ports and the address sent in PASV replies.
     *
     * @param minPort           first port of the range
     * @param maxPort           last port of the range (inclusive)
     * @param advertisedAddress the IPv4 address to put in PASV replies (behind NAT), or null to use
     *                          the address the client connected to
     * @param byNetwork         the address to put in PASV replies to clients of a network, the first
     *                          that holds the client winning; {@code advertisedAddress} for the rest
     * @param proxyProtocol     whether a data connection that comes through the proxy its control
     *                          connection came through starts with a PROXY header too, which must
     *                          name the same client (HAProxy's {@code send-proxy-v2} on the passive
     *                          ranges); without it, any connection from the proxy is taken. In
     *                          the file, {@code null} (the default) means on when a listener has
     *                          {@code proxyFrom}
     */
    public record Passive(int minPort, int maxPort, String advertisedAddress, List<PassiveAddress> byNetwork,
            boolean proxyProtocol) {
        public Passive {
            byNetwork = List.copyOf(byNetwork);
        }

        public Passive(int minPort, int maxPort, String advertisedAddress, List<PassiveAddress> byNetwork) {
            this(minPort, maxPort, advertisedAddress, byNetwork, false);
        }

        public Passive(int minPort, int maxPort, String advertisedAddress) {
            this(minPort, maxPort, advertisedAddress, List.of());
        }
    }

    /**
     * @param network the clients it is for
     * @param address an IPv4 address, or a host name looked up at each PASV (so a dynamic DNS
     *                name follows the address it points to)
     */
    public record PassiveAddress(Cidr network, String address) {}

    /**
     * The data root and its mounts.
     *
     * @param root    the folder that holds {@code Public/} and one folder per user
     * @param mounts  what each user sees, by virtual path
     * @param uploads how STOR writes a file, unless a user's override says otherwise
     */
    public record Storage(Path root, List<Mount> mounts, UploadPolicy uploads) {
        public Storage {
            mounts = List.copyOf(mounts);
        }

        /** Storage with the default upload policy, {@link UploadPolicy#ATOMIC_RESUMABLE}. */
        public Storage(Path root, List<Mount> mounts) {
            this(root, mounts, UploadPolicy.ATOMIC_RESUMABLE);
        }
    }

    /**
     * One folder of the virtual file system.
     *
     * @param path   the virtual path: "/" is the user's home, "/Public" the shared folder
     * @param source the folder under the root, where {@value #USER_PLACEHOLDER} stands for the
     *               user's name
     * @param access      what users may do there, in short
     * @param permissions what users may do there, in detail: what {@code access} means unless the
     *                    file lists them
     * @param quota       the most it may hold; each user's own when its source is each user's
     */
    public record Mount(String path, String source, Access access, Set<Permission> permissions, Quota quota,
            ObjectStore objects) {
        public static final String USER_PLACEHOLDER = "{user}";

        public Mount {
            permissions = Set.copyOf(permissions);
            if ((source == null) == (objects == null)) {
                throw new IllegalArgumentException("a mount has a source folder or object storage, not both");
            }
        }

        /** A mount on a folder under the storage root. */
        public Mount(String path, String source, Access access, Set<Permission> permissions, Quota quota) {
            this(path, source, access, permissions, quota, null);
        }

        /** A mount without a quota. */
        public Mount(String path, String source, Access access, Set<Permission> permissions) {
            this(path, source, access, permissions, Quota.NONE);
        }

        /** Whether every user sees the same files here: its source names no user. */
        public boolean shared() {
            return !(objects != null ? objects.prefix() : source).contains(USER_PLACEHOLDER);
        }

        /** A mount whose permissions are those of its access, without a quota. */
        public Mount(String path, String source, Access access) {
            this(path, source, access, access.permissions());
        }
    }

    /**
     * A mount's files on S3-compatible object storage. Credentials are never here: they come from
     * the AWS SDK's usual places (the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables, the
     * shared credentials file and its {@code profile}, a container or instance role).
     *
     * @param bucket        the bucket
     * @param prefix        where the mount's root lies in it: empty, or ending with "/"; it may
     *                      hold {@value Mount#USER_PLACEHOLDER}
     * @param endpoint      the service's address; null for AWS itself
     * @param region        the region requests are signed for
     * @param pathStyle     whether the bucket goes in the path rather than the host name, as most
     *                      engines other than AWS want
     * @param profile       the profile of the shared credentials file; null for the default chain
     * @param partSize      the bytes of each part of an upload; an upload is at most 10,000 parts
     * @param partsInFlight how many parts of one upload are sent at once while the next fills
     */
    public record ObjectStore(String bucket, String prefix, java.net.URI endpoint, String region, boolean pathStyle,
            String profile, long partSize, int partsInFlight) {
        public static final String DEFAULT_REGION = "us-east-1";
        public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;
        public static final int DEFAULT_PARTS_IN_FLIGHT = 1;

        /** The same store under another prefix. */
        public ObjectStore withPrefix(String other) {
            return new ObjectStore(bucket, other, endpoint, region, pathStyle, profile, partSize, partsInFlight);
        }
    }

    /** What a mount allows, in short. */
    public enum Access {
        READ_ONLY,
        READ_WRITE;

        public boolean writable() {
            return this == READ_WRITE;
        }

        /** The permissions this stands for: list and read, or everything. */
        public Set<Permission> permissions() {
            return writable() ? Permission.all() : Permission.readOnly();
        }
    }

    /**
     * @param file      the users file: one user per line, with a salted password hash
     * @param anonymous whether USER anonymous (or ftp) logs in with any password, to a read-only view of
     *                  the shared folder alone
     * @param overrides settings for single users, by name; names ignore case, as {@link UserNames}
     *                  says, so no two of them may name one user
     * @param passwordCache how many users' verified logins are kept (as keyed digests, never the
     *                  password), so that their next login with the same password runs no PBKDF2;
     *                  0 keeps none
     * @param database  where the users, their overrides, the bans and the quota counters of many
     *                  nodes are kept instead of {@code file}; null for the file
     */
    public record Users(Path file, boolean anonymous, Map<String, UserOverride> overrides, int passwordCache,
            Database database) {
        /** The default {@code passwordCache}: a users file of up to this many users is covered whole, in about 2 MB. */
        public static final int DEFAULT_PASSWORD_CACHE = FileUserStore.DEFAULT_PASSWORD_CACHE;
        /** The largest {@code passwordCache}, about 200 MB at most. */
        public static final int MAX_PASSWORD_CACHE = 1_000_000;

        public Users {
            if (passwordCache < 0 || passwordCache > MAX_PASSWORD_CACHE) {
                throw new IllegalArgumentException("passwordCache must be from 0 to " + MAX_PASSWORD_CACHE);
            }
            overrides = Map.copyOf(overrides);
            Map<String, String> byKey = new java.util.HashMap<>();
            for (String name : overrides.keySet()) {
                String other = byKey.putIfAbsent(UserNames.key(name), name);
                if (other != null) {
                    throw new IllegalArgumentException("overrides '" + other + "' and '" + name + "' name one user");
                }
            }
        }

        public Users(Path file, boolean anonymous, Map<String, UserOverride> overrides, int passwordCache) {
            this(file, anonymous, overrides, passwordCache, null);
        }

        public Users(Path file, boolean anonymous, Map<String, UserOverride> overrides) {
            this(file, anonymous, overrides, DEFAULT_PASSWORD_CACHE);
        }

        public Users(Path file, boolean anonymous) {
            this(file, anonymous, Map.of());
        }

        /** The override for the user {@code name} names, in any case, or none. */
        public UserOverride overrideFor(String name) {
            String key = UserNames.key(name);
            return overrides.entrySet().stream()
                    .filter(override -> UserNames.key(override.getKey()).equals(key))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(UserOverride.NONE);
        }
    }

    /**
     * A PostgreSQL database that the nodes of one service share. Its password is not kept here: it
     * comes from {@code PGPASSWORD} or a pgpass file ({@code PGPASSFILE}, else {@code ~/.pgpass}),
     * as for {@code psql}.
     *
     * @param url            {@code jdbc:postgresql://host:port/database}
     * @param user           the role the nodes log in as
     * @param maxConnections the most connections one node holds
     */
    public record Database(String url, String user, int maxConnections) {
        public static final int DEFAULT_MAX_CONNECTIONS = 10;
    }

    /**
     * What is different for one user.
     *
     * @param permissions by mount path, what this user may do there instead of the mount's own
     *                    permissions
     * @param tls         {@code REQUIRED} when this user must use TLS even though the server does not
     *                    require it of everyone, else null
     * @param uploads     how this user's uploads are written, or null for {@code storage.uploads}
     * @param quotas      by mount path, this user's quota there instead of the mount's own
     * @param bandwidth   this user's rates instead of {@code limits.bandwidth.user}, or null
     */
    public record UserOverride(Map<String, Set<Permission>> permissions, Policy tls, UploadPolicy uploads,
            Map<String, Quota> quotas, Rates bandwidth) {
        public static final UserOverride NONE = new UserOverride(Map.of(), null, null, Map.of(), null);

        public UserOverride {
            permissions = Map.copyOf(permissions);
            quotas = Map.copyOf(quotas);
        }

        public UserOverride(Map<String, Set<Permission>> permissions, Policy tls, UploadPolicy uploads,
                Map<String, Quota> quotas) {
            this(permissions, tls, uploads, quotas, null);
        }

        public UserOverride(Map<String, Set<Permission>> permissions, Policy tls, UploadPolicy uploads) {
            this(permissions, tls, uploads, Map.of());
        }

        public UserOverride(Map<String, Set<Permission>> permissions, Policy tls) {
            this(permissions, tls, null);
        }

        public boolean requiresTls() {
            return tls == Policy.REQUIRED;
        }
    }

    /**
     * @param maxSessions           control connections at once, in total
     * @param maxSessionsPerAddress control connections at once from one client address
     * @param maxLineLength         the longest command line accepted, in bytes
     * @param maxLoginAttempts      failed logins before the connection is closed
     * @param maxFailedCommands     commands in a row answered with an error (5xx) before the connection is closed
     * @param maxExpansion          how many times its compressed size a MODE Z upload may grow to, once past
     *                              64 MiB, so that a small "zip bomb" cannot fill the disk
     * @param bandwidth             the rates file data may move at, for the whole server and for each user
     */
    public record Limits(int maxSessions, int maxSessionsPerAddress, int maxLineLength, int maxLoginAttempts,
            int maxFailedCommands, int maxExpansion, Bandwidth bandwidth) {

        /** Limits without bandwidth limits. */
        public Limits(int maxSessions, int maxSessionsPerAddress, int maxLineLength, int maxLoginAttempts,
                int maxFailedCommands, int maxExpansion) {
            this(maxSessions, maxSessionsPerAddress, maxLineLength, maxLoginAttempts, maxFailedCommands, maxExpansion,
                    Bandwidth.NONE);
        }
    }

    /**
     * @param server all transfers together
     * @param user   all the transfers of one user together, unless the user's override says otherwise
     */
    public record Bandwidth(Rates server, Rates user) {
        public static final Bandwidth NONE = new Bandwidth(Rates.UNLIMITED, Rates.UNLIMITED);
    }

    /**
     * Bytes a second of file data, each {@link #NO_LIMIT} when it has none.
     *
     * @param up   uploads, from clients to the server
     * @param down downloads and listings
     */
    public record Rates(long up, long down) {
        public static final long NO_LIMIT = Long.MAX_VALUE;
        public static final Rates UNLIMITED = new Rates(NO_LIMIT, NO_LIMIT);
    }

    /**
     * Against password guessing, per client address and across its connections.
     *
     * @param failureDelay     how long the reply to the first failed login waits; each further failure doubles it
     * @param maxFailureDelay  the longest wait
     * @param banAfterFailures failed logins in a row after which the address is refused
     * @param banDuration      how long it is refused
     */
    public record Logins(Duration failureDelay, Duration maxFailureDelay, int banAfterFailures, Duration banDuration) {}

    /**
     * @param controlIdle how long a session may wait for a command before it is closed with 421
     * @param dataSetup   how long opening a data connection may take before 425
     * @param dataStall   how long a transfer may make no progress before 426
     * @param drain       how long a stop (SIGTERM, {@code loomftp stop}) lets running transfers
     *                    finish before it cuts them off
     */
    public record Timeouts(Duration controlIdle, Duration dataSetup, Duration dataStall, Duration drain) {
        /** The default {@code drain}. */
        public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

        /** Timeouts with the default drain. */
        public Timeouts(Duration controlIdle, Duration dataSetup, Duration dataStall) {
            this(controlIdle, dataSetup, dataStall, DEFAULT_DRAIN);
        }
    }

    /**
     * @param level        the lowest level written
     * @param file         a log file written besides the console, or null for the console only
     * @param xferlog      a transfer log in wu-ftpd's xferlog format, or null for none
     * @param transferJson a transfer log of JSON lines, or null for none
     */
    public record Logging(Level level, Path file, Path xferlog, Path transferJson) {
        /** Without transfer logs. */
        public Logging(Level level, Path file) {
            this(level, file, null, null);
        }
    }

    /** Log levels, lowest first. */
    public enum Level {
        TRACE, DEBUG, INFO, WARN, ERROR
    }

    /**
     * FTPS (RFC 4217).
     *
     * @param control             whether clients may ({@code OPTIONAL}) or must ({@code REQUIRED}) protect the
     *                            control connection with AUTH TLS, or {@code OFF} to offer no TLS at all
     * @param data                whether data connections may or must be protected with PROT P
     * @param implicitListeners   listeners where TLS starts at once, without AUTH (usually port 990)
     * @param certificate         a PEM file with the certificate chain, or null
     * @param privateKey          the PEM file of its private key (PKCS#8), when {@code certificate} is set
     * @param keystore            a PKCS#12 keystore with the key and chain; used when no PEM is set, and
     *                            generated with a self-signed certificate when it does not exist
     * @param keystorePassword    the keystore's password, or null for a generated keystore, whose password is
     *                            kept in a file beside it
     * @param requireSessionReuse whether a protected data connection must resume the control connection's TLS
     *                            session, so that nobody else can take it over
     * @param allowCcc            whether CCC may turn TLS off on the control connection after login (for
     *                            firewalls that must read it); never when {@code control} is required
     */
    public record Tls(Policy control, Policy data, List<Listener> implicitListeners, Path certificate,
            Path privateKey, Path keystore, String keystorePassword, boolean requireSessionReuse, boolean allowCcc) {
        public Tls {
            implicitListeners = List.copyOf(implicitListeners);
        }

        /** Settings without CCC. */
        public Tls(Policy control, Policy data, List<Listener> implicitListeners, Path certificate, Path privateKey,
                Path keystore, String keystorePassword, boolean requireSessionReuse) {
            this(control, data, implicitListeners, certificate, privateKey, keystore, keystorePassword,
                    requireSessionReuse, false);
        }

        public boolean enabled() {
            return control != Policy.OFF;
        }
    }

    /** Whether a protection is offered or required. */
    public enum Policy {
        OFF, OPTIONAL, REQUIRED
    }

    /**
     * @param pidFile where {@code loomftp serve} writes its process id, for {@code loomftp stop}
     *                and {@code loomftp reload}, or null for none
     */
    public record Service(Path pidFile) {}

    /**
     * @param listener where Prometheus scrapes {@code /metrics}, or null for no endpoint
     */
    public record Metrics(Listener listener) {
        public static final Metrics OFF = new Metrics(null);
    }

    /**
     * @param concurrency how many hooks may run at once
     * @param queue       how many more may wait; an event past that is dropped and logged
     * @param hooks       what runs, for which events
     */
    public record Hooks(int concurrency, int queue, List<Hook> hooks) {
        public static final Hooks NONE = new Hooks(1, 0, List.of());

        public Hooks {
            hooks = List.copyOf(hooks);
        }
    }

    /**
     * One hook: a command (its arguments, never a shell line) or a URL to POST JSON to.
     *
     * @param events  the events it runs for: upload, download, login, login-failed, delete, rename, mkdir
     * @param command the program and its arguments, or null
     * @param url     an http or https URL, or null
     * @param timeout how long it may take; a command still running then is killed
     * @param retries how many times a URL is tried again after a failure or a status outside 2xx
     */
    public record Hook(Set<String> events, List<String> command, java.net.URI url, Duration timeout, int retries) {
        public Hook {
            events = Set.copyOf(events);
            command = command == null ? null : List.copyOf(command);
        }
    }
}

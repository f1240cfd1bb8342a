package dev.loomftp.config;

import dev.loomftp.config.Config.Access;
import dev.loomftp.config.Config.Level;
import dev.loomftp.config.Config.Limits;
import dev.loomftp.config.Config.Listener;
import dev.loomftp.config.Config.Logging;
import dev.loomftp.config.Config.Logins;
import dev.loomftp.config.Config.Mount;
import dev.loomftp.config.Config.ObjectStore;
import dev.loomftp.config.Config.Passive;
import dev.loomftp.config.Config.Policy;
import dev.loomftp.config.Config.Service;
import dev.loomftp.config.Config.Storage;
import dev.loomftp.config.Config.Timeouts;
import dev.loomftp.config.Config.Tls;
import dev.loomftp.config.Config.UserOverride;
import dev.loomftp.config.Config.Users;
import dev.loomftp.protocol.Cidr;
import dev.loomftp.storage.Permission;
import dev.loomftp.storage.Quota;
import dev.loomftp.storage.UploadPolicy;
import dev.loomftp.users.UserNames;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a configuration document into a {@link Config}: it knows the schema, so it rejects unknown keys, converts
 * each value to its Java type and checks its range. A {@code Config} that comes out of here is one the server can
 * start with; everything wrong with the document is reported as a {@link ConfigException}, one problem at a time.
 */
final class ConfigBinder {
    private static final int MIN_PASSIVE_PORT = 1024;
    private static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|h)");
    private static final Map<String, ChronoUnit> DURATION_UNITS = Map.of(
            "ms", ChronoUnit.MILLIS, "s", ChronoUnit.SECONDS, "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS);
    /** The lowest bandwidth limit: below it, a transfer would trip the clients' own timeouts. */
    private static final long MIN_RATE = 1024;
    private static final Pattern BYTE_SIZE = Pattern.compile("(\\d{1,15})([KMGT]?)");
    /** S3's rule for bucket names (without the rarer ones about look-alike IP addresses). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    /** A DNS name: labels of letters, digits and hyphens, with at least one letter somewhere. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.*[A-Za-z])[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String HOME = "/";

    private final Path baseDir;

    private ConfigBinder(Path baseDir) {
        this.baseDir = baseDir;
    }

    /**
     * Reads {@code document} into a {@code Config}.
     *
     * @param baseDir the absolute folder that relative paths in the document are taken from
     */
    static Config bind(JsonDocument document, Path baseDir) throws ConfigException {
        return new ConfigBinder(baseDir).config(ConfigNode.root(document));
    }

    private Config config(ConfigNode root) throws ConfigException {
        root.object("listeners", "passive", "storage", "users", "limits", "logins", "timeouts", "logging", "tls",
                "service", "metrics", "hooks");
        Storage storage = storage(root.get("storage"));
        List<Listener> listeners = listeners(root.get("listeners"));
        return new Config(
                listeners,
                passive(root.get("passive"), listeners),
                storage,
                users(root.get("users"), storage),
                limits(root.get("limits")),
                logins(root.get("logins")),
                timeouts(root.get("timeouts")),
                logging(root.get("logging")),
                tls(root.get("tls")),
                service(root.get("service")),
                metrics(root.get("metrics")),
                hooks(root.get("hooks")));
    }

    /** The events a hook may name. */
    private static final List<String> HOOK_EVENTS =
            List.of("upload", "download", "login", "login-failed", "delete", "rename", "mkdir");

    private static Config.Hooks hooks(ConfigNode node) throws ConfigException {
        node.object("concurrency", "queue", "run");
        List<Config.Hook> hooks = new ArrayList<>();
        for (ConfigNode hook : node.get("run").elements()) {
            hooks.add(hook(hook));
        }
        return new Config.Hooks(node.get("concurrency").integer(1, 1000), node.get("queue").integer(0, 1_000_000),
                hooks);
    }

    /** {@code {"events": ["upload"], "command": ["/usr/local/bin/scan", "--quiet"], "timeout": "30s"}}, or a "url". */
    private static Config.Hook hook(ConfigNode node) throws ConfigException {
        node.object("events", "command", "url", "timeout", "retries");
        Set<String> events = new java.util.LinkedHashSet<>();
        for (ConfigNode event : node.get("events").elements()) {
            String name = event.string();
            if (!HOOK_EVENTS.contains(name)) {
                throw event.error("must be one of " + HOOK_EVENTS.stream().map(ConfigNode::quote).toList() + ", not "
                        + event.describe());
            }
            events.add(name);
        }
        if (events.isEmpty()) {
            throw node.get("events").error("must name at least one event");
        }
        boolean command = node.has("command") && !node.get("command").isNull();
        boolean url = node.has("url") && !node.get("url").isNull();
        if (command == url) {
            throw node.error("must have either a \"command\" or a \"url\"");
        }
        List<String> arguments = null;
        if (command) {
            arguments = new ArrayList<>();
            for (ConfigNode argument : node.get("command").elements()) {
                arguments.add(argument.string());
            }
            if (arguments.isEmpty() || arguments.getFirst().isBlank()) {
                throw node.get("command").error("must start with the program to run");
            }
        }
        java.net.URI uri = url ? hookUrl(node.get("url")) : null;
        Duration timeout = node.has("timeout") ? duration(node.get("timeout")) : Duration.ofSeconds(10);
        int retries = node.has("retries") ? node.get("retries").integer(0, 10) : 2;
        return new Config.Hook(events, arguments, uri, timeout, retries);
    }

    private static java.net.URI hookUrl(ConfigNode node) throws ConfigException {
        try {
            java.net.URI uri = new java.net.URI(node.string());
            if (uri.getScheme() == null || !uri.getScheme().equals("http") && !uri.getScheme().equals("https")
                    || uri.getHost() == null) {
                throw node.error("must be an http or https URL, not " + node.describe());
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw node.error("must be an http or https URL, not " + node.describe());
        }
    }

    private static Config.Metrics metrics(ConfigNode node) throws ConfigException {
        node.object("listener");
        ConfigNode listener = node.get("listener");
        return listener.isNull() ? Config.Metrics.OFF : new Config.Metrics(listener(listener));
    }

    private Service service(ConfigNode node) throws ConfigException {
        node.object("pidFile");
        return new Service(optionalPath(node.get("pidFile")));
    }

    private Tls tls(ConfigNode node) throws ConfigException {
        node.object("control", "data", "implicitListeners", "certificate", "privateKey", "keystore",
                "keystorePassword", "requireSessionReuse", "allowCcc");
        Policy control = choice(node.get("control"), Policy.class);
        ConfigNode dataNode = node.get("data");
        Policy data = choice(dataNode, Policy.class);
        if (control == Policy.OFF && data != Policy.OFF || control != Policy.OFF && data == Policy.OFF) {
            throw dataNode.error("must be \"off\" exactly when tls.control is \"off\", not " + dataNode.describe());
        }
        ConfigNode implicitNode = node.get("implicitListeners");
        List<Listener> implicit = new ArrayList<>();
        for (ConfigNode element : implicitNode.elements()) {
            implicit.add(listener(element));
        }
        if (control == Policy.OFF && !implicit.isEmpty()) {
            throw implicitNode.error("must be empty when tls.control is \"off\"");
        }
        ConfigNode certificate = node.get("certificate");
        ConfigNode privateKey = node.get("privateKey");
        if (certificate.isNull() != privateKey.isNull()) {
            throw (certificate.isNull() ? privateKey : certificate).error(
                    "must be set together with " + (certificate.isNull() ? "tls.certificate" : "tls.privateKey"));
        }
        ConfigNode password = node.get("keystorePassword");
        return new Tls(control, data, implicit, certificate.isNull() ? null : path(certificate),
                privateKey.isNull() ? null : path(privateKey), path(node.get("keystore")),
                password.isNull() ? null : password.string(), node.get("requireSessionReuse").bool(),
                node.get("allowCcc").bool());
    }

    private static List<Listener> listeners(ConfigNode node) throws ConfigException {
        List<Listener> listeners = new ArrayList<>();
        for (ConfigNode element : node.elements()) {
            listeners.add(listener(element));
        }
        if (listeners.isEmpty()) {
            throw node.error("must hold at least one listener");
        }
        return listeners;
    }

    private static Listener listener(ConfigNode node) throws ConfigException {
        node.object("address", "port", "proxyFrom");
        String address = node.has("address") ? listenAddress(node.get("address")) : Listener.ALL_INTERFACES;
        List<Cidr> proxyFrom = new ArrayList<>();
        if (node.has("proxyFrom")) {
            for (ConfigNode network : node.get("proxyFrom").elements()) {
                proxyFrom.add(network(network));
            }
        }
        return new Listener(address, node.get("port").integer(0, Config.MAX_PORT), proxyFrom);
    }

    private static String listenAddress(ConfigNode node) throws ConfigException {
        String address = node.string();
        if (!address.equals(Listener.ALL_INTERFACES) && !isIpv4Literal(address) && !isIpv6Literal(address)) {
            throw node.error("must be \"*\" or an IP address such as 127.0.0.1 or ::1 (host names are not looked up),"
                    + " not " + node.describe());
        }
        return address;
    }

    /**
     * The passive settings; {@code proxyProtocol} left {@code null} is on when a listener has a
     * proxy in front, so that a data connection through it has to name its client.
     */
    private static Passive passive(ConfigNode node, List<Listener> listeners) throws ConfigException {
        node.object("minPort", "maxPort", "advertisedAddress", "addressByNetwork", "proxyProtocol");
        ConfigNode minNode = node.get("minPort");
        int minPort = minNode.integer(MIN_PASSIVE_PORT, Config.MAX_PORT);
        ConfigNode maxNode = node.get("maxPort");
        int maxPort = maxNode.integer(MIN_PASSIVE_PORT, Config.MAX_PORT);
        if (maxPort < minPort) {
            throw blameFirst(minNode, maxNode)
                    ? minNode.error("must be at most passive.maxPort (" + maxPort + "), not " + minPort)
                    : maxNode.error("must be at least passive.minPort (" + minPort + "), not " + maxPort);
        }
        ConfigNode advertised = node.get("advertisedAddress");
        List<Config.PassiveAddress> byNetwork = new ArrayList<>();
        for (ConfigNode rule : node.get("addressByNetwork").elements()) {
            byNetwork.add(passiveAddress(rule));
        }
        ConfigNode proxyProtocol = node.get("proxyProtocol");
        return new Passive(minPort, maxPort, advertised.isNull() ? null : advertisedAddress(advertised), byNetwork,
                proxyProtocol.isNull() ? listeners.stream().anyMatch(listener -> !listener.proxyFrom().isEmpty())
                        : proxyProtocol.bool());
    }

    private static Cidr network(ConfigNode node) throws ConfigException {
        try {
            return Cidr.parse(node.string());
        } catch (IllegalArgumentException e) {
            throw node.error("must be a network such as \"192.168.0.0/16\" or \"fd00::/8\" (" + e.getMessage()
                    + "), not " + node.describe());
        }
    }

    /** {@code {"network": "192.168.0.0/16", "address": "192.168.1.10"}}, the address an IPv4 literal or a host name. */
    private static Config.PassiveAddress passiveAddress(ConfigNode node) throws ConfigException {
        node.object("network", "address");
        Cidr network = network(node.get("network"));
        ConfigNode addressNode = node.get("address");
        String address = addressNode.string();
        if (!isIpv4Literal(address) && !HOST_NAME.matcher(address).matches()) {
            throw addressNode.error("must be an IPv4 address or a host name, not " + addressNode.describe());
        }
        return new Config.PassiveAddress(network, address);
    }

    private static String advertisedAddress(ConfigNode node) throws ConfigException {
        String address = node.string();
        if (!isIpv4Literal(address)) {
            throw node.error("must be null or an IPv4 address such as 203.0.113.7 (PASV replies carry IPv4 only),"
                    + " not " + node.describe());
        }
        return address;
    }

    private Storage storage(ConfigNode node) throws ConfigException {
        node.object("root", "mounts", "uploads");
        return new Storage(path(node.get("root")), mounts(node.get("mounts")),
                choice(node.get("uploads"), UploadPolicy.class));
    }

    private static List<Mount> mounts(ConfigNode node) throws ConfigException {
        List<Mount> mounts = new ArrayList<>();
        Map<String, ConfigNode> byPath = new HashMap<>();
        for (ConfigNode element : node.elements()) {
            Mount mount = mount(element);
            ConfigNode earlier = byPath.putIfAbsent(mount.path(), element);
            if (earlier != null) {
                throw element.get("path").error(ConfigNode.quote(mount.path()) + " is already the path of "
                        + earlier.name());
            }
            mounts.add(mount);
        }
        if (!byPath.containsKey(HOME)) {
            throw node.error("must hold a mount with path \"/\", the user's home folder");
        }
        return mounts;
    }

    private static Mount mount(ConfigNode node) throws ConfigException {
        node.object("path", "source", "s3", "access", "permissions", "quota");
        String path = mountPath(node.get("path"));
        if (node.has("source") == node.has("s3")) {
            throw node.error("must have either \"source\" (a folder under storage.root) or \"s3\" (a bucket)");
        }
        String source = node.has("source") ? mountSource(node.get("source")) : null;
        ObjectStore objects = node.has("s3") ? objectStore(node.get("s3")) : null;
        Access access = node.has("access") ? choice(node.get("access"), Access.class) : Access.READ_WRITE;
        return new Mount(path, source, access,
                node.has("permissions") ? permissions(node.get("permissions")) : access.permissions(),
                node.has("quota") ? quota(node.get("quota")) : Quota.NONE, objects);
    }

    /**
     * {@code {"bucket": "ftp", "prefix": "homes/{user}/", "endpoint": "http://127.0.0.1:7480",
     * "region": "us-east-1", "pathStyle": true, "profile": "ftp", "partSize": "8M",
     * "partsInFlight": 1}}: only the bucket is needed.
     */
    private static ObjectStore objectStore(ConfigNode node) throws ConfigException {
        node.object("bucket", "prefix", "endpoint", "region", "pathStyle", "profile", "partSize", "partsInFlight");
        String bucket = node.get("bucket").string();
        if (!BUCKET.matcher(bucket).matches()) {
            throw node.get("bucket").error("must be a bucket name: 3 to 63 lower-case letters, digits, dots and"
                    + " hyphens, not " + node.get("bucket").describe());
        }
        String prefix = node.has("prefix") ? objectPrefix(node.get("prefix")) : "";
        java.net.URI endpoint = null;
        if (node.has("endpoint")) {
            try {
                endpoint = new java.net.URI(node.get("endpoint").string());
            } catch (java.net.URISyntaxException e) {
                endpoint = null;
            }
            if (endpoint == null || endpoint.getHost() == null
                    || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
                throw node.get("endpoint").error("must be an http:// or https:// address, like"
                        + " \"https://s3.example.com\", not " + node.get("endpoint").describe());
            }
        }
        String region = node.has("region") ? node.get("region").string() : ObjectStore.DEFAULT_REGION;
        if (region.isBlank()) {
            throw node.get("region").error("must not be empty");
        }
        long partSize = node.has("partSize") ? byteSize(node.get("partSize")) : ObjectStore.DEFAULT_PART_SIZE;
        if (partSize < 5L * 1024 * 1024 || partSize > 1024L * 1024 * 1024) {
            throw node.get("partSize").error("must be from 5M to 1G, as S3 takes parts of at least 5 MiB, not "
                    + node.get("partSize").describe());
        }
        return new ObjectStore(bucket, prefix, endpoint, region,
                node.has("pathStyle") ? node.get("pathStyle").bool() : endpoint != null,
                node.has("profile") ? node.get("profile").string() : null, partSize,
                node.has("partsInFlight") ? node.get("partsInFlight").integer(1, 16)
                        : ObjectStore.DEFAULT_PARTS_IN_FLIGHT);
    }

    /** Folder names joined by "/", as a key prefix: "" or ending with "/", never climbing out. */
    private static String objectPrefix(ConfigNode node) throws ConfigException {
        String prefix = node.string();
        String trimmed = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return "";
        }
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw node.error("must be folder names joined by \"/\", like \"homes/{user}/\", not "
                        + node.describe());
            }
        }
        return trimmed + "/";
    }

    /** {@code {"bytes": "10G", "files": 100000}}; either may be left out, or null, for no limit. */
    private static Quota quota(ConfigNode node) throws ConfigException {
        node.object("bytes", "files");
        boolean bytes = node.has("bytes") && !node.get("bytes").isNull();
        boolean files = node.has("files") && !node.get("files").isNull();
        return new Quota(bytes ? byteSize(node.get("bytes")) : Quota.UNLIMITED,
                files ? node.get("files").integer(0, Integer.MAX_VALUE) : Quota.UNLIMITED);
    }

    /** A size as a whole number and an optional unit: K, M, G or T, each 1024 times the one before. */
    private static long byteSize(ConfigNode node) throws ConfigException {
        Matcher matcher = BYTE_SIZE.matcher(node.string());
        if (!matcher.matches()) {
            throw node.error("must be a whole number of bytes, with K, M, G or T after it for 1024 of the one"
                    + " before, like \"10G\", not " + node.describe());
        }
        int shift = 10 * "BKMGT".indexOf(matcher.group(2).isEmpty() ? "B" : matcher.group(2));
        long amount = Long.parseLong(matcher.group(1));
        if (amount > Long.MAX_VALUE >> shift) {
            throw node.error("is too large: " + node.describe());
        }
        return amount << shift;
    }

    /** A list of permissions, like ["list", "read"]. */
    private static Set<Permission> permissions(ConfigNode node) throws ConfigException {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (ConfigNode element : node.elements()) {
            permissions.add(choice(element, Permission.class));
        }
        return permissions;
    }

    /** "/" or "/" and one folder name: the virtual file system is one level deep. */
    private static String mountPath(ConfigNode node) throws ConfigException {
        String path = node.string();
        String folder = path.startsWith(HOME) ? path.substring(1) : null;
        boolean valid = path.equals(HOME) || (folder != null && isPlainName(folder));
        if (!valid) {
            throw node.error("must be \"/\" or \"/\" followed by one folder name, like \"/Public\", not "
                    + node.describe());
        }
        return path;
    }

    /** A relative path under the data root that cannot climb out of it. */
    private static String mountSource(ConfigNode node) throws ConfigException {
        String source = node.string();
        if (source.isEmpty()) {
            throw node.error("must not be empty");
        }
        if (source.startsWith("/") || source.startsWith("\\")) {
            throw node.error("must be relative to storage.root, not " + node.describe());
        }
        if (Arrays.asList(source.split("[/\\\\]")).contains("..")) {
            throw node.error("must not contain \"..\", not " + node.describe());
        }
        return source;
    }

    private static boolean isPlainName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c));
    }

    private Users users(ConfigNode node, Storage storage) throws ConfigException {
        node.object("file", "anonymous", "overrides", "passwordCache", "database");
        Map<String, UserOverride> overrides = new HashMap<>();
        Map<String, ConfigNode> byKey = new HashMap<>();
        for (Map.Entry<String, ConfigNode> user : node.get("overrides").fields().entrySet()) {
            ConfigNode first = byKey.putIfAbsent(UserNames.key(user.getKey()), user.getValue());
            if (first != null) {
                throw user.getValue().keyError("names the same user as " + first.name() + " (user names ignore case)");
            }
            overrides.put(user.getKey(), userOverride(user.getValue(), storage));
        }
        return new Users(path(node.get("file")), node.get("anonymous").bool(), overrides,
                node.get("passwordCache").integer(0, Users.MAX_PASSWORD_CACHE),
                node.has("database") && !node.get("database").isNull() ? database(node.get("database")) : null);
    }

    /**
     * {@code {"url": "jdbc:postgresql://db.example.com:5432/loomftp", "user": "loomftp",
     * "maxConnections": 10}}; "postgresql://..." is taken too, as libpq writes it.
     */
    private static Config.Database database(ConfigNode node) throws ConfigException {
        if (node.has("password")) {
            throw node.get("password").keyError("is not kept in the configuration: give the password in"
                    + " PGPASSWORD or a pgpass file (PGPASSFILE, else ~/.pgpass), as for psql");
        }
        node.object("url", "user", "maxConnections");
        String url = node.get("url").string();
        String jdbc = url.startsWith("postgresql://") ? "jdbc:" + url : url;
        java.net.URI parsed = null;
        if (jdbc.startsWith("jdbc:postgresql://")) {
            try {
                parsed = new java.net.URI(jdbc.substring("jdbc:".length()));
            } catch (java.net.URISyntaxException e) {
                parsed = null;
            }
        }
        if (parsed != null && (parsed.getRawAuthority() != null && parsed.getRawAuthority().contains("@")
                || parsed.getRawQuery() != null && parsed.getRawQuery().toLowerCase(Locale.ROOT).contains("password"))) {
            // Not shown: what comes before '@' may be a password.
            throw node.get("url").error("must not name a user or password: give the role in users.database.user,"
                    + " and the password in PGPASSWORD or a pgpass file");
        }
        if (parsed == null || parsed.getHost() == null || parsed.getPath() == null || parsed.getPath().length() < 2) {
            throw node.get("url").error("must be like \"jdbc:postgresql://db.example.com:5432/loomftp\" (a host and"
                    + " a database), not " + node.get("url").describe());
        }
        String user = node.get("user").string();
        if (user.isBlank()) {
            throw node.get("user").error("must name the database role the nodes log in as");
        }
        return new Config.Database(jdbc, user, node.has("maxConnections")
                ? node.get("maxConnections").integer(2, 1000) : Config.Database.DEFAULT_MAX_CONNECTIONS);
    }

    /**
     * One user's override, written as in {@code users.overrides} (as the database keeps it), checked
     * against the mounts of {@code storage}.
     *
     * @param source what the text is, for messages
     */
    static UserOverride userOverride(String source, String json, Storage storage) throws ConfigException {
        return userOverride(ConfigNode.root(JsonDocument.parse(source,
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8))), storage);
    }

    /** One user's override: permissions by mount path, whether TLS is required, and the upload policy. */
    private static UserOverride userOverride(ConfigNode node, Storage storage) throws ConfigException {
        node.object("permissions", "tls", "uploads", "quotas", "bandwidth");
        Map<String, Set<Permission>> permissions = new HashMap<>();
        if (node.has("permissions")) {
            for (Map.Entry<String, ConfigNode> mount : node.get("permissions").fields().entrySet()) {
                knownMount(mount.getValue(), mount.getKey(), storage);
                permissions.put(mount.getKey(), permissions(mount.getValue()));
            }
        }
        Policy tls = node.has("tls") ? choice(node.get("tls"), Policy.class) : null;
        if (tls == Policy.OFF) {
            throw node.get("tls").error("must be \"optional\" or \"required\", not \"off\"");
        }
        Map<String, Quota> quotas = new HashMap<>();
        if (node.has("quotas")) {
            for (Map.Entry<String, ConfigNode> mount : node.get("quotas").fields().entrySet()) {
                knownMount(mount.getValue(), mount.getKey(), storage);
                quotas.put(mount.getKey(), quota(mount.getValue()));
            }
        }
        return new UserOverride(permissions, tls,
                node.has("uploads") ? choice(node.get("uploads"), UploadPolicy.class) : null, quotas,
                node.has("bandwidth") ? rates(node.get("bandwidth")) : null);
    }

    private static void knownMount(ConfigNode node, String path, Storage storage) throws ConfigException {
        if (storage.mounts().stream().noneMatch(known -> known.path().equals(path))) {
            throw node.error("names no mount: the mount paths are " + storage.mounts().stream()
                    .map(known -> ConfigNode.quote(known.path())).toList());
        }
    }

    private static Limits limits(ConfigNode node) throws ConfigException {
        node.object("maxSessions", "maxSessionsPerAddress", "maxLineLength", "maxLoginAttempts", "maxFailedCommands",
                "maxExpansion", "bandwidth");
        ConfigNode maxSessionsNode = node.get("maxSessions");
        int maxSessions = maxSessionsNode.integer(1, 100_000);
        ConfigNode perAddressNode = node.get("maxSessionsPerAddress");
        int perAddress = perAddressNode.integer(1, 100_000);
        if (perAddress > maxSessions) {
            throw blameFirst(maxSessionsNode, perAddressNode)
                    ? maxSessionsNode.error("must be at least limits.maxSessionsPerAddress (" + perAddress + "), not "
                            + maxSessions)
                    : perAddressNode.error("must be at most limits.maxSessions (" + maxSessions + "), not "
                            + perAddress);
        }
        ConfigNode bandwidth = node.get("bandwidth").object("server", "user");
        return new Limits(maxSessions, perAddress,
                node.get("maxLineLength").integer(512, 1_048_576),
                node.get("maxLoginAttempts").integer(1, 100),
                node.get("maxFailedCommands").integer(1, 100_000),
                node.get("maxExpansion").integer(2, 1_000_000),
                new Config.Bandwidth(rates(bandwidth.get("server")), rates(bandwidth.get("user"))));
    }

    /** {@code {"up": "10M", "down": null}}: bytes a second, with K, M, G or T; left out or null for no limit. */
    private static Config.Rates rates(ConfigNode node) throws ConfigException {
        node.object("up", "down");
        return new Config.Rates(rate(node, "up"), rate(node, "down"));
    }

    private static long rate(ConfigNode node, String key) throws ConfigException {
        if (!node.has(key) || node.get(key).isNull()) {
            return Config.Rates.NO_LIMIT;
        }
        long rate = byteSize(node.get(key));
        if (rate < MIN_RATE) {
            throw node.get(key).error("must be at least 1K (1024 bytes a second), not " + node.get(key).describe());
        }
        return rate;
    }

    private static Logins logins(ConfigNode node) throws ConfigException {
        node.object("failureDelay", "maxFailureDelay", "banAfterFailures", "banDuration");
        Duration delay = duration(node.get("failureDelay"));
        ConfigNode maxNode = node.get("maxFailureDelay");
        Duration maxDelay = duration(maxNode);
        if (maxDelay.compareTo(delay) < 0) {
            throw maxNode.error("must be at least logins.failureDelay, not " + maxNode.describe());
        }
        return new Logins(delay, maxDelay, node.get("banAfterFailures").integer(1, 1_000_000),
                duration(node.get("banDuration")));
    }

    private static Timeouts timeouts(ConfigNode node) throws ConfigException {
        node.object("controlIdle", "dataSetup", "dataStall", "drain");
        return new Timeouts(duration(node.get("controlIdle")), duration(node.get("dataSetup")),
                duration(node.get("dataStall")), duration(node.get("drain")));
    }

    /** A whole number and a unit (ms, s, m or h), more than zero and at most a day. */
    private static Duration duration(ConfigNode node) throws ConfigException {
        Matcher matcher = DURATION.matcher(node.string());
        if (!matcher.matches()) {
            throw node.error("must be a whole number followed by ms, s, m or h, like \"30s\", not " + node.describe());
        }
        long amount = Long.parseLong(matcher.group(1));
        ChronoUnit unit = DURATION_UNITS.get(matcher.group(2));
        if (amount == 0 || amount > MAX_TIMEOUT.dividedBy(unit.getDuration())) {
            throw node.error("must be more than 0 and at most 24h, not " + node.describe());
        }
        return Duration.of(amount, unit);
    }

    private Path optionalPath(ConfigNode node) throws ConfigException {
        return node.isNull() ? null : path(node);
    }

    private Logging logging(ConfigNode node) throws ConfigException {
        node.object("level", "file", "xferlog", "transferJson");
        return new Logging(choice(node.get("level"), Level.class), optionalPath(node.get("file")),
                optionalPath(node.get("xferlog")), optionalPath(node.get("transferJson")));
    }

    /**
     * Of two values that contradict each other, whether to report the first rather than the second: only when the
     * first is in the operator's file and the second comes from the default, which the operator cannot edit.
     */
    private static boolean blameFirst(ConfigNode first, ConfigNode second) {
        return first.isFromTop() && !second.isFromTop();
    }

    /** A file or folder name, taken from {@link #baseDir} when relative. */
    private Path path(ConfigNode node) throws ConfigException {
        String text = node.string();
        if (text.isBlank()) {
            throw node.error("must not be empty");
        }
        try {
            return baseDir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw node.error("is not a valid path: " + node.describe());
        }
    }

    /** One of the constants of {@code type}, spelt in lower case with "-" for "_", like "read-only". */
    private static <E extends Enum<E>> E choice(ConfigNode node, Class<E> type) throws ConfigException {
        String text = node.string();
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            String name = constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
            if (name.equalsIgnoreCase(text)) {
                return constant;
            }
            names.add(ConfigNode.quote(name));
        }
        throw node.error("must be one of " + String.join(", ", names) + ", not " + node.describe());
    }

    /**
     * A dotted-quad IPv4 address. The JDK also takes short forms such as "127.1", which look like typos in a
     * configuration, so the shape is checked first.
     */
    private static boolean isIpv4Literal(String text) {
        if (!DOTTED_QUAD.matcher(text).matches()) {
            return false;
        }
        try {
            Inet4Address.ofLiteral(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** An IPv6 address without brackets; parsed as a literal, never looked up. */
    private static boolean isIpv6Literal(String text) {
        if (text.indexOf(':') < 0 || text.startsWith("[")) {
            return false;
        }
        try {
            InetAddress.ofLiteral(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

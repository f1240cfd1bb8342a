package dev.loomftp.server;

import dev.loomftp.config.Config;
import dev.loomftp.protocol.Cidr;
import dev.loomftp.protocol.DataAddress;
import dev.loomftp.protocol.ProxyHeader;
import dev.loomftp.s3.OrphanUploads;
import dev.loomftp.s3.S3Clients;
import dev.loomftp.storage.StorageOpener;
import dev.loomftp.tls.TlsContext;
import dev.loomftp.users.UserStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.tinylog.Logger;

/**
 * A running FTP server. The thread tree is:
 *
 * <pre>
 * loomftp-acceptor              platform thread; owns the server scope
 * └─ loomftp-session-N          one virtual thread per control connection; owns the session scope
 *    ├─ loomftp-control-N       reads the control connection
 *    ├─ loomftp-transfer-N      one data transfer, in a scope the session opens for it
 *    └─ loomftp-step-N          the control connection's TLS handshake, under its deadline
 * </pre>
 *
 * The acceptor takes a session permit before each {@code accept()}, so no more than
 * {@code limits.maxSessions} sessions ever run; a client that comes when none is left gets 421 at
 * once.
 *
 * <p>Two ways to stop. {@link #drain} is the operator's (SIGTERM, {@code loomftp stop}): new
 * connections get 421 while the listeners stay open, each session says 421 as soon as it waits for
 * a command, and running transfers go on to their end, for up to the drain time; then it does what
 * {@link #close()} does. {@link #close()} is the quick one (a second Ctrl-C, tests): it interrupts
 * the acceptor, which stops every session: each says 421 as soon as it waits for a command (a
 * session's thread reads its control connection itself, and interrupting that read would close the
 * socket before the 421), and a transfer is cut off with 426 before it. After {@link #STOP_GRACE}
 * the acceptor's scope cancels whatever is left, and {@code close()} returns once all threads
 * have ended.
 *
 * <p>{@link #reload} puts a new configuration in force for the sessions that start after it; the
 * running ones keep the settings they started with, so that nothing changes under a transfer.
 */
public final class FtpServer implements AutoCloseable {
    private static final ThreadFactory SESSIONS = Thread.ofVirtual().name("loomftp-session-", 0).factory();
    /**
     * Connections the kernel may hold complete but not yet accepted. A storm of a thousand clients
     * connecting at once overflowed 128: the kernel dropped their handshakes and they tried again
     * seconds later, some after their own timeouts. Linux caps it at net.core.somaxconn (4096 by
     * default), and what is held costs nothing until it is accepted.
     */
    private static final int BACKLOG = 1024;
    /**
     * How long a stop waits for the sessions to say 421 and end by themselves, before it cancels
     * the rest: a session waiting for a command does so at once, a busy one after its command.
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);
    private static final byte[] FULL = "421 Too many users; try again later.\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHUTTING_DOWN =
            "421 The server is shutting down; try again later.\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What new sessions start with; {@link #reload} replaces it. */
    private volatile ServerContext context;
    private final ReentrantLock reloading = new ReentrantLock();
    private final List<ServerSocketChannel> listeners;
    private final Selector selector;
    private final Semaphore permits;
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong sessionIds = new AtomicLong();
    /** The sessions that run, so that a stop can reach each of them. */
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    /** Notified when the last session ends, for a stop that waits for them. */
    private final Object allEnded = new Object();
    /** Where Prometheus scrapes, when the configuration asks for it. */
    private MetricsEndpoint metricsEndpoint;
    private volatile boolean draining;
    /** The acceptor's own: whether it closed the listeners behind a load balancer for a drain. */
    private boolean proxiedListenersClosed;
    private volatile boolean stopping;
    private final Thread acceptor;

    private FtpServer(ServerContext context, List<ServerSocketChannel> listeners, Selector selector) {
        this.context = context;
        this.listeners = listeners;
        this.selector = selector;
        this.permits = new Semaphore(context.config().limits().maxSessions());
        this.acceptor = Thread.ofPlatform().name("loomftp-acceptor").unstarted(this::acceptAll);
    }

    /**
     * Creates the data folders, binds every listener and starts serving.
     *
     * @throws IOException when a folder cannot be created or a listener cannot be bound (as when
     *                     its port is in use)
     */
    public static FtpServer start(Config config, UserStore users) throws IOException {
        return start(config, SharedState.local(users), StorageOpener.LOCAL);
    }

    /**
     * Starts a server whose mounts {@code storages} opens.
     *
     * @throws IOException when a folder cannot be created or a listener cannot be bound
     */
    public static FtpServer start(Config config, UserStore users, StorageOpener storages) throws IOException {
        return start(config, SharedState.local(users), storages);
    }

    /**
     * Starts a server that keeps its users, bans and quota counters in {@code shared}, as the
     * nodes of one service do, and whose mounts {@code storages} opens.
     *
     * @throws IOException when a folder cannot be created or a listener cannot be bound
     */
    public static FtpServer start(Config config, SharedState shared, StorageOpener storages) throws IOException {
        UserStore users = shared.users();
        Config.Passive passive = config.passive();
        Optional<TlsContext> tls = tlsFor(config);
        TransferLog transferLog = TransferLog.open(config.logging(), java.time.ZoneId.systemDefault());
        S3Clients objectStores = new S3Clients();
        ServerContext context = new ServerContext(config, users, new PassivePorts(passive.minPort(), passive.maxPort()),
                tls, new LoginGuard(config.logins(), shared.logins(), java.time.Clock.systemUTC()), new LongAdder(),
                transferLog, storages, shared.quotas(), new Metrics(), new BandwidthBook(config),
                new Hooks(config.hooks()), objectStores);
        List<ServerSocketChannel> listeners = new ArrayList<>();
        Selector selector = Selector.open();
        FtpServer server;
        try {
            checkBuckets(context);
            createFolders(context);
            for (Config.Listener listener : config.listeners()) {
                listeners.add(listen(listener, selector, false));
            }
            for (Config.Listener listener : config.tls().implicitListeners()) {
                listeners.add(listen(listener, selector, true));
            }
            server = new FtpServer(context, List.copyOf(listeners), selector);
            if (config.metrics().listener() != null) {
                server.metricsEndpoint = MetricsEndpoint.start(config.metrics().listener(), server::exposition);
            }
        } catch (IOException | RuntimeException e) {
            closeAll(listeners, selector);
            transferLog.close();
            objectStores.close();
            throw e;
        }
        server.acceptor.start();
        for (InetSocketAddress address : server.addresses()) {
            Logger.info("listening on {}", format(address));
        }
        return server;
    }

    /** The addresses the listeners are bound to, with the ports the system chose for port 0. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (ServerSocketChannel listener : listeners) {
            try {
                addresses.add((InetSocketAddress) listener.getLocalAddress());
            } catch (IOException e) {
                // A closed listener has no address to show.
            }
        }
        return addresses;
    }

    private static Optional<TlsContext> tlsFor(Config config) throws IOException {
        return config.tls().enabled() ? Optional.of(TlsContext.load(config.tls())) : Optional.empty();
    }

    /** The configuration new sessions start with. */
    public Config config() {
        return context.config();
    }

    /**
     * Puts {@code next} in force for every session that starts from now on, with {@code users}
     * (the same store when its file and cache did not change). The certificate and the transfer
     * logs are read again, the folders of the new mounts made, and the failed-login record kept.
     * What a running server cannot change (its listeners, the session limit, the log level and
     * file) is logged and waits for a restart. Running sessions keep what they started with.
     *
     * @throws IOException when the certificate, a transfer log or a data folder of {@code next}
     *                     cannot be used; nothing has changed then
     */
    public void reload(Config next, UserStore users) throws IOException {
        reloading.lock();
        try {
            ServerContext current = context;
            Config.Passive passive = next.passive();
            PassivePorts ports = passive.equals(current.config().passive()) ? current.passivePorts()
                    : new PassivePorts(passive.minPort(), passive.maxPort());
            ServerContext candidate = new ServerContext(next, users, ports, tlsFor(next), current.loginGuard(),
                    current.internalErrors(), current.transferLog(), current.storages(), current.quotas(),
                    current.metrics(), new BandwidthBook(next),
                    next.hooks().equals(current.config().hooks()) ? current.hooks() : new Hooks(next.hooks()),
                    current.objectStores());
            checkBuckets(candidate);
            createFolders(candidate);
            current.transferLog().reconfigure(next.logging());
            current.loginGuard().reconfigure(next.logins());
            context = candidate;
            if (candidate.hooks() != current.hooks()) {
                // The hooks of the old configuration finish what they started, on a thread of their own.
                Thread.ofVirtual().name("loomftp-hooks-retired").start(current.hooks()::finish);
            }
            for (String unchanged : waitingForRestart(current.config(), next)) {
                Logger.warn("{} changed: that takes effect when the server is restarted", unchanged);
            }
            Logger.info("configuration reloaded: new sessions use it");
        } finally {
            reloading.unlock();
        }
    }

    /** The settings that differ between {@code before} and {@code after} but hold until a restart. */
    private static List<String> waitingForRestart(Config before, Config after) {
        List<String> changed = new ArrayList<>();
        if (!before.listeners().equals(after.listeners())
                || !before.tls().implicitListeners().equals(after.tls().implicitListeners())) {
            changed.add("listeners");
        }
        if (before.limits().maxSessions() != after.limits().maxSessions()) {
            changed.add("limits.maxSessions");
        }
        if (before.logging().level() != after.logging().level()) {
            changed.add("logging.level");
        }
        if (!java.util.Objects.equals(before.logging().file(), after.logging().file())) {
            changed.add("logging.file");
        }
        if (!java.util.Objects.equals(before.service().pidFile(), after.service().pidFile())) {
            changed.add("service.pidFile");
        }
        if (!before.metrics().equals(after.metrics())) {
            changed.add("metrics.listener");
        }
        return changed;
    }

    /** The metrics in Prometheus' text format, as the endpoint serves them. */
    public String exposition() {
        ServerContext current = context;
        return current.metrics().render(active::get, current.passivePorts()::openListeners);
    }

    /** Where the metrics endpoint listens, with the port the system chose for port 0; empty when it is off. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsEndpoint).map(MetricsEndpoint::address);
    }

    /** Opens the transfer logs again by their names, as after logrotate moved them away. */
    public void reopenLogs() {
        context.transferLog().reopen();
        Logger.info("transfer logs reopened");
    }

    /** Sessions that ended with an internal error: a bug, which tests expect never to see. */
    public long internalErrors() {
        return context.internalErrors().sum();
    }

    /** The sessions running now. */
    public int activeSessions() {
        return active.get();
    }

    /** The passive data listeners open now. */
    public int openPassiveListeners() {
        return context.passivePorts().openListeners();
    }

    /** Whether the server still accepts connections. */
    public boolean isRunning() {
        return acceptor.isAlive();
    }

    /** Waits until the server has stopped. */
    public void awaitStop() throws InterruptedException {
        acceptor.join();
    }

    /**
     * Stops gracefully: {@link #beginDrain}, then after {@code grace} whatever still runs is cut
     * off as {@link #close()} does. Returns once the server has stopped. A {@link #close()} from
     * another thread meanwhile cuts the wait short.
     */
    public void drain(Duration grace) {
        beginDrain();
        try {
            if (!awaitSessionsEnded(grace)) {
                Logger.warn("the drain time is over: cutting off {} sessions", active.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /**
     * From now on new connections get 421, and each session says 421 once its command (a
     * transfer included) is over. A listener behind a load balancer (one with {@code proxyFrom})
     * is closed instead: the balancer's health check fails at once, and a connection it was
     * sending here is refused, which HAProxy retries on another node ({@code option redispatch}),
     * so clients never see this node's 421. Returns at once; the server runs until it is closed.
     */
    public void beginDrain() {
        if (draining) {
            return;
        }
        draining = true;
        Logger.info("server draining: {} sessions may finish their transfers", active.get());
        sessions.forEach(Session::drain);
        // The acceptor closes them itself, between two selects: a listener closed under its
        // select could be accepted on after its close.
        selector.wakeup();
    }

    /**
     * Closes the listeners that a load balancer feeds, once the server drains. Runs on the
     * acceptor's thread only, between two selects.
     */
    private void closeProxiedListeners() {
        for (ServerSocketChannel listener : listeners) {
            SelectionKey key = listener.keyFor(selector);
            if (key != null && key.isValid() && key.attachment() instanceof Endpoint endpoint
                    && !endpoint.proxyFrom().isEmpty()) {
                try {
                    Logger.info("stopped listening on {}: the load balancer sends new sessions elsewhere",
                            format((InetSocketAddress) listener.getLocalAddress()));
                    key.cancel();
                    listener.close();
                } catch (IOException e) {
                    Logger.warn("a listener behind the load balancer did not close: {}", e.getMessage());
                }
            }
        }
    }

    /** Stops accepting, ends every session with 421, and waits until all of them have ended. */
    @Override
    public void close() {
        acceptor.interrupt();
        boolean interrupted = false;
        while (acceptor.isAlive()) {
            try {
                acceptor.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** An address as people type it: 127.0.0.1:21 or [::1]:21. */
    public static String format(InetSocketAddress address) {
        String host = DataAddress.text(address.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The acceptor's body: takes connections until interrupted, then cancels every session. */
    private void acceptAll() {
        try (var scope = StructuredTaskScope.open(Joiner.<Void>awaitAll(), c -> c.withThreadFactory(SESSIONS))) {
            Path root = context.config().storage().root();
            Instant started = Instant.now();
            scope.fork(() -> UploadLeftovers.sweep(root, started));
            for (Config.ObjectStore store : objectStores(context.config())) {
                scope.fork(() -> {
                    OrphanUploads.sweep(context.objectStores(), store, started);
                    return null;
                });
            }
            try {
                while (true) {
                    boolean permitted = permits.tryAcquire();
                    Accepted accepted;
                    try {
                        accepted = acceptNext();
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        if (permitted) {
                            permits.release();
                        }
                        throw e;
                    }
                    // A session may have ended while the acceptor waited.
                    permitted = permitted || permits.tryAcquire();
                    if (permitted && !draining) {
                        scope.fork(() -> serve(accepted.socket(), accepted.endpoint()));
                    } else {
                        if (permitted) {
                            permits.release();
                        }
                        refuse(accepted, draining ? SHUTTING_DOWN : FULL);
                    }
                }
            } catch (InterruptedException e) {
                Logger.info("server stopping: ending {} sessions", active.get());
            } catch (IOException | RuntimeException e) {
                Logger.error(e, "the acceptor failed; the server stops");
            }
            stopSessions();
            // Joining with the interrupt set returns at once; closing the scope then cancels
            // every session and waits for each to end.
            Thread.currentThread().interrupt();
            try {
                scope.join();
            } catch (InterruptedException e) {
                // Expected: the scope is closed next, which cancels the sessions.
            }
        } finally {
            closeAll(listeners, selector);
            if (metricsEndpoint != null) {
                metricsEndpoint.close();
            }
            context.hooks().close();
            context.transferLog().close();
            context.objectStores().close();
            Logger.info("server stopped");
        }
    }

    /** Asks every session to end at once, and waits up to {@link #STOP_GRACE} for them. */
    private void stopSessions() {
        stopping = true;
        sessions.forEach(Session::stopNow);
        try {
            awaitSessionsEnded(STOP_GRACE);
        } catch (InterruptedException e) {
            // Stop waiting: the scope cancels the sessions left.
        }
    }

    /** Waits until no session runs, for up to {@code limit}; returns whether none does. */
    private boolean awaitSessionsEnded(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (allEnded) {
            while (active.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(allEnded, left);
            }
        }
        return true;
    }

    /**
     * Answers a connection the server does not take (every session permit is taken, or it is
     * draining): {@code reply} at once, written without blocking (a client that does not read
     * gets nothing), then closed. On an implicit-TLS listener, where a clear-text reply means
     * nothing, it is only closed.
     */
    private static void refuse(Accepted accepted, byte[] reply) {
        try (SocketChannel socket = accepted.socket()) {
            if (!accepted.endpoint().implicitTls()) {
                socket.configureBlocking(false);
                socket.write(ByteBuffer.wrap(reply));
            }
            Logger.debug("refused a connection: {}", reply == FULL ? "every session is taken" : "draining");
        } catch (IOException e) {
            // The client has gone already.
        }
    }

    /** A new connection, and whether it came to an implicit-TLS listener. */
    private record Accepted(SocketChannel socket, Endpoint endpoint) {}

    /**
     * What a listener's connections start with: TLS at once (implicit FTPS), and a PROXY header
     * when they come from one of the {@code proxyFrom} networks.
     */
    private record Endpoint(boolean implicitTls, List<Cidr> proxyFrom) {
        boolean proxied(InetAddress peer) {
            return proxyFrom.stream().anyMatch(network -> network.contains(peer));
        }
    }

    /** Waits for a connection on any listener. */
    private Accepted acceptNext() throws IOException, InterruptedException {
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (draining && !proxiedListenersClosed) {
                closeProxiedListeners();
                proxiedListenersClosed = true;
            }
            selector.select();
            for (var keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                SelectionKey key = keys.next();
                keys.remove();
                if (!key.isValid()) {
                    continue;
                }
                SocketChannel socket = ((ServerSocketChannel) key.channel()).accept();
                if (socket != null) {
                    selector.selectedKeys().clear();
                    return new Accepted(socket, (Endpoint) key.attachment());
                }
            }
        }
    }

    /** One session, from its first reply to its end. Runs on the session's own virtual thread. */
    private Void serve(SocketChannel socket, Endpoint endpoint) {
        InetAddress address = null;
        active.incrementAndGet();
        ServerContext context = this.context;
        try {
            InetSocketAddress peer = (InetSocketAddress) socket.getRemoteAddress();
            Optional<Origin> origin = clientBehind(socket, peer, endpoint, context);
            if (origin.isEmpty()) {
                return null;
            }
            address = origin.get().client().getAddress();
            // Every reply is written whole, so Nagle's algorithm only delays it: a 226 written
            // right after a 150 would wait for the client's delayed ACK of the 150 (40 ms on
            // Linux), and every small file would cost that much.
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Session session = new Session(sessionIds.incrementAndGet(), context, socket, endpoint.implicitTls(),
                    origin.get());
            context.metrics().sessionStarted();
            int fromAddress = perAddress.merge(address, 1, Integer::sum);
            if (context.loginGuard().isBanned(address)) {
                Logger.info("refused a connection from banned {}", DataAddress.text(address));
                session.refuse("Too many failed logins from your address; try again later.");
            } else if (fromAddress > context.config().limits().maxSessionsPerAddress()) {
                Logger.warn("refused a connection from {}: {} sessions from there already", DataAddress.text(address),
                        fromAddress - 1);
                session.refuse("Too many connections from your address; try again later.");
            } else {
                sessions.add(session);
                // Forked as the server began to stop: it says 421 at once.
                if (draining) {
                    session.drain();
                }
                if (stopping) {
                    session.stopNow();
                }
                try {
                    session.run();
                } finally {
                    sessions.remove(session);
                }
            }
        } catch (IOException e) {
            Logger.debug("a connection ended before its session began: {}", FileErrors.reason(e));
        } catch (InterruptedException e) {
            Logger.debug("a connection ended before its session began: the server stops");
        } finally {
            if (address != null) {
                perAddress.computeIfPresent(address, (key, count) -> count > 1 ? count - 1 : null);
            }
            closeQuietly(socket);
            permits.release();
            if (active.decrementAndGet() == 0) {
                synchronized (allEnded) {
                    allEnded.notifyAll();
                }
            }
        }
        return null;
    }

    /**
     * The client of a connection: the peer itself, or, when the peer is a proxy the listener
     * trusts, the client its PROXY header names (the proxy itself for its own health checks).
     * Empty when a trusted proxy sent no valid header in time: the connection is closed unanswered,
     * since what came may not be FTP at all.
     */
    private static Optional<Origin> clientBehind(SocketChannel socket, InetSocketAddress peer,
            Endpoint endpoint, ServerContext context) throws InterruptedException {
        if (!endpoint.proxied(peer.getAddress())) {
            return Optional.of(Origin.direct(peer));
        }
        try {
            java.io.InputStream in = java.nio.channels.Channels.newInputStream(socket);
            Optional<InetSocketAddress> named = Deadline.within(context.config().timeouts().dataSetup(),
                    () -> ProxyHeader.read(in));
            return Optional.of(named.map(client -> new Origin(client, peer.getAddress(), false))
                    .orElseGet(() -> new Origin(peer, null, true)));
        } catch (IOException e) {
            Logger.warn("dropped a connection from proxy {}: {}", DataAddress.text(peer.getAddress()),
                    FileErrors.reason(e));
        } catch (java.util.concurrent.TimeoutException e) {
            Logger.warn("dropped a connection from proxy {}: no PROXY header in time", DataAddress.text(peer.getAddress()));
        }
        return Optional.empty();
    }

    /** Binds a listener; its key carries whether TLS starts at once on its connections (implicit FTPS). */
    private static ServerSocketChannel listen(Config.Listener listener, Selector selector, boolean implicitTls)
            throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(bindAddress(listener), BACKLOG);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_ACCEPT, new Endpoint(implicitTls, listener.proxyFrom()));
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static InetSocketAddress bindAddress(Config.Listener listener) {
        if (listener.address().equals(Config.Listener.ALL_INTERFACES)) {
            return new InetSocketAddress(listener.port());
        }
        return new InetSocketAddress(InetAddress.ofLiteral(listener.address()), listener.port());
    }

    /**
     * Checks that the bucket of every mount on object storage answers, so that a wrong name,
     * address or credential stops the start (or the reload) with the reason, rather than failing
     * each client.
     */
    private static void checkBuckets(ServerContext context) throws IOException {
        for (Config.ObjectStore store : objectStores(context.config())) {
            context.objectStores().check(store);
        }
    }

    /** The object stores of the mounts, one for each bucket and prefix. */
    private static List<Config.ObjectStore> objectStores(Config config) {
        return config.storage().mounts().stream().map(Config.Mount::objects).filter(java.util.Objects::nonNull)
                .distinct().toList();
    }

    /** The root, the shared folders, and a home for every user, so that a listing never misses them. */
    private static void createFolders(ServerContext context) throws IOException {
        java.nio.file.Files.createDirectories(context.config().storage().root());
        for (String name : context.users().names()) {
            try {
                context.viewFor(new dev.loomftp.users.User(name));
            } catch (IOException e) {
                Logger.warn("the folders of user {} cannot be created: {}", name, FileErrors.reason(e));
            }
        }
        for (Config.Mount mount : context.config().storage().mounts()) {
            if (mount.source() != null && mount.shared()) {
                java.nio.file.Files.createDirectories(context.config().storage().root().resolve(mount.source()));
            }
        }
    }

    private static void closeAll(List<ServerSocketChannel> listeners, Selector selector) {
        for (ServerSocketChannel listener : listeners) {
            closeQuietly(listener);
        }
        closeQuietly(selector);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Nothing more can be done for a channel that fails to close.
        }
    }
}

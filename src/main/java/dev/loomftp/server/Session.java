package dev.loomftp.server;

import dev.loomftp.config.Config;
import dev.loomftp.protocol.ControlLine;
import dev.loomftp.protocol.DataAddress;
import dev.loomftp.protocol.Reply;
import dev.loomftp.storage.InvalidPathException;
import dev.loomftp.storage.UploadPolicy;
import dev.loomftp.storage.VirtualFileSystem;
import dev.loomftp.storage.VirtualPath;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * One client's control session. It runs on its own virtual thread and owns a structured scope
 * that holds everything the session starts: the control-line reader while a transfer runs and,
 * in a scope of their own, its data transfers. Between commands the session's thread reads its
 * control connection itself, so an idle session is that one parked thread. When the session
 * ends, nothing it started is left running.
 *
 * <p>Its state is grouped by what it describes: {@link LoginState} (who is logged in, their files
 * and folder), {@link TransferParameters} (TYPE, MODE Z, PBSZ, PROT, the HASH algorithm, the MLST
 * facts), {@link DataSetup} (the prepared data connection, EPSV ALL), {@link OneShots} (REST, RNFR
 * and RANG, each used once) and {@link TransferInProgress}; the control loop keeps its own two
 * fields. All of it belongs to the session's thread, which alone changes it, so none of it needs
 * locks.
 */
final class Session {
    /** Over-long lines in a row before the connection is closed. */
    private static final int MAX_OVERLONG_LINES = 3;
    /** The most characters of client text that {@link #shorten} keeps. */
    private static final int SHOWN = 64;
    private static final ThreadFactory READERS = Thread.ofVirtual().name("loomftp-control-", 0).factory();
    private static final ThreadFactory TRANSFERS = Thread.ofVirtual().name("loomftp-transfer-", 0).factory();
    /** The commands answered while a transfer runs; the others wait until it is over. */
    private static final Set<String> URGENT = Set.of("ABOR", "STAT", "NOOP");
    /** The commands that wait for TLS when the server requires it: nothing secret goes in clear text. */
    private static final Set<String> TLS_GATED = Set.of("USER", "PASS");

    private final long id;
    private final ServerContext context;
    private final ControlChannel control;
    private final InetSocketAddress remote;
    /** The connection's own peer: the client, or the proxy in front of it. */
    private final java.net.InetAddress peer;
    /** The proxy whose PROXY header named the client, or null. */
    private final java.net.InetAddress proxy;
    /** Whether a proxy said this connection is its own health check: it is logged at debug level only. */
    private final boolean healthCheck;
    private final InetSocketAddress local;
    private final boolean implicitTls;

    private final LoginState login = new LoginState();
    private final TransferParameters parameters = new TransferParameters();
    private final DataSetup dataSetup = new DataSetup();
    private final OneShots oneShots = new OneShots();
    /** The transfer running now, or the last one; null before the first. */
    private TransferInProgress transfer;
    /** The control loop's own: whether to stop after this command, and error replies in a row. */
    private boolean quitting;
    private int failedInRow;
    /** The data connection of the transfer running now, which {@link #stopNow} breaks off. */
    private volatile DataChannel transferring;
    /** Whether the server stops at once, rather than after this session's transfer. */
    private volatile boolean cutOff;

    /** @param origin the client, and the proxy it came through, if any */
    Session(long id, ServerContext context, SocketChannel socket, boolean implicitTls, Origin origin)
            throws IOException {
        this.id = id;
        this.implicitTls = implicitTls;
        this.context = context;
        this.control = new ControlChannel(socket, context.config().limits().maxLineLength(), context.metrics()::reply);
        this.remote = origin.client();
        this.peer = control.remote().getAddress();
        this.proxy = origin.proxy();
        this.healthCheck = origin.healthCheck();
        this.local = control.local();
    }

    /** Serves the client until it quits, times out, or the server stops. */
    void run() {
        long started = System.nanoTime();
        String reason = "closed by client";
        note("session {} start from {}{}", id, DataAddress.text(remote.getAddress()),
                healthCheck ? " (a proxy's health check)" : "");
        try (var scope = StructuredTaskScope.open(Joiner.<Void>awaitAll(), c -> c.withThreadFactory(READERS))) {
            control.forkPumpsWith(task -> scope.fork(task));
            try {
                reason = serve();
            } finally {
                dataSetup.drop();
                control.close();
                scope.join();
            }
        } catch (InterruptedException e) {
            reason = "server stopping";
        } catch (IOException e) {
            reason = "control connection failed: " + FileErrors.reason(e);
        } catch (RuntimeException e) {
            reason = "internal error";
            context.internalErrors().increment();
            Logger.error(e, "session {} failed", id);
        }
        note("session {} end user={} after {} ms: {}", id, login.userName(),
                (System.nanoTime() - started) / 1_000_000, reason);
    }

    /** Logs a session's start or end: at info level, or at debug level for a proxy's health check every second. */
    private void note(String format, Object... arguments) {
        if (healthCheck) {
            Logger.debug(format, arguments);
        } else {
            Logger.info(format, arguments);
        }
    }

    /** Refuses a client at once, as when its address has too many sessions. */
    void refuse(String text) {
        try (control) {
            control.reply(421, text);
        } catch (IOException e) {
            Logger.debug("session {} could not be told it was refused", id);
        }
    }

    private String serve() throws IOException, InterruptedException {
        if (implicitTls) {
            try {
                startTls();
            } catch (IOException e) {
                return "no TLS handshake: " + FileErrors.reason(e);
            } catch (TimeoutException e) {
                return "no TLS handshake in time";
            }
        }
        control.reply(220, "loomftp ready.");
        int overlongLines = 0;
        Config.Timeouts timeouts = context.config().timeouts();
        while (!quitting) {
            if (control.stopping()) {
                // Lines held during a transfer are not run: the session has said 421 instead.
                sayShuttingDown();
                return "server stopping";
            }
            ControlLine line;
            try {
                line = control.next(timeouts.controlIdle());
            } catch (TimeoutException e) {
                control.reply(421, "No command for " + seconds(timeouts.controlIdle()) + ": closing the connection.");
                return "idle timeout";
            } catch (InterruptedException e) {
                sayShuttingDown();
                throw e;
            }
            switch (line) {
                case ControlLine.Text text -> {
                    overlongLines = 0;
                    dispatch(text.text());
                    if (failedInRow >= context.config().limits().maxFailedCommands()) {
                        control.reply(421, "Too many failed commands in a row: closing the connection.");
                        return "failed commands";
                    }
                }
                case ControlLine.TooLong tooLong -> {
                    if (++overlongLines >= MAX_OVERLONG_LINES) {
                        control.reply(421, "Too many over-long lines: closing the connection.");
                        return "over-long lines";
                    }
                    reply(500, "Line too long: the limit is " + tooLong.limit() + " bytes.");
                }
                case ControlLine.UnterminatedSubnegotiation broken -> reply(500, "A Telnet subnegotiation (IAC SB)"
                        + " did not end with IAC SE within " + broken.limit() + " bytes or before the line end:"
                        + " the line was ignored.");
                case ControlLine.Malformed malformed -> reply(500, "The command is not valid UTF-8.");
                case ControlLine.NotHeld notHeld -> reply(500, "Not run: the commands sent during the transfer"
                        + " passed the " + notHeld.budget() + " bytes held for after it; send it again.");
                case ControlLine.End end -> {
                    if (control.stopping()) {
                        sayShuttingDown();
                        return "server stopping";
                    }
                    return "closed by client";
                }
            }
        }
        return "quit";
    }

    /** 421 as the server stops; the connection may be closed already, when the stop interrupted a read. */
    private void sayShuttingDown() {
        try {
            control.reply(421, "The server is shutting down.");
        } catch (IOException e) {
            Logger.debug("session {} could not be told the server stops", id);
        }
    }

    /**
     * Asks the session to end from another thread, as a draining server does: it says 421 as soon
     * as it waits for a command, and a running transfer goes on to its final reply first.
     */
    void drain() {
        control.stop();
    }

    /**
     * Asks the session to end at once, from another thread, as a stopping server does: a running
     * transfer is broken off with 426, and the session says 421.
     */
    void stopNow() {
        cutOff = true;
        control.stop();
        DataChannel data = transferring;
        if (data != null) {
            data.abort();
        }
    }

    /** The gatekeeper: checks a command against its table row, then runs its handler. */
    private void dispatch(String line) throws IOException, InterruptedException {
        int space = line.indexOf(' ');
        String verb = verbOf(line);
        String argument = space < 0 ? "" : line.substring(space + 1);
        if (Logger.isDebugEnabled()) {
            Logger.debug("session {} command {}", id, verb.equals("PASS") ? "PASS ****" : shorten(line));
        }
        Optional<CommandSpec> found = CommandTable.find(verb);
        if (found.isEmpty()) {
            reply(500, "Unknown command '" + shorten(verb) + "'.");
            return;
        }
        CommandSpec spec = found.get();
        oneShots.beforeCommand(spec.name());
        gateAndRun(spec, argument);
    }

    private void gateAndRun(CommandSpec spec, String argument) throws IOException, InterruptedException {
        if (!spec.implemented()) {
            reply(502, spec.name() + " is not implemented.");
        } else if (TLS_GATED.contains(spec.name()) && tlsRequiredFirst()) {
            reply(530, "This server requires TLS: send AUTH TLS first.");
        } else if (spec.gate() == CommandSpec.Gate.LOGGED_IN && !login.loggedIn()) {
            reply(530, "Log in with USER and PASS first.");
        } else if (spec.arguments() == CommandSpec.Arguments.REQUIRED && argument.isBlank()
                || spec.arguments() == CommandSpec.Arguments.NONE && !argument.isBlank()) {
            reply(501, "Syntax: " + spec.syntax());
        } else {
            spec.handler().handle(this, argument);
        }
    }

    /** The result of {@link #whileTransferring}, and whether ABOR or the client leaving cut it short. */
    record Finished<T>(T result, boolean aborted) {}

    /**
     * Runs {@code body} as a subtask of a scope this session owns, while this thread goes on
     * reading the control connection: ABOR breaks the data connection off, STAT tells the
     * progress, NOOP is answered, and a closed control connection ends the transfer too. Other
     * commands wait, in their order, until the transfer is over.
     */
    <T> Finished<T> whileTransferring(String verb, VirtualPath path, DataChannel data, Callable<T> body)
            throws IOException, InterruptedException {
        transfer = new TransferInProgress(verb + " " + shorten(path.toString()));
        boolean aborted = false;
        transferring = data;
        if (cutOff) {
            data.abort();
        }
        control.startTransfer();
        try (var scope = StructuredTaskScope.open(Joiner.<T>awaitAll(), c -> c.withThreadFactory(TRANSFERS))) {
            Subtask<T> task = scope.fork(() -> {
                try {
                    return body.call();
                } finally {
                    control.wake();
                }
            });
            try {
                // The transfer wakes this loop once, as its last act; it has ended by the time
                // join returns.
                for (Optional<ControlLine> line; (line = control.nextUrgent(Session::isUrgent)).isPresent(); ) {
                    aborted |= answerDuringTransfer(line.get(), data);
                }
                scope.join();
            } catch (InterruptedException e) {
                data.abort();
                Thread.currentThread().interrupt();
                try {
                    scope.join();
                } catch (InterruptedException expected) {
                    // Joined: closing the scope now waits for the transfer to end.
                }
                throw e;
            }
            if (task.state() == Subtask.State.FAILED) {
                throw new IllegalStateException("a transfer failed unexpectedly", task.exception());
            }
            return new Finished<>(task.get(), aborted);
        } finally {
            transferring = null;
            control.transferEnded();
        }
    }

    /** After a transfer was aborted: 426 for the transfer, then 226 for the ABOR that asked for it. */
    void replyAfterAbort() throws IOException {
        if (quitting) {
            return;
        }
        reply(426, "Transfer aborted.");
        if (transfer.abortRequested()) {
            reply(226, "ABOR command successful.");
        }
    }

    private static boolean isUrgent(ControlLine line) {
        return switch (line) {
            case ControlLine.Text text -> URGENT.contains(verbOf(text.text()));
            case ControlLine.End end -> true;
            default -> false;
        };
    }

    /**
     * Answers an urgent line during a transfer; returns whether the transfer is being aborted. The
     * end of the control input ends the transfer, unless it came from a draining server.
     */
    private boolean answerDuringTransfer(ControlLine line, DataChannel data) throws IOException {
        if (line instanceof ControlLine.Text text) {
            switch (verbOf(text.text())) {
                case "ABOR" -> {
                    transfer.requestAbort();
                    data.abort();
                    return true;
                }
                case "STAT" -> reply(213, "Transfer in progress: " + transfer.description() + ", "
                        + data.bytes() + " bytes so far.");
                default -> reply(200, "OK.");
            }
            return false;
        }
        if (control.stopping() && !cutOff) {
            return false;
        }
        // The client left, and nothing more can be said; or the server stops, and says 426 and 421.
        quitting = !control.stopping();
        data.abort();
        return true;
    }

    static String verbOf(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    private boolean tlsRequiredFirst() {
        return context.config().tls().control() == Config.Policy.REQUIRED && !controlProtected();
    }

    // State used by the command handlers.

    /** Starts TLS on the control connection, with the handshake under the data-setup deadline. */
    void startTls() throws IOException, TimeoutException, InterruptedException {
        control.startTls(context.tls().orElseThrow(), context.config().timeouts().dataSetup());
        Logger.info("session {} TLS {} {}", id, control.tlsSession().map(s -> s.getProtocol()).orElse("?"),
                control.tlsSession().map(s -> s.getCipherSuite()).orElse("?"));
    }

    /** Ends TLS on the control connection (CCC), with the close under the data-setup deadline. */
    void stopTls() throws IOException {
        control.stopTls();
        Logger.info("session {} TLS ended by CCC", id);
    }

    /** Whether data connections must be protected: the server or this user's override says so. */
    boolean dataProtectionRequired() {
        return context.config().tls().data() == Config.Policy.REQUIRED
                || login.loggedIn() && override().requiresTls();
    }

    boolean controlProtected() {
        return control.tlsSession().isPresent();
    }

    /** The control connection's TLS session, which protected data connections must resume. */
    Optional<javax.net.ssl.SSLSession> controlTlsSession() {
        return control.tlsSession();
    }

    long id() {
        return id;
    }

    ServerContext context() {
        return context;
    }

    void reply(int code, String text) throws IOException {
        reply(Reply.of(code, text));
    }

    /** Sends a reply, counting errors in a row against {@code limits.maxFailedCommands}. */
    void reply(Reply reply) throws IOException {
        control.reply(reply);
        if (reply.code() >= 500) {
            failedInRow++;
        } else if (reply.code() < 400) {
            failedInRow = 0;
        }
    }

    InetSocketAddress remote() {
        return remote;
    }

    /**
     * The addresses a passive data connection may come from: the client's, and the proxy's when
     * the control connection came through one (which may carry the data connections too).
     */
    java.util.Set<java.net.InetAddress> dataPeers() {
        return remote.getAddress().equals(peer) ? java.util.Set.of(peer) : java.util.Set.of(remote.getAddress(), peer);
    }

    /**
     * The proxy whose data connections must start with a PROXY header naming this client
     * ({@code passive.proxyProtocol}), or null when data connections need none.
     */
    java.net.InetAddress dataProxy() {
        return context.config().passive().proxyProtocol() ? proxy : null;
    }

    InetSocketAddress local() {
        return local;
    }

    /** Who is logging in or logged in, their view of the files and the current folder. */
    LoginState login() {
        return login;
    }

    /** TYPE, MODE Z, PBSZ and PROT, the HASH algorithm and the MLST facts, as the client chose them. */
    TransferParameters parameters() {
        return parameters;
    }

    /** The data connector PASV, EPSV, PORT or EPRT prepared, and whether EPSV ALL came. */
    DataSetup dataSetup() {
        return dataSetup;
    }

    /** The REST offset, RNFR source and RANG range one command leaves for the next. */
    OneShots oneShots() {
        return oneShots;
    }

    /** What is different for the logged-in user, as the user store or the configuration says. */
    Config.UserOverride override() {
        return login.user().map(context::overrideFor).orElse(Config.UserOverride.NONE);
    }

    /** How this user's uploads are written: as their override says, or as the server's storage does. */
    UploadPolicy uploadPolicy() {
        UploadPolicy own = override().uploads();
        return own != null ? own : context.config().storage().uploads();
    }

    /** The logged-in user's view of the files, which every file handler needs: {@code login().files()}. */
    VirtualFileSystem files() {
        return login.files();
    }

    /**
     * Resolves a path the client sent, or, when it cannot name a file at all, replies
     * {@code code} (550 for a path that is read, 553 for a name that would be created) and returns
     * empty.
     */
    Optional<VirtualPath> resolveOrReply(String text, int code) throws IOException {
        try {
            return Optional.of(resolve(text));
        } catch (InvalidPathException e) {
            reply(code, code == 553 ? "File name not allowed." : "Invalid path.");
            return Optional.empty();
        }
    }

    /** Resolves a path the client sent against the current folder. */
    VirtualPath resolve(String text) throws InvalidPathException {
        return VirtualPath.resolve(login.cwd(), text);
    }

    void quit() {
        quitting = true;
    }

    /** REIN: back to the state of a new connection, without a user (PBSZ and PROT stay, with TLS). */
    void reinitialize() {
        dataSetup.reset();
        login.reset();
        parameters.reset();
        oneShots.reset();
    }

    static String seconds(java.time.Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /**
     * Client text quoted in replies and logs, cut short so that it cannot flood either, with
     * control characters as '?'. Text that needs neither, such as the path every transfer
     * quotes, is returned as it is, not copied.
     */
    static String shorten(String text) {
        if (text.length() <= SHOWN && !hasControlCharacter(text)) {
            return text;
        }
        String clean = text.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return clean.length() <= SHOWN ? clean : clean.substring(0, SHOWN) + "...";
    }

    private static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}

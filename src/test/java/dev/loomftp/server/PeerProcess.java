package dev.loomftp.server;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A peer FTP server running as a child process on a loopback port: started with its output (stdout
 * and stderr together) in a file, waited for until it greets, and stopped with everything it forked.
 * Its output, and any other log files it writes, are kept for failure messages.
 */
final class PeerProcess implements AutoCloseable {
    /** The most of each log kept for a message: its end, where the trouble usually is. */
    private static final int MAX_LOG = 16 * 1024;
    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    private final String name;
    private final int port;
    private final Process process;
    private final List<Path> logs;

    private PeerProcess(String name, int port, Process process, List<Path> logs) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.logs = logs;
    }

    /**
     * Starts {@code command} in {@code folder} and waits until {@code port} on 127.0.0.1 greets with
     * a 2xx reply; stops it again and fails, with its output, when it exits or stays silent.
     *
     * @param extraLogs log files the server writes itself, shown after its output
     */
    static PeerProcess start(String name, int port, Path folder, List<String> command, List<Path> extraLogs)
            throws IOException {
        Path output = folder.resolve(name + ".out");
        Process process = new ProcessBuilder(command)
                .directory(folder.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        List<Path> logs = new ArrayList<>(List.of(output));
        logs.addAll(extraLogs);
        PeerProcess peer = new PeerProcess(name, port, process, List.copyOf(logs));
        try {
            await().atMost(START_LIMIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .until(peer::greets);
            return peer;
        } catch (ConditionTimeoutException | IllegalStateException e) {
            peer.close();
            throw new IOException(name + " did not start on port " + port + ": " + e.getMessage() + "\n" + peer.log(), e);
        }
    }

    /** The server's output and log files, each cut to its end, for failure messages. */
    String log() {
        StringBuilder text = new StringBuilder();
        for (Path file : logs) {
            text.append("--- ").append(name).append(": ").append(file.getFileName()).append(" ---\n");
            try {
                text.append(tail(file)).append('\n');
            } catch (IOException e) {
                text.append("(not readable: ").append(e.getMessage()).append(")\n");
            }
        }
        return text.toString();
    }

    /**
     * Stops the server and every process it forked (vsftpd forks two per session): SIGTERM, then
     * SIGKILL for what still runs after {@link #STOP_LIMIT}. It polls every 20 ms rather than wait on
     * {@code onExit()}, which for processes that are not the JVM's children polls with a delay that
     * grows to seconds; a zombie counts as stopped.
     */
    @Override
    public void close() {
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroy);
        try {
            await().atMost(STOP_LIMIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(() -> tree.stream().noneMatch(PeerProcess::running));
        } catch (ConditionTimeoutException e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Whether a process still runs: alive, and not a zombie waiting for its parent to reap it. */
    private static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException gone) {
            return handle.isAlive();
        }
    }

    /** Whether the server answers a connection with a 2xx greeting; an exited server is a failure at once. */
    private boolean greets() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue());
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            return socket.getInputStream().read() == '2';
        } catch (IOException notYet) {
            return false;
        }
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(none)";
        }
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(Math.max(0, size - MAX_LOG));
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return size > MAX_LOG ? "[cut to the last " + MAX_LOG + " bytes]\n" + text : text;
        }
    }
}

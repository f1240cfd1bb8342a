package dev.loomftp;

import static org.awaitility.Awaitility.await;

import dev.loomftp.config.Config;
import dev.loomftp.pg.PgEngine;
import dev.loomftp.s3.S3Engine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three loomftp nodes (the image, each a process of its own) behind HAProxy, run with the
 * shipped conf/haproxy.cfg, as the README's "More than one machine" sets them up: users, bans and
 * quota counters in PostgreSQL, homes on S3 (a real Ceph RGW), /Public in a folder all nodes
 * share, one certificate for all, and the PROXY protocol on control and data connections.
 *
 * <p>On loopback, each node has an address of its own (127.0.0.11 to .13), the front listens on
 * 127.0.0.1, and HAProxy connects to the nodes from 127.0.0.2, so that a node tells the proxy's
 * connections from the client's.
 */
final class Cluster implements AutoCloseable {
    static final String FRONT_HOST = "127.0.0.1";
    private static final String PROXY_SOURCE = "127.0.0.2";
    private static final int NODES = 3;
    /**
     * Passive ports of node i: FIRST_PASSIVE + 20 (i - 1) and the 19 after it; below Linux's
     * ephemeral ports (32768 and up), so that no outgoing connection holds one HAProxy binds.
     */
    private static final int FIRST_PASSIVE = 30000;
    private static final Pattern FINGERPRINT = Pattern.compile("SHA-256 fingerprint ([0-9A-F:]{95})");

    private final Path folder;
    private final Path launcher;
    private final Config.Database database;
    private final String bucket;
    private final int frontPort;
    private final List<Node> nodes = new ArrayList<>();
    private Process haproxy;

    /** One node: its process, its address and port, its log. */
    record Node(int number, String host, int port, Path config, Path log, Process process) {
        String text() throws IOException {
            return Files.exists(log) ? Files.readString(log) : "";
        }
    }

    private Cluster(Path folder, Path launcher, Config.Database database, String bucket, int frontPort) {
        this.folder = folder;
        this.launcher = launcher;
        this.database = database;
        this.bucket = bucket;
        this.frontPort = frontPort;
    }

    /**
     * Starts the three nodes (the first alone, as it makes the certificate the others share) and
     * HAProxy, and waits until the front serves.
     *
     * @param banAfterFailures the failed logins in a row that ban an address, on every node
     */
    static Cluster start(Path folder, Path launcher, int banAfterFailures) throws Exception {
        Cluster cluster = new Cluster(folder, launcher, PgEngine.shared().newDatabase(), S3Engine.shared().newBucket(),
                freePort(FRONT_HOST));
        try {
            for (int number = 1; number <= NODES; number++) {
                cluster.nodes.add(cluster.startNode(number, banAfterFailures));
            }
            cluster.startHaproxy();
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private Node startNode(int number, int banAfterFailures) throws Exception {
        String host = "127.0.0." + (10 + number);
        int port = freePort(host);
        int firstPassive = FIRST_PASSIVE + 20 * (number - 1);
        Path home = Files.createDirectories(folder.resolve("node" + number));
        Path config = home.resolve("loomftp.json");
        Files.writeString(config, """
                {
                  "listeners": [ { "address": "%s", "port": %d, "proxyFrom": [ "%s/32" ] } ],
                  "passive": { "minPort": %d, "maxPort": %d, "advertisedAddress": "%s", "proxyProtocol": true },
                  "storage": { "root": "%s", "mounts": [
                    { "path": "/", "s3": { "bucket": "%s", "prefix": "homes/{user}/", "endpoint": "%s" } },
                    { "path": "/Public", "source": "Public" } ] },
                  "users": { "database": { "url": "%s", "user": "%s", "maxConnections": 4 } },
                  "logins": { "failureDelay": "10ms", "maxFailureDelay": "40ms", "banAfterFailures": %d },
                  "tls": { "keystore": "%s" },
                  "service": { "pidFile": "loomftp.pid" },
                  "logging": { "level": "info", "file": "loomftp.log" }
                }
                """.formatted(host, port, PROXY_SOURCE, firstPassive, firstPassive + 19, FRONT_HOST,
                folder.resolve("shared"), bucket, S3Engine.shared().endpoint(), database.url(), database.user(),
                banAfterFailures, folder.resolve("tls.p12")));
        Process process = process(home, List.of("serve", "--config", config.toString()));
        Node node = new Node(number, host, port, config, home.resolve("loomftp.log"), process);
        await().atMost(Duration.ofSeconds(60)).alias("node " + number + " listening").until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("node " + number + " ended: " + node.text());
            }
            return node.text().contains("listening on " + host + ":" + port);
        });
        return node;
    }

    private void startHaproxy() throws IOException {
        Path config = Path.of("conf/haproxy.cfg").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("haproxy", "-f", config.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(folder.resolve("haproxy.log").toFile());
        Map<String, String> environment = builder.environment();
        environment.put("LOOMFTP_FRONT", FRONT_HOST + ":" + frontPort);
        environment.put("LOOMFTP_SOURCE", PROXY_SOURCE);
        for (Node node : nodes) {
            int first = FIRST_PASSIVE + 20 * (node.number() - 1);
            environment.put("LOOMFTP_NODE" + node.number(), node.host() + ":" + node.port());
            environment.put("LOOMFTP_HOST" + node.number(), node.host());
            environment.put("LOOMFTP_PASSIVE" + node.number(), FRONT_HOST + ":" + first + "-" + (first + 19));
        }
        haproxy = builder.start();
        await().atMost(Duration.ofSeconds(20)).alias("HAProxy serving FTP at the front").until(() -> {
            if (!haproxy.isAlive()) {
                throw new IllegalStateException("HAProxy ended: " + Files.readString(folder.resolve("haproxy.log")));
            }
            return greets();
        });
        // HAProxy counts a server up from the start, and takes it out after two failed checks.
    }

    /** Whether the front answers 220 now. */
    private boolean greets() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(FRONT_HOST, frontPort), 2000);
            socket.setSoTimeout(3000);
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return line != null && line.startsWith("220");
        } catch (IOException e) {
            return false;
        }
    }

    int frontPort() {
        return frontPort;
    }

    List<Node> nodes() {
        return nodes;
    }

    /** The certificate all nodes share, as their logs name it. */
    String fingerprint() throws IOException {
        Matcher matcher = FINGERPRINT.matcher(nodes.getFirst().text());
        if (!matcher.find()) {
            throw new IllegalStateException("no fingerprint in the first node's log");
        }
        return matcher.group(1);
    }

    /** The node that logged {@code user} in last, by the times its log gives. */
    Node servedLogin(String user) throws IOException {
        Node last = null;
        String latest = "";
        for (Node node : nodes) {
            for (String line : node.text().lines().toList()) {
                // Lines start with their time, "2026-12-06 19:11:30.167", which sorts as text.
                if (line.contains(" login user=" + user) && line.compareTo(latest) > 0) {
                    latest = line;
                    last = node;
                }
            }
        }
        if (last == null) {
            throw new IllegalStateException("no node logged " + user + " in");
        }
        return last;
    }

    /** Runs {@code loomftp ARGS} from the image in {@code folder}, with the database's password. */
    Process process(Path in, List<String> arguments) throws IOException {
        return process(in, arguments, Map.of());
    }

    Process process(Path in, List<String> arguments, Map<String, String> variables) throws IOException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(launcher.toString());
        builder.command().addAll(arguments);
        builder.directory(in.toFile());
        builder.redirectErrorStream(true).redirectOutput(in.resolve("output-" + System.nanoTime() + ".txt").toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", "/usr/bin:/bin");
        environment.put("HOME", in.toString());
        environment.put("AWS_ACCESS_KEY_ID", S3Engine.ACCESS_KEY);
        environment.put("AWS_SECRET_ACCESS_KEY", S3Engine.SECRET_KEY);
        environment.putAll(PgEngine.environment());
        environment.putAll(variables);
        return builder.start();
    }

    /** Runs {@code loomftp ARGS} to its end, within two minutes, with {@code input} on its standard input. */
    int run(Path in, List<String> arguments, Map<String, String> variables, String input) throws Exception {
        Process process = process(in, arguments, variables);
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("loomftp " + arguments + " did not end");
        }
        return process.exitValue();
    }

    /** Kills a node at once (SIGKILL), as a machine that fails. */
    void kill(Node node) throws InterruptedException {
        node.process().destroyForcibly();
        node.process().waitFor(20, TimeUnit.SECONDS);
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        }
    }

    /** Stops HAProxy and every node still running (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() {
        if (haproxy != null) {
            haproxy.destroy();
        }
        for (Node node : nodes) {
            node.process().destroy();
        }
        for (Node node : nodes) {
            try {
                if (!node.process().waitFor(20, TimeUnit.SECONDS)) {
                    node.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (haproxy != null) {
            try {
                haproxy.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

}

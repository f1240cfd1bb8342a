package dev.loomftp.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server under test, as a process started in its own folder. Each serves {@code payload.bin} (a
 * hard link to the benchmark's payload) and a writable {@code up} folder from {@link #root}.
 *
 * @param name     how the tables name it
 * @param port     its control port on 127.0.0.1
 * @param withUser whether clients log in as {@link Bench#USER} (otherwise as anonymous)
 * @param folder   its own folder: configuration and logs
 * @param root     the folder a client is in after logging in
 * @param process  the server
 */
record Peer(String name, int port, boolean withUser, Path folder, Path root, Process process)
        implements AutoCloseable {
    private static final Path VSFTPD = Path.of("/usr/sbin/vsftpd");
    /** The system's python3: pyftpdlib from apt is there, not in a python3 earlier on the PATH. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** The built image's server, with {@link Bench#USER}, passive ports 44000 to 44999. */
    static Peer loomftp(Path image, Path work, Path payload, int port) throws IOException, InterruptedException {
        Path home = work.resolve("loomftp");
        Path root = Files.createDirectories(home.resolve("data/" + Bench.USER));
        serving(root, payload);
        Path config = home.resolve("loomftp.json");
        Files.writeString(config, """
                {
                  "listeners": [ { "address": "127.0.0.1", "port": %d } ],
                  "passive": { "minPort": 44000, "maxPort": 44999 },
                  "storage": { "root": "data" },
                  "users": { "file": "users.txt" },
                  "limits": { "maxSessions": 2000, "maxSessionsPerAddress": 2000 },
                  "logging": { "level": "warn" }
                }
                """.formatted(port));
        Path password = home.resolve("password.txt");
        Files.writeString(password, Bench.PASSWORD + "\n");
        String launcher = image.resolve("bin/loomftp").toString();
        Bench.run(new ProcessBuilder(launcher, "user", "add", Bench.USER, "--password-stdin", "--config",
                config.toString()).redirectInput(password.toFile()));
        return start("loomftp", port, true, home, root, List.of(launcher, "serve", "--config", config.toString()));
    }

    /**
     * vsftpd from apt, anonymous, passive ports 45000 to 45999. It must start as root, to chroot its
     * sessions and switch them to the user ftp, who owns {@code up}. Anonymous users may upload,
     * overwrite, delete and make folders (MKD needs anon_mkdir_write_enable).
     */
    static Peer vsftpd(Path work, Path payload, int port) throws IOException {
        Path home = work.resolve("vsftpd");
        Path root = Files.createDirectories(home.resolve("root"));
        serving(root, payload);
        Files.setOwner(root.resolve("up"), root.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("ftp"));
        Path empty = Files.createDirectories(home.resolve("empty"));
        Path config = home.resolve("vsftpd.conf");
        Files.writeString(config, String.join("\n",
                "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=" + port, "background=NO",
                "anonymous_enable=YES", "local_enable=NO", "anon_root=" + root, "no_anon_password=YES",
                "write_enable=YES", "anon_upload_enable=YES", "anon_mkdir_write_enable=YES",
                "anon_other_write_enable=YES", "anon_umask=022", "pasv_min_port=45000", "pasv_max_port=45999",
                "secure_chroot_dir=" + empty, "seccomp_sandbox=NO", "max_clients=2000", "max_per_ip=2000",
                "xferlog_enable=NO", "use_sendfile=YES", "") + "\n");
        return start("vsftpd 3.0.3", port, false, home, root, List.of(VSFTPD.toString(), config.toString()));
    }

    /** pyftpdlib from apt, with {@link Bench#USER}, passive ports 46000 to 46999. */
    static Peer pyftpdlib(Path work, Path payload, int port) throws IOException {
        Path home = work.resolve("pyftpdlib");
        Path root = Files.createDirectories(home.resolve("root"));
        serving(root, payload);
        return start("pyftpdlib", port, true, home, root, List.of(PYTHON.toString(), "-m", "pyftpdlib",
                "-i", "127.0.0.1", "-p", Integer.toString(port), "-w", "-d", root.toString(),
                "-u", Bench.USER, "-P", Bench.PASSWORD, "-r", "46000-46999"));
    }

    /** Whether vsftpd is installed and this process may start it (as root). */
    static boolean vsftpdRuns() {
        return Files.isExecutable(VSFTPD) && System.getProperty("user.name").equals("root");
    }

    /** Whether the system's python3 has pyftpdlib. */
    static boolean pyftpdlibRuns() throws IOException, InterruptedException {
        Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import pyftpdlib")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!check.waitFor(30, TimeUnit.SECONDS)) {
            Bench.stop(check);
            return false;
        }
        return check.exitValue() == 0;
    }

    /** Puts the payload and an empty {@code up} folder into {@code root}. */
    private static void serving(Path root, Path payload) throws IOException {
        Files.createDirectories(root.resolve("up"));
        Files.createLink(root.resolve("payload.bin"), payload);
    }

    private static Peer start(String name, int port, boolean withUser, Path folder, Path root, List<String> command)
            throws IOException {
        Process process = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(folder.resolve("stdout.log").toFile())
                .redirectError(folder.resolve("stderr.log").toFile())
                .start();
        return new Peer(name, port, withUser, folder, root, process);
    }

    /** The address of {@code path} on this server, without a user: curl and lftp take it apart. */
    String url(String path) {
        return "ftp://127.0.0.1:" + port + "/" + path;
    }

    /** Waits, bounded, until the server greets a client. */
    void awaitListening() throws IOException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + ": "
                        + Files.readString(folder.resolve("stderr.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(5000);
                InputStream in = socket.getInputStream();
                if (in.read() == '2') {
                    return;
                }
            } catch (IOException notYet) {
                process.onExit().completeOnTimeout(process, 100, TimeUnit.MILLISECONDS).join();
            }
        }
        throw new IOException(name + " did not start listening on port " + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            Bench.stop(process);
        }
    }
}

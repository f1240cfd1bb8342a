package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.client.FtpClient;
import dev.loomftp.server.ClientRunner.Run;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a server that lies: listings with names that climb out of the target folder
 * or name an absolute path. A mirror or an mget copies the honest files and refuses the others,
 * and nothing is written outside the folder it was given (checked with a canary folder beside it);
 * and a data connection that stops moving ends at the time limit.
 */
class ClientHostileServerTest {
    /** The listing the hostile server sends for every folder. */
    private static final List<String> LIES = List.of(
            "type=file;size=5;modify=20200101000000; ok.txt",
            "type=file;size=5;modify=20200101000000; ../escaped.txt",
            "type=file;size=5;modify=20200101000000; /tmp/absolute.txt",
            "type=dir;modify=20200101000000; ..",
            "type=file;size=5;modify=20200101000000; a\\\\b.txt");

    @TempDir
    Path local;

    private ServerSocket listener;
    private Thread serving;

    @AfterEach
    void stop() throws Exception {
        listener.close();
        serving.join();
    }

    @Test
    void mirrorAndMgetNeverWriteOutsideTheirFolder() throws IOException {
        start();
        Path target = local.resolve("inside/target");
        Run mirror = ClientRunner.client(List.of("--netrc-file", netrc().toString(), "mirror", url(), target.toString()));
        assertEquals(6, mirror.exitCode(), mirror.describe());
        assertTrue(mirror.err().contains("../escaped.txt: skipped, not a plain name"), mirror.describe());
        assertEquals(Map.of("target/ok.txt", "hello"), contents(local.resolve("inside")),
                "only the honest file, in place");

        Path here = Files.createDirectories(local.resolve("inside/mget"));
        Run mget = ClientRunner.client(List.of("--netrc-file", netrc().toString(), "-c",
                "open " + url() + "; lcd " + here + "; mget *"));
        assertEquals(0, mget.exitCode(), mget.describe());
        assertEquals(Map.of("target/ok.txt", "hello", "mget/ok.txt", "hello"), contents(local.resolve("inside")));
        assertTrue(Files.notExists(local.resolve("escaped.txt")) && Files.notExists(local.resolve("inside/escaped.txt")));
    }

    @Test
    void aDataConnectionThatStallsTimesOut() throws IOException {
        start();
        Path target = local.resolve("stall.bin");
        try (FtpClient client = FtpClient.connect("127.0.0.1", listener.getLocalPort(), Duration.ofSeconds(1))) {
            client.login("eve", "eve".toCharArray());
            long started = System.nanoTime();
            SocketTimeoutException late = assertThrows(SocketTimeoutException.class,
                    () -> client.download("stall.bin", target));
            assertTrue(late.getMessage().contains("moved nothing for 1 s"), late.getMessage());
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "the limit held");
        }
        assertEquals("hel", Files.readString(FtpClient.partial(target)), "the part that came is kept");
    }

    /** Every file under {@code root} by its relative path, with its text. */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(path).toString(), Files.readString(path));
            }
        }
        files.remove("netrc");
        return files;
    }

    private Path netrc() throws IOException {
        return Files.writeString(local.resolve("netrc"), "machine 127.0.0.1 login eve password eve\n");
    }

    private String url() {
        return "ftp://eve@127.0.0.1:" + listener.getLocalPort() + "/";
    }

    /** A tiny FTP server, one session at a time, that answers with {@link #LIES} and "hello" for every file. */
    private void start() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serving = Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try (Socket control = listener.accept()) {
                    session(control);
                } catch (IOException closed) {
                    // The test is over, or the client left.
                }
            }
        });
    }

    private static void session(Socket control) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = control.getOutputStream();
        reply(out, "220 hostile ready");
        try (ServerSocket data = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (String line; (line = in.readLine()) != null; ) {
                String verb = line.split(" ")[0].toUpperCase(java.util.Locale.ROOT);
                switch (verb) {
                    case "USER" -> reply(out, "331 password");
                    case "PASS" -> reply(out, "230 in");
                    case "TYPE" -> reply(out, "200 ok");
                    case "FEAT" -> reply(out, "211-Features:\r\n MLST type*;size*;modify*;\r\n211 End");
                    case "EPSV" -> reply(out, "229 Entering Extended Passive Mode (|||" + data.getLocalPort() + "|)");
                    case "SIZE" -> reply(out, "213 5");
                    case "MDTM" -> reply(out, "213 20200101000000");
                    case "MLSD", "RETR" -> {
                        reply(out, "150 here it comes");
                        if (line.endsWith("stall.bin")) {
                            try (Socket channel = data.accept()) {
                                channel.getOutputStream().write("hel".getBytes(StandardCharsets.UTF_8));
                                in.readLine();
                            }
                            return;
                        }
                        try (Socket channel = data.accept()) {
                            String body = verb.equals("MLSD") ? String.join("\r\n", LIES) + "\r\n" : "hello";
                            channel.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
                        }
                        reply(out, "226 done");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 not here");
                }
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

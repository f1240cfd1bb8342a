package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.cli.Io;
import dev.loomftp.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.loomftp.server.ClientRunner.Run;
import org.junit.jupiter.api.io.TempDir;

/** The scriptable client commands, their arguments as curl and scp users expect, and their exit codes. */
@ExtendWith(StopServers.class)
class ClientScriptTest {
    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;
    private Path netrc;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", "alice-password");
        netrc = local.resolve("netrc");
        Files.writeString(netrc, "machine 127.0.0.1 login alice password alice-password\n");
    }



    @Test
    void putLsGetMkdirAndRm() throws IOException {
        Files.writeString(local.resolve("a.txt"), "first");
        Files.writeString(local.resolve("b.txt"), "second");
        assertEquals(0, client("mkdir", url("inbox")).exitCode());
        Run put = client("put", local.resolve("a.txt").toString(), local.resolve("b.txt").toString(), url("inbox/"));
        assertEquals(0, put.exitCode(), put.err());
        assertEquals("second", Files.readString(server.folder("alice").resolve("inbox/b.txt")));

        Run ls = client("ls", url("inbox"));
        assertEquals(0, ls.exitCode(), ls.err());
        assertTrue(ls.out().contains(" a.txt") && ls.out().contains(" b.txt"), ls.out());

        Path downloads = Files.createDirectories(local.resolve("downloads"));
        assertEquals(0, client("get", url("inbox/a.txt"), downloads.toString()).exitCode());
        assertEquals("first", Files.readString(downloads.resolve("a.txt")), "into the folder, under the remote name");
        assertEquals(0, client("get", url("inbox/b.txt"), local.resolve("renamed.txt").toString()).exitCode());
        assertEquals("second", Files.readString(local.resolve("renamed.txt")));

        assertEquals(0, client("rm", url("inbox/a.txt")).exitCode());
        assertTrue(Files.notExists(server.folder("alice").resolve("inbox/a.txt")));
    }

    @Test
    void interruptedTransfersResumeWithDashC() throws IOException {
        byte[] content = TransferTest.randomBytes(3_000_000, 17);
        Files.write(server.folder("alice").resolve("big.bin"), content);
        Files.write(local.resolve("big.bin"), java.util.Arrays.copyOf(content, 1_000_000));
        Run get = client("get", "-c", url("big.bin"), local.resolve("big.bin").toString());
        assertEquals(0, get.exitCode(), get.err());
        org.junit.jupiter.api.Assertions.assertArrayEquals(content, Files.readAllBytes(local.resolve("big.bin")));

        Files.write(server.folder("alice").resolve("up.bin"), java.util.Arrays.copyOf(content, 2_000_000));
        Files.write(local.resolve("up.bin"), content);
        Run put = client("put", "-c", local.resolve("up.bin").toString(), url(""));
        assertEquals(0, put.exitCode(), put.err());
        org.junit.jupiter.api.Assertions.assertArrayEquals(content,
                Files.readAllBytes(server.folder("alice").resolve("up.bin")));
    }

    @Test
    void aCopyThatDiffersFromTheServersHashIsAnError() throws IOException {
        Files.writeString(server.folder("alice").resolve("file.txt"), "abcdefgh");
        Files.writeString(local.resolve("file.txt"), "abcXY");
        Run get = client("get", "-c", url("file.txt"), local.resolve("file.txt").toString());
        assertEquals(6, get.exitCode(), "the resumed copy is checked with HASH");
        assertTrue(get.err().contains("the copies differ"), get.err());
    }

    @Test
    void batchCommandsRunInOrderAndStopAtTheFirstFailure() throws IOException {
        String login = "open 127.0.0.1 " + server.port() + "; user alice; pass alice-password";
        Run ok = batch("-c", login + "; mkdir batch; cd batch; pwd; bye");
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("/batch"), ok.out());
        assertTrue(Files.isDirectory(server.folder("alice").resolve("batch")));

        Run missing = batch("-c", login + "; get missing.txt " + local.resolve("m") + "; mkdir never");
        assertEquals(7, missing.exitCode(), missing.err());
        assertTrue(Files.notExists(server.folder("alice").resolve("never")), "it stopped at the failure");

        assertEquals(5, batch("-c", "open 127.0.0.1 " + server.port() + "; user alice; pass wrong").exitCode());

        Path file = local.resolve("commands.txt");
        Files.writeString(file, "# a batch file\n" + login.replace("; ", "\n") + "\nmkdir from-file\n");
        assertEquals(0, batch("--batch", file.toString()).exitCode());
        assertTrue(Files.isDirectory(server.folder("alice").resolve("from-file")));
    }

    private Run batch(String option, String argument) {
        return execute(List.of("client", option, argument));
    }

    @Test
    void tlsWithAPinnedFingerprint() throws Exception {
        server.close();
        Path tlsFolder = folder.resolve("tls");
        server = TestServer.startTls(tlsFolder, TestServer.tls(tlsFolder, dev.loomftp.config.Config.Policy.REQUIRED,
                dev.loomftp.config.Config.Policy.REQUIRED, List.of(), true)).withUser("alice", "alice-password");
        Files.writeString(server.folder("alice").resolve("secret.txt"), "over TLS");
        String fingerprint = TestServer.fingerprint(tlsFolder);

        Run get = client("get", "--fingerprint", fingerprint, url("secret.txt"), local.resolve("got.txt").toString());
        assertEquals(0, get.exitCode(), get.err());
        assertEquals("over TLS", Files.readString(local.resolve("got.txt")));
        Run put = client("put", "--fingerprint", fingerprint, local.resolve("got.txt").toString(), url(""));
        assertEquals(0, put.exitCode(), put.err());

        Run wrongPin = client("ls", "--fingerprint", "00:11:22", url(""));
        assertEquals(4, wrongPin.exitCode(), "an unknown certificate is not trusted");
        assertTrue(wrongPin.err().contains("TLS failed"), wrongPin.err());
        Run plain = client("ls", url(""));
        assertEquals(5, plain.exitCode(), "this server requires TLS before login");
    }

    @Test
    void implicitTlsWithAnFtpsAddress() throws Exception {
        server.close();
        Path tlsFolder = folder.resolve("implicit");
        server = TestServer.startTls(tlsFolder, TestServer.tls(tlsFolder, dev.loomftp.config.Config.Policy.OPTIONAL,
                dev.loomftp.config.Config.Policy.OPTIONAL,
                List.of(new dev.loomftp.config.Config.Listener("127.0.0.1", 0)), true)).withUser("alice", "alice-password");
        Files.writeString(server.folder("alice").resolve("implicit.txt"), "implicit");
        int implicitPort = server.server().addresses().get(1).getPort();
        Run get = client("get", "--fingerprint", TestServer.fingerprint(tlsFolder),
                "ftps://alice@127.0.0.1:" + implicitPort + "/implicit.txt", local.resolve("i.txt").toString());
        assertEquals(0, get.exitCode(), get.err());
        assertEquals("implicit", Files.readString(local.resolve("i.txt")));
    }

    @Test
    void exitCodesSayWhatWentWrong() throws IOException {
        assertEquals(7, client("get", url("missing.txt"), local.resolve("x").toString()).exitCode(), "not found");
        Files.writeString(netrc, "machine 127.0.0.1 login alice password wrong-password\n");
        assertEquals(5, client("ls", url("")).exitCode(), "login refused");
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        assertEquals(4, client("ls", "ftp://alice@127.0.0.1:" + closedPort + "/").exitCode(), "cannot connect");
        Run withPassword = client("ls", "ftp://alice:secret@127.0.0.1:" + server.port() + "/");
        assertEquals(2, withPassword.exitCode(), "no password on the command line");
        assertTrue(withPassword.err().contains("no password in the address"), withPassword.err());
        assertEquals(2, client("get").exitCode());
        assertTrue(Files.notExists(local.resolve("x")) && Files.notExists(local.resolve("x.part")),
                "a failed download leaves nothing behind");
    }

    private String url(String path) {
        return "ftp://alice@127.0.0.1:" + server.port() + "/" + path;
    }

    private Run client(String... arguments) {
        List<String> args = new ArrayList<>(List.of(arguments));
        args.addAll(List.of("--netrc-file", netrc.toString()));
        return ClientRunner.client(args);
    }

    private static Run execute(List<String> args) {
        return ClientRunner.client(args.subList(1, args.size()));
    }
}

package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * FTPS with real clients: curl (explicit with {@code --ssl-reqd}, and implicit with
 * {@code ftps://}) and lftp ({@code ftp:ssl-force}) resume the control connection's TLS session
 * on data connections, so they work with the reuse requirement on; Python's ftplib does not, so
 * it works with the requirement off and gets 522 with it on. Every transfer is checked byte for
 * byte under PROT P.
 */
@ExtendWith(StopServers.class)
class TlsInteropTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    @TempDir
    Path local;

    private TestServer server;


    @Test
    void curlExplicitTlsWithSessionReuse() throws Exception {
        ExternalClient curl = ExternalClient.require("curl", local);
        start(true);
        Path original = FileTrees.write(local.resolve("original.bin"), 3_000_000, 5);
        String url = "ftp://127.0.0.1:" + server.port() + "/";
        curl.run("-sS", "--ssl-reqd", "-k", "-u", "alice:" + PASSWORD, "-T", original.toString(), url + "up.bin")
                .assertSuccess();
        curl.run("-sS", "--ssl-reqd", "-k", "-u", "alice:" + PASSWORD, "-o", local.resolve("down.bin").toString(),
                url + "up.bin").assertSuccess();
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(server.folder("alice").resolve("up.bin")));
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(local.resolve("down.bin")));
    }

    @Test
    void curlImplicitTls() throws Exception {
        ExternalClient curl = ExternalClient.require("curl", local);
        start(true);
        Files.writeString(server.folder("alice").resolve("hello.txt"), "over implicit TLS\n");
        int port = server.server().addresses().get(1).getPort();
        ExternalClient.Result result = curl.run("-sS", "-k", "-u", "alice:" + PASSWORD,
                "ftps://127.0.0.1:" + port + "/hello.txt").assertSuccess();
        assertEquals("over implicit TLS\n", result.stdout());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "CCC mode {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"passive", "active"})
    void curlClearsTheControlConnectionWithCccWhenAllowed(String mode) throws Exception {
        ExternalClient curl = ExternalClient.require("curl", local);
        Path serverFolder = Files.createDirectories(folder.resolve("ccc-" + mode));
        Config.Tls tls = TestServer.tls(serverFolder, Config.Policy.OPTIONAL, Config.Policy.OPTIONAL, List.of(), true);
        server = TestServer.startTls(serverFolder, new Config.Tls(tls.control(), tls.data(), tls.implicitListeners(),
                null, null, tls.keystore(), null, true, true)).withUser("alice", PASSWORD);
        Files.writeString(server.folder("alice").resolve("after-ccc.txt"), "clear control, protected data\n");
        ExternalClient.Result result = curl.run("-sS", "--ssl-reqd", "--ftp-ssl-ccc", "--ftp-ssl-ccc-mode", mode, "-k",
                "-u", "alice:" + PASSWORD, "ftp://127.0.0.1:" + server.port() + "/after-ccc.txt").assertSuccess();
        assertEquals("clear control, protected data\n", result.stdout());
    }

    @Test
    void lftpWithTlsForced() throws Exception {
        ExternalClient lftp = ExternalClient.require("lftp", local);
        start(true);
        Path original = FileTrees.write(local.resolve("original.bin"), 2_500_000, 6);
        lftp.run("-c", String.join("; ", "set cmd:fail-exit yes", "set net:max-retries 1", "set net:timeout 20",
                "set ftp:ssl-force yes", "set ftp:ssl-protect-data yes", "set ssl:verify-certificate no",
                "open -u alice," + PASSWORD + " -p " + server.port() + " 127.0.0.1",
                "put '" + original + "' -o up.bin", "get up.bin -o '" + local.resolve("down.bin") + "'"))
                .assertSuccess();
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(server.folder("alice").resolve("up.bin")));
        assertEquals(TransferTest.sha256(original), TransferTest.sha256(local.resolve("down.bin")));
    }

    @Test
    void pythonFtplibWorksWithoutTheReuseRequirementAndGets522WithIt() throws Exception {
        ExternalClient python = ExternalClient.require("python3", local);
        Path script = local.resolve("ftps_check.py");
        Files.writeString(script, """
                import ftplib, io, ssl, sys
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                ftp = ftplib.FTP_TLS(context=context, timeout=20)
                ftp.connect('127.0.0.1', int(sys.argv[1]))
                ftp.login('alice', sys.argv[2])
                ftp.prot_p()
                data = bytes(range(256)) * 4000
                try:
                    ftp.storbinary('STOR py.bin', io.BytesIO(data))
                    back = io.BytesIO()
                    ftp.retrbinary('RETR py.bin', back.write)
                    print('transferred', back.getvalue() == data)
                except ftplib.error_perm as refused:
                    print('refused', str(refused)[:3])
                except OSError:
                    # The server dropped the data connection; its reply tells why.
                    try:
                        ftp.voidresp()
                    except ftplib.error_perm as refused:
                        print('refused', str(refused)[:3])
                """);
        start(false);
        assertEquals("transferred True", python.run(script.toString(), Integer.toString(server.port()), PASSWORD)
                .assertSuccess().stdout().strip());
        server.close();
        server = null;
        start(true);
        assertEquals("refused 522", python.run(script.toString(), Integer.toString(server.port()), PASSWORD)
                .assertSuccess().stdout().strip());
        assertTrue(Files.notExists(server.folder("alice").resolve("py.bin")), "nothing was stored");
    }

    private void start(boolean requireReuse) throws IOException {
        Path serverFolder = Files.createDirectories(folder.resolve(requireReuse ? "reuse" : "no-reuse"));
        server = TestServer.startTls(serverFolder, TestServer.tls(serverFolder, Config.Policy.OPTIONAL,
                Config.Policy.OPTIONAL, List.of(new Config.Listener("127.0.0.1", 0)), requireReuse))
                .withUser("alice", PASSWORD);
    }
}

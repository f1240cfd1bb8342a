package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many FTPS uploads by the clients people use, with their defaults and the server's (explicit TLS,
 * session reuse required): curl, lftp and Python's ftplib, each over TLS 1.3 and 1.2, of files
 * from 0 B to 2 MB, every one checked byte for byte, and not one may fail. The count is
 * {@code -Dloomftp.ftpsUploads=N} (300 by default), so a failure one time in a hundred shows.
 *
 * <p>Each client resumes the control connection's TLS session on its data connections: curl and
 * lftp do that by themselves; ftplib is given the session explicitly, as its users do for servers
 * that require it (vsftpd's {@code require_ssl_reuse}).
 */
@ExtendWith(StopServers.class)
class FtpsUploadInteropTest {
    private static final String PASSWORD = "alice-password";
    private static final int UPLOADS = Integer.getInteger("loomftp.ftpsUploads", 300);
    private static final long MAX_SIZE = 2_000_000;
    /** Uploads per curl run: each run logs in once and uploads over one control connection. */
    private static final int CURL_BATCH = 25;

    /** The files to upload, made once for every client. */
    @TempDir
    static Path files;

    @TempDir
    Path folder;

    private TestServer server;

    @BeforeAll
    static void writeFiles() throws IOException {
        for (int i = 0; i < UPLOADS; i++) {
            FileTrees.write(files.resolve(name(i)), size(i), i);
        }
    }

    @BeforeEach
    void start() throws IOException {
        Path serverFolder = Files.createDirectories(folder.resolve("server"));
        server = TestServer.startTls(serverFolder, TestServer.tls(serverFolder, Config.Policy.OPTIONAL,
                Config.Policy.OPTIONAL, List.of(), true)).withUser("alice", PASSWORD);
    }


    @ParameterizedTest(name = "TLS {0}")
    @ValueSource(strings = {"1.3", "1.2"})
    void curl(String version) throws Exception {
        ExternalClient curl = ExternalClient.require("curl", folder).timeout(Duration.ofMinutes(5));
        String base = "ftp://127.0.0.1:" + server.port() + "/curl/";
        List<List<String>> runs = new ArrayList<>();
        for (int first = 0; first < UPLOADS; first += CURL_BATCH) {
            List<String> arguments = new ArrayList<>(List.of("-sS", "--ssl-reqd", "-k", "--ftp-create-dirs",
                    version.equals("1.2") ? "--tls-max" : "--tlsv1.3", version.equals("1.2") ? "1.2" : "",
                    "-u", "alice:" + PASSWORD));
            arguments.removeIf(String::isEmpty);
            for (int i = first; i < Math.min(UPLOADS, first + CURL_BATCH); i++) {
                arguments.addAll(List.of("-T", files.resolve(name(i)).toString(), base + name(i)));
            }
            runs.add(arguments);
        }
        // A few runs at once, as parallel uploads from one machine are.
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<ExternalClient.Result>> results = new ArrayList<>();
            for (List<String> arguments : runs) {
                results.add(pool.submit(() -> curl.run(arguments.toArray(String[]::new))));
            }
            for (Future<ExternalClient.Result> result : results) {
                result.get().assertSuccess();
            }
        }
        assertAllArrived("curl");
    }

    @ParameterizedTest(name = "TLS {0}")
    @ValueSource(strings = {"1.3", "1.2"})
    void lftp(String version) throws Exception {
        ExternalClient lftp = ExternalClient.require("lftp", folder).timeout(Duration.ofMinutes(5));
        lftp.run("-c", String.join("; ", "set cmd:fail-exit yes", "set net:max-retries 1", "set net:timeout 30",
                "set ftp:ssl-force yes", "set ftp:ssl-protect-data yes", "set ssl:verify-certificate no",
                "set ssl:priority " + (version.equals("1.2") ? "NORMAL:-VERS-TLS1.3" : "NORMAL"),
                "open -u alice," + PASSWORD + " -p " + server.port() + " 127.0.0.1",
                "mirror -R --parallel=2 '" + files + "' lftp")).assertSuccess();
        assertAllArrived("lftp");
    }

    @ParameterizedTest(name = "TLS {0}")
    @ValueSource(strings = {"1.3", "1.2"})
    void pythonFtplib(String version) throws Exception {
        ExternalClient python = ExternalClient.require("python3", folder).timeout(Duration.ofMinutes(5));
        Path script = folder.resolve("ftps_uploads.py");
        Files.writeString(script, """
                import ftplib, os, ssl, sys

                class ReusingFTP_TLS(ftplib.FTP_TLS):
                    # Resumes the control connection's TLS session on data connections.
                    def ntransfercmd(self, cmd, rest=None):
                        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
                        if self._prot_p:
                            conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                                            session=self.sock.session)
                        return conn, size

                port, password, folder, version = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                context.maximum_version = ssl.TLSVersion.TLSv1_2 if version == '1.2' else ssl.TLSVersion.TLSv1_3
                ftp = ReusingFTP_TLS(context=context, timeout=30)
                ftp.connect('127.0.0.1', port)
                ftp.login('alice', password)
                ftp.prot_p()
                ftp.mkd('ftplib')
                failed = 0
                for name in sorted(os.listdir(folder)):
                    try:
                        with open(os.path.join(folder, name), 'rb') as f:
                            ftp.storbinary('STOR ftplib/' + name, f)
                    except ftplib.all_errors as e:
                        failed += 1
                        print('failed', name, e, file=sys.stderr)
                ftp.quit()
                sys.exit(1 if failed else 0)
                """);
        python.run(script.toString(), Integer.toString(server.port()), PASSWORD, files.toString(), version)
                .assertSuccess();
        assertAllArrived("ftplib");
    }

    private void assertAllArrived(String remoteFolder) throws IOException {
        Map<String, String> sent = FileTrees.snapshot(files);
        assertEquals(sent, FileTrees.snapshot(server.folder("alice").resolve(remoteFolder)),
                "every upload arrives whole, and only once");
    }

    private static String name(int i) {
        return "f%05d.bin".formatted(i);
    }

    /**
     * File sizes from 0 B to 2 MB: the edges first (empty, one byte, around a TLS record and the
     * socket buffers), then spread evenly on a log scale, so small and large files both abound.
     */
    static long size(int i) {
        long[] edges = {0, 1, 16_383, 16_384, 16_385, 114_688, 300_000, MAX_SIZE};
        if (i < edges.length) {
            return edges[i];
        }
        double fraction = ((i * 0.6180339887) % 1.0);
        return (long) Math.pow(MAX_SIZE, fraction);
    }
}
